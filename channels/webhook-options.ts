import { BotflowError } from '../engine/index.js';
import type { ChannelName } from './types.js';

/*
 * Checks of a webhook adapter's options, made when the adapter is created: a missing secret or
 * a bad API root is a deployment mistake, better refused at start-up than at the first message.
 */

function badOption(channel: ChannelName, message: string): BotflowError {
  return new BotflowError('channel.bad-option', `the ${channel} webhook ${message}`);
}

/**
 * A secret or token option, which must not be empty: an empty secret would let anyone sign a
 * request, and an empty token could never send one.
 */
export function requiredOption(channel: ChannelName, name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw badOption(channel, `needs a non-empty ${name}`);
  return value;
}

/** The root URL of a messenger's API (a proxy's, or a test's), http(s), without a trailing slash. */
export function apiRootOption(channel: ChannelName, value: unknown): string {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw badOption(
      channel,
      `needs an http(s) apiRoot without query or fragment, not ${JSON.stringify(value)}`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

/** An API version, which goes into a URL path or a form, so it is held to the platform's own shape. */
export function versionOption(
  channel: ChannelName,
  name: string,
  value: unknown,
  shape: { readonly pattern: RegExp; readonly example: string },
): string {
  if (typeof value !== 'string' || !shape.pattern.test(value)) {
    throw badOption(channel, `needs a ${name} like ${shape.example}, not ${JSON.stringify(value)}`);
  }
  return value;
}
