import { neverThrows } from '../body.js';
import type { Channel } from '../types.js';
import { buildViberLink, parseViberLink } from './link.js';
import { parseViberUpdate } from './update.js';

export const viber: Channel = {
  name: 'viber',
  keyword: 'context',
  buildLink: buildViberLink,
  parseLink: parseViberLink,
  parseUpdate: neverThrows(parseViberUpdate),
};
