import { Command } from 'commander';
import type { ChannelName } from '../../channels/index.js';
import { readInvite } from '../../channels/invite.js';
import type { CheckedStart, SignatureState } from '../../engine/index.js';
import { isStartToken } from '../../engine/links/token.js';
import { resolveStartToken } from '../../engine/links/token-store.js';
import { ExitCode, UsageError } from '../exit.js';
import { addSecretOption, LINK_SECRET_VARIABLE, readLinkSecrets, type SecretOptions } from '../options.js';
import { say } from '../terminal.js';

/** What the data is: a start token, an encoded payload, a plain client id, or nothing usable. */
type Kind = 'token' | 'payload' | 'id' | 'none';

function kindOf(decoded: CheckedStart): Kind {
  if (decoded.token !== undefined) return 'token';
  if (decoded.payload !== null) return 'payload';
  return decoded.variables.clientExternalId === undefined ? 'none' : 'id';
}

/** What each signature state means for the bot: whether `linkVerified` is set, and whether it seeds. */
const SIGNATURE_MEANING: Readonly<Record<SignatureState, string>> = {
  valid: 'signed with a link secret: it seeds, and linkVerified is true',
  invalid: 'edited, or signed with another secret: it seeds nothing but startParam',
  expired: 'past its expiry: it seeds nothing but startParam',
  missing: 'not signed: linkVerified is false; it seeds nothing where signed links are required',
  unchecked: `signed, but not checked: give ${LINK_SECRET_VARIABLE} or --secret-from`,
};

/** A start token is never signed: what it means is whether the bot's store issued it. */
function signatureLine(decoded: CheckedStart): string {
  if (decoded.token !== undefined) {
    return 'none (a start token: verified when the bot’s store resolves it, and linkVerified is then true)';
  }
  return `${decoded.signature} (${SIGNATURE_MEANING[decoded.signature]})`;
}

function payloadLine(decoded: CheckedStart, resolved: boolean): string {
  if (decoded.payload !== null) return JSON.stringify(decoded.payload);
  if (decoded.token === undefined) return '(none: a plain client id)';
  return resolved
    ? '(none: the store does not hold this start token)'
    : '(a start token: its payload is in the store that issued it; add --store to read it)';
}

function formatText(
  channel: ChannelName | null,
  name: string | null,
  decoded: CheckedStart,
  resolved: boolean,
): string {
  const lines = [
    ...(channel === null ? [] : [`channel:    ${channel} (${name ?? ''})`]),
    `start data: ${decoded.startParam === '' ? '(none)' : decoded.startParam}`,
    `payload:    ${payloadLine(decoded, resolved)}`,
    `signature:  ${signatureLine(decoded)}`,
    'variables:',
    ...Object.entries(decoded.variables).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    ...decoded.diagnostics.map((d) => `${d.severity}: ${d.message}`),
  ];
  return lines.join('\n');
}

/**
 * A start token read from the store `spec` names, without counting a visit (verified when the
 * store holds it, as a bot would take it); other data as it is.
 */
async function withStore(decoded: CheckedStart, spec: string | undefined): Promise<CheckedStart> {
  if (decoded.token === undefined || spec === undefined) return decoded;
  // Loaded only now: the stores bring the engine and their drivers.
  const { openExistingStore } = await import('../store-option.js');
  const opened = await openExistingStore(spec);
  try {
    const resolved = await resolveStartToken(opened.store, decoded.token, { now: Date.now(), count: false });
    return { ...decoded, ...resolved, verified: resolved.payload !== null };
  } finally {
    await opened.close();
  }
}

export function decodeCommand(): Command {
  return (
    addSecretOption(new Command('decode'))
      .description(
        'Show the payload of an invitation link (or of its data), its signature and the variables it seeds.',
      )
      .argument('<link-or-data>', 'an invitation link, or the data after its keyword')
      .option(
        '--json',
        'print one JSON object: { channel, kind, startParam, payload, signature, linkVerified, variables, diagnostics }',
      )
      .option(
        '--store <store>',
        'read a start token’s payload from this store (sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE)',
      )
      // A start token begins with `-`: the command line passes one behind `--` (cli/main.ts), and a
      // malformed one is still taken as the argument (to be told what is wrong with it).
      .allowUnknownOption()
      .action(async (input: string, options: SecretOptions & { json?: boolean; store?: string }) => {
        if (input.startsWith('--') && !isStartToken(input))
          throw new UsageError(`unknown option ${JSON.stringify(input)}`);
        const secrets = await readLinkSecrets(options);
        const { channel, name, decoded: read } = readInvite(input, { secrets });
        const decoded = await withStore(read, options.store);
        say(
          options.json
            ? JSON.stringify(
                {
                  channel,
                  kind: kindOf(decoded),
                  startParam: decoded.startParam,
                  payload: decoded.payload,
                  signature: decoded.signature,
                  linkVerified: decoded.verified,
                  variables: decoded.variables,
                  diagnostics: decoded.diagnostics,
                },
                null,
                2,
              )
            : formatText(channel, name, decoded, options.store !== undefined),
        );
        // A broken payload still decodes (as a plain id), but the designer's link is wrong.
        if (decoded.diagnostics.some((d) => d.severity === 'error')) process.exitCode = ExitCode.Failure;
      })
  );
}
