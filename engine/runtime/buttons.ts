import type { Choice, TurnInput } from './types.js';

/**
 * A message's buttons, each with the value that picks it. An ask's buttons are its choices in
 * order (both leave out a label that renders empty), so they pair by position, which keeps two
 * choices of one label apart; any other button (a message block's, which answers with its text)
 * is its own value.
 */
export function buttonChoices(buttons: readonly string[], input: TurnInput | undefined): Choice[] {
  const choices = input?.choices ?? [];
  const same = choices.length === buttons.length && choices.every(({ label }, i) => label === buttons[i]);
  return buttons.map((label, i) => (same ? choices[i] : undefined) ?? { label, value: label });
}
