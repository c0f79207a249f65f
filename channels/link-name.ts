import { LinkError, quote } from './error.js';

/**
 * Returns `name` when it matches the messenger's rule; otherwise throws a LinkError such as
 * `Telegram bot username "shop" must be …`. Only builders call this: parsers stay lenient about
 * names, since real links (the seed's `t.me/bot_name`) do not always follow the rules.
 */
export function checkName(name: string, what: string, pattern: RegExp, rule: string): string {
  if (!pattern.test(name)) throw new LinkError('link.bad-name', `${what} ${quote(name)} ${rule}`);
  return name;
}
