/**
 * Characters a terminal acts on instead of showing: C0 and C1 controls but the newline and tab
 * (ESC starts colour, cursor and clear-screen sequences; CR overwrites the line), the Unicode line
 * and paragraph separators, and the bidirectional controls that reorder what is shown. Link data,
 * YAML and bot replies can carry any of them, so every line the CLI prints is passed through
 * `printable`. In JSON such a character can only stand inside a string, where its `\u` escape
 * means the same: JSON output stays JSON.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every character a terminal would act on written as a visible `\u001b` escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Prints a human-readable line on standard output, made printable. */
export function say(line: string): void {
  process.stdout.write(`${printable(line)}\n`);
}

/** Prints a human-readable line on standard error, made printable. */
export function complain(line: string): void {
  process.stderr.write(`${printable(line)}\n`);
}
