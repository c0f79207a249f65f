import type { OutgoingMessage } from '../engine/index.js';

/** A bot message for the terminal; buttons become numbered choices the user can type. */
export function formatMessage(message: OutgoingMessage): string {
  const buttons = message.buttons?.map((button, i) => `  ${i + 1}) ${button}`).join('\n');
  return buttons ? `bot: ${message.text}\n${buttons}` : `bot: ${message.text}`;
}
