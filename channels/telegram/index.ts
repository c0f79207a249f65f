import { neverThrows } from '../body.js';
import type { Channel } from '../types.js';
import { buildTelegramLink, parseTelegramLink } from './link.js';
import { parseTelegramUpdate } from './update.js';

export const telegram: Channel = {
  name: 'telegram',
  keyword: 'start',
  buildLink: buildTelegramLink,
  parseLink: parseTelegramLink,
  parseUpdate: neverThrows(parseTelegramUpdate),
};
