import { Command, Option } from 'commander';
import { getChannel } from '../../channels/registry.js';
import { CHANNEL_NAMES } from '../../channels/types.js';
import { buildInvite } from '../../channels/invite.js';
import type { PayloadValue } from '../../engine/index.js';
import { LinkSecretError } from '../../engine/links/signed.js';
import { UsageError } from '../exit.js';
import { addSecretOption, collect, LINK_SECRET_VARIABLE, readLinkSecrets } from '../options.js';

interface LinkOptions {
  phone?: string;
  email?: string;
  id?: string;
  var: string[];
  raw?: string;
  group?: boolean;
  text?: string;
  sign?: boolean;
  expires?: string;
  secretFrom?: string;
}

const SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `--expires 30d` (or `12h`, `90m`, `3600s`) as the expiry `x`: whole seconds since the epoch. */
function expiryOf(text: string, now: Date): number {
  const match = /^(\d{1,9})([smhd])$/.exec(text.trim());
  const [, amount, unit] = match ?? [];
  if (amount === undefined || unit === undefined || Number(amount) === 0) {
    throw new UsageError(`--expires takes a time from now such as 30d, 12h, 90m or 3600s, got "${text}"`);
  }
  return Math.floor(now.getTime() / 1000) + Number(amount) * SECONDS[unit as keyof typeof SECONDS];
}

/** `--var k=v` values stay text, as in the seed's `{"v":{"stage":"1"}}`; a BPL block converts. */
function parseVariables(assignments: readonly string[]): Record<string, PayloadValue> | undefined {
  if (assignments.length === 0) return undefined;
  return Object.fromEntries(
    assignments.map((assignment) => {
      const equals = assignment.indexOf('=');
      if (equals <= 0) throw new UsageError(`--var takes name=value, got "${assignment}"`);
      return [assignment.slice(0, equals), assignment.slice(equals + 1)];
    }),
  );
}

export function linkCommand(): Command {
  return addSecretOption(new Command('link'))
    .description('Build an invitation link that carries a client’s data into the bot.')
    .argument('<channel>', `messenger: ${CHANNEL_NAMES.join(', ')}`)
    .argument('<name>', 'bot username, page, account, chat URI, community or phone number')
    .option('--phone <phone>', 'the client’s phone (seeds `phone`)')
    .option('--email <email>', 'the client’s email (seeds `email`)')
    .option('--id <id>', 'the client’s external id (seeds `clientExternalId`)')
    .option('--var <name=value>', 'a script variable; repeat for more', collect, [])
    .addOption(
      new Option('--raw <data>', 'put DATA in the link as it is (a plain client id)').conflicts([
        'phone',
        'email',
        'id',
        'var',
      ]),
    )
    .option('--group', 'Telegram: a startgroup link that adds the bot to a group')
    .option('--text <text>', 'WhatsApp: the prefilled message the data rides in')
    .option(
      '--sign',
      `sign the data so the bot can tell it was not edited (secret: ${LINK_SECRET_VARIABLE} or --secret-from)`,
    )
    .option('--expires <time>', 'the link stops working this long from now: 30d, 12h, 90m, 3600s')
    .action(async (channel: string, name: string, options: LinkOptions) => {
      getChannel(channel); // an unknown channel is reported before anything else
      const variables = parseVariables(options.var);
      const payload = {
        ...(options.phone !== undefined && { phone: options.phone }),
        ...(options.email !== undefined && { email: options.email }),
        ...(options.id !== undefined && { externalId: options.id }),
        ...(variables !== undefined && { variables }),
      };
      if (options.raw === undefined && Object.keys(payload).length === 0) {
        throw new UsageError('nothing to put in the link: give --phone, --email, --id, --var or --raw');
      }
      const expiresAt = options.expires === undefined ? undefined : expiryOf(options.expires, new Date());
      const secrets = options.sign ? await readLinkSecrets(options) : undefined;
      if (secrets?.length === 0) {
        throw new LinkSecretError(
          `--sign needs a link secret: set ${LINK_SECRET_VARIABLE} or give --secret-from FILE`,
        );
      }
      const { link } = buildInvite({
        channel,
        name,
        data: options.raw === undefined ? { payload } : { raw: options.raw },
        ...(options.group !== undefined && { group: options.group }),
        ...(options.text !== undefined && { text: options.text }),
        ...(secrets !== undefined && { secrets }),
        ...(expiresAt !== undefined && { expiresAt }),
      });
      process.stdout.write(`${link}\n`);
    });
}
