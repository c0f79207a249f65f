import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { getChannel } from '../../channels/registry.js';
import { CHANNEL_NAMES, type LinkOptions as ChannelLinkOptions } from '../../channels/types.js';
import { buildInvite, buildInviteLink } from '../../channels/invite.js';
// The engine's own modules, not its index: `botflow link` must not load the engine without --store.
import { BotflowError } from '../../engine/error.js';
import { LinkSecretError } from '../../engine/links/signed.js';
import {
  encodePayload,
  measurePayload,
  PAYLOAD_LIMIT,
  PayloadTooLongError,
  toShortKeys,
  type PayloadValue,
  type StartPayload,
} from '../../engine/payload/index.js';
import { issueStartToken } from '../../engine/links/token-store.js';
import { parseTtl, TTL_FORMS } from '../../engine/links/ttl.js';
import { UsageError } from '../exit.js';
import { addSecretOption, collect, LINK_SECRET_VARIABLE, readLinkSecrets } from '../options.js';
import { complain, say } from '../terminal.js';

interface LinkOptions {
  phone?: string;
  email?: string;
  id?: string;
  var: string[];
  raw?: string;
  group?: boolean;
  text?: string;
  store?: string;
  ttl?: string;
  token?: boolean;
  qr?: boolean;
  qrSvg?: string;
  sign?: boolean;
  expires?: string;
  secretFrom?: string;
}

/** `--expires 30d` (as `--ttl`: 90m, 12h, 30d) as the expiry `x`: whole seconds since the epoch. */
function expiryOf(text: string, now: Date): number {
  const ms = parseTtl(text);
  if (ms === undefined) throw new UsageError(`--expires takes ${TTL_FORMS}`);
  return Math.floor((now.getTime() + ms) / 1000);
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

/** What the over-limit error adds on the command line: the way past the limit. */
const STORE_ADVICE =
  '; or keep the payload in the bot’s store and put a start token in the link: --store sqlite:PATH, --store redis://HOST:PORT (or redis+cluster://…) or --store postgres://HOST:PORT/DATABASE';

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
        'store',
        'token',
      ]),
    )
    .option('--group', 'Telegram: a startgroup link that adds the bot to a group')
    .option('--text <text>', 'WhatsApp: the prefilled message the data rides in')
    .option(
      '--store <store>',
      'a payload over 64 characters is saved in this store (sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE, the bot’s own) and the link carries a start token',
    )
    .option('--ttl <duration>', 'with --store: the start token expires after this long (90m, 12h, 30d)')
    .option('--token', 'with --store: a start token even for a payload that fits')
    .option('--qr', 'print the link’s QR code too')
    .option('--qr-svg <file>', 'write the link’s QR code as SVG to FILE')
    .addOption(
      new Option(
        '--sign',
        `sign the data so the bot can tell it was not edited (secret: ${LINK_SECRET_VARIABLE} or --secret-from)`,
      ).conflicts(['store', 'token', 'ttl']),
    )
    .addOption(
      new Option('--expires <time>', 'the link stops working this long from now: 90m, 12h, 30d').conflicts([
        'store',
        'token',
        'ttl',
      ]),
    )
    .action(async (channel: string, name: string, options: LinkOptions) => {
      getChannel(channel); // an unknown channel is reported before anything else
      const link =
        options.raw !== undefined || options.sign === true || options.expires !== undefined
          ? await inlineLink(channel, name, options)
          : buildInviteLink(
              channel,
              name,
              await payloadData(payloadOf(options), options),
              channelOptions(options),
            );
      say(link);
      if (options.qr === true || options.qrSvg !== undefined) await showQr(link, options);
    });
}

function payloadOf(options: LinkOptions): StartPayload {
  const variables = parseVariables(options.var);
  const payload = {
    ...(options.phone !== undefined && { phone: options.phone }),
    ...(options.email !== undefined && { email: options.email }),
    ...(options.id !== undefined && { externalId: options.id }),
    ...(variables !== undefined && { variables }),
  };
  if (Object.keys(payload).length === 0) {
    throw new UsageError('nothing to put in the link: give --phone, --email, --id, --var or --raw');
  }
  return payload;
}

/**
 * A link whose data is all in it: a plain id (never beginning with `_` or `-`), or a payload with
 * an expiry, signed with the newest link secret when asked.
 */
async function inlineLink(channel: string, name: string, options: LinkOptions): Promise<string> {
  const data = options.raw === undefined ? { payload: payloadOf(options) } : { raw: options.raw };
  // Unsigned, an expiry is a number anyone can edit away: it would only look like protection.
  if (options.expires !== undefined && options.sign !== true) {
    throw new UsageError('--expires goes with --sign: an expiry in an unsigned link can be edited away');
  }
  const expiresAt = options.expires === undefined ? undefined : expiryOf(options.expires, new Date());
  const secrets = options.sign === true ? await readLinkSecrets(options) : undefined;
  if (secrets?.length === 0) {
    throw new LinkSecretError(
      `--sign needs a link secret: set ${LINK_SECRET_VARIABLE} or give --secret-from FILE`,
    );
  }
  return buildInvite({
    channel,
    name,
    data,
    ...channelOptions(options),
    ...(secrets !== undefined && { secrets }),
    ...(expiresAt !== undefined && { expiresAt }),
  }).link;
}

function channelOptions(options: LinkOptions): ChannelLinkOptions {
  return {
    ...(options.group !== undefined && { group: options.group }),
    ...(options.text !== undefined && { text: options.text }),
  };
}

/** The link's data: the encoded payload, or a start token for it when it does not fit (or --token). */
async function payloadData(payload: StartPayload, options: LinkOptions): Promise<string> {
  if (options.store === undefined && (options.token === true || options.ttl !== undefined)) {
    throw new UsageError(
      `${options.token === true ? '--token' : '--ttl'} needs --store, the store the bot runs with`,
    );
  }
  const ttlMs = options.ttl === undefined ? undefined : parseTtl(options.ttl);
  if (options.ttl !== undefined && ttlMs === undefined) throw new UsageError(`--ttl takes ${TTL_FORMS}`);
  // Refuses a payload the decoder would not take back, whatever its length.
  const measured = measurePayload(payload);
  if (options.token !== true && measured.length <= PAYLOAD_LIMIT) return measured.data;
  if (options.store === undefined) {
    try {
      return encodePayload(payload);
    } catch (error) {
      if (!(error instanceof PayloadTooLongError)) throw error;
      throw new PayloadTooLongError(
        error.message + STORE_ADVICE,
        error.length,
        error.limit,
        error.costliestField,
        error.saving,
      );
    }
  }
  return saveStartToken(options.store, payload, ttlMs);
}

/** Saves the payload under a start token in the store `spec` names, and says so on stderr. */
async function saveStartToken(
  spec: string,
  payload: StartPayload,
  ttlMs: number | undefined,
): Promise<string> {
  if (spec === 'memory') {
    throw new UsageError(
      '--store memory keeps nothing once botflow link exits; give sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE',
    );
  }
  // Loaded only now: the stores bring the engine and their drivers.
  const { openStore } = await import('../store-option.js');
  const opened = await openStore(spec);
  try {
    const now = Date.now();
    const expiresAt = ttlMs === undefined ? undefined : now + ttlMs;
    const token = await issueStartToken(opened.store, toShortKeys(payload), {
      now,
      ...(expiresAt !== undefined && { expiresAt }),
    });
    const until =
      expiresAt === undefined ? 'it does not expire' : `it expires ${new Date(expiresAt).toISOString()}`;
    complain(`botflow: the payload is kept in ${opened.where} under a start token; ${until}`);
    return token;
  } finally {
    await opened.close();
  }
}

async function showQr(link: string, options: LinkOptions): Promise<void> {
  const { qrSvg, qrText } = await import('../../channels/qr.js');
  if (options.qr === true) say(qrText(link));
  if (options.qrSvg !== undefined)
    await writeAtomically(options.qrSvg, `${qrSvg(link, `QR code of ${link}`)}\n`);
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'its folder does not exist',
  EACCES: 'this user may not write there',
  EPERM: 'this user may not write there',
  EISDIR: 'it is a folder',
  EROFS: 'the file system is read-only',
};

/** Writes `text` to a temporary file beside `file`, then renames it over: never a half-written file. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    const why = WRITE_ERRORS[(error as NodeJS.ErrnoException).code ?? ''] ?? 'the file system refused it';
    throw new BotflowError('qr.unwritable', `cannot write the QR code to ${file}: ${why}`);
  }
}
