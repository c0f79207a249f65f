import { Command } from 'commander';
import type { ChannelName } from '../../channels/index.js';
import { readInvite } from '../../channels/invite.js';
import type { DecodedStart } from '../../engine/index.js';
import { resolveStartToken } from '../../engine/links/token-store.js';
import { ExitCode, UsageError } from '../exit.js';
import { say } from '../terminal.js';

/** What the data is: a start token, an encoded payload, a plain client id, or nothing usable. */
type Kind = 'token' | 'payload' | 'id' | 'none';

function kindOf(decoded: DecodedStart): Kind {
  if (decoded.token !== undefined) return 'token';
  if (decoded.payload !== null) return 'payload';
  return decoded.variables.clientExternalId === undefined ? 'none' : 'id';
}

function payloadLine(decoded: DecodedStart, resolved: boolean): string {
  if (decoded.payload !== null) return JSON.stringify(decoded.payload);
  if (decoded.token === undefined) return '(none: a plain client id)';
  return resolved
    ? '(none: the store does not hold this start token)'
    : '(a start token: its payload is in the store that issued it; add --store to read it)';
}

function formatText(
  channel: ChannelName | null,
  name: string | null,
  decoded: DecodedStart,
  resolved: boolean,
): string {
  const lines = [
    ...(channel === null ? [] : [`channel:    ${channel} (${name ?? ''})`]),
    `start data: ${decoded.startParam === '' ? '(none)' : decoded.startParam}`,
    `payload:    ${payloadLine(decoded, resolved)}`,
    'variables:',
    ...Object.entries(decoded.variables).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    ...decoded.diagnostics.map((d) => `${d.severity}: ${d.message}`),
  ];
  return lines.join('\n');
}

/** A start token read from the store `spec` names, without counting a visit; other data as it is. */
async function withStore(decoded: DecodedStart, spec: string | undefined): Promise<DecodedStart> {
  if (decoded.token === undefined || spec === undefined) return decoded;
  // Loaded only now: the stores bring the engine and their drivers.
  const { openStore } = await import('../store-option.js');
  const opened = await openStore(spec);
  try {
    const resolved = await resolveStartToken(opened.store, decoded.token, { now: Date.now(), count: false });
    return { ...decoded, ...resolved };
  } finally {
    await opened.close();
  }
}

export function decodeCommand(): Command {
  return (
    new Command('decode')
      .description('Show the payload of an invitation link (or of its data) and the variables it seeds.')
      .argument('<link-or-data>', 'an invitation link, or the data after its keyword')
      .option(
        '--json',
        'print one JSON object: { channel, kind, startParam, payload, variables, diagnostics }',
      )
      .option(
        '--store <store>',
        'read a start token’s payload from this store (sqlite:PATH or redis://HOST:PORT)',
      )
      // A start token begins with `-`: it is taken as the argument, not refused as an unknown option.
      .allowUnknownOption()
      .action(async (input: string, options: { json?: boolean; store?: string }) => {
        if (input.startsWith('--')) throw new UsageError(`unknown option ${JSON.stringify(input)}`);
        const { channel, name, decoded: read } = readInvite(input);
        const decoded = await withStore(read, options.store);
        say(
          options.json
            ? JSON.stringify(
                {
                  channel,
                  kind: kindOf(decoded),
                  startParam: decoded.startParam,
                  payload: decoded.payload,
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
