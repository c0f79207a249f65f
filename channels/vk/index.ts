import { neverThrows } from '../body.js';
import type { Channel } from '../types.js';
import { buildVkLink, parseVkLink } from './link.js';
import { parseVkUpdate } from './update.js';

export const vk: Channel = {
  name: 'vk',
  keyword: 'ref',
  buildLink: buildVkLink,
  parseLink: parseVkLink,
  parseUpdate: neverThrows(parseVkUpdate),
};
