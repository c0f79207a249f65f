import type { Choice, TurnInput } from './types.js';

/**
 * A message's buttons, each with the value that picks it: the value of the waiting block's choice
 * with that label (the first, as a reply of that text picks it), else the label itself (a message
 * block's buttons, which answer with their text). Sending either back picks the same.
 */
export function buttonChoices(buttons: readonly string[], input: TurnInput | undefined): Choice[] {
  const choices = input?.choices ?? [];
  return buttons.map((label) => choices.find((choice) => choice.label === label) ?? { label, value: label });
}
