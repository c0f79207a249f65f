/** Diagnostic codes of a turn, in order. */
export function codes(turn: { diagnostics: readonly { code: string }[] }): string[] {
  return turn.diagnostics.map((d) => d.code);
}
