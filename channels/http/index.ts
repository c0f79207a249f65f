export { DEFAULT_BODY_LIMIT } from './body.js';
export { KEY_LIMIT } from '../../engine/index.js';
export type { Logger } from '../log.js';
export { createBotServer, type BotServer, type BotServerOptions } from './server.js';
export type { CreatedShortLink, ShortLinkOptions, StartValueSigner } from '../short-links.js';
