import { Command } from 'commander';
import type { ChannelName } from '../../channels/index.js';
import { readInvite } from '../../channels/invite.js';
import type { DecodedStart } from '../../engine/index.js';
import { ExitCode } from '../exit.js';
import { say } from '../terminal.js';

function formatText(channel: ChannelName | null, name: string | null, decoded: DecodedStart): string {
  const lines = [
    ...(channel === null ? [] : [`channel:    ${channel} (${name ?? ''})`]),
    `start data: ${decoded.startParam === '' ? '(none)' : decoded.startParam}`,
    `payload:    ${decoded.payload === null ? '(none: a plain client id)' : JSON.stringify(decoded.payload)}`,
    'variables:',
    ...Object.entries(decoded.variables).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    ...decoded.diagnostics.map((d) => `${d.severity}: ${d.message}`),
  ];
  return lines.join('\n');
}

export function decodeCommand(): Command {
  return new Command('decode')
    .description('Show the payload of an invitation link (or of its data) and the variables it seeds.')
    .argument('<link-or-data>', 'an invitation link, or the data after its keyword')
    .option('--json', 'print one JSON object: { channel, startParam, payload, variables, diagnostics }')
    .action((input: string, options: { json?: boolean }) => {
      const { channel, name, decoded } = readInvite(input);
      say(
        options.json
          ? JSON.stringify(
              {
                channel,
                startParam: decoded.startParam,
                payload: decoded.payload,
                variables: decoded.variables,
                diagnostics: decoded.diagnostics,
              },
              null,
              2,
            )
          : formatText(channel, name, decoded),
      );
      // A broken payload still decodes (as a plain id), but the designer's link is wrong.
      if (decoded.diagnostics.some((d) => d.severity === 'error')) process.exitCode = ExitCode.Failure;
    });
}
