import { Command } from 'commander';
import type { ChannelName } from '../../channels/index.js';
import { readInvite } from '../../channels/invite.js';
import type { CheckedStart, SignatureState } from '../../engine/index.js';
import { ExitCode } from '../exit.js';
import { addSecretOption, LINK_SECRET_VARIABLE, readLinkSecrets, type SecretOptions } from '../options.js';
import { say } from '../terminal.js';

/** What each signature state means for the bot: whether `linkVerified` is set, and whether it seeds. */
const SIGNATURE_MEANING: Readonly<Record<SignatureState, string>> = {
  valid: 'signed with a link secret: it seeds, and linkVerified is true',
  invalid: 'edited, or signed with another secret: it seeds nothing but startParam',
  expired: 'past its expiry: it seeds nothing but startParam',
  missing: 'not signed: linkVerified is false; it seeds nothing where signed links are required',
  unchecked: `signed, but not checked: give ${LINK_SECRET_VARIABLE} or --secret-from`,
};

function formatText(channel: ChannelName | null, name: string | null, decoded: CheckedStart): string {
  const lines = [
    ...(channel === null ? [] : [`channel:    ${channel} (${name ?? ''})`]),
    `start data: ${decoded.startParam === '' ? '(none)' : decoded.startParam}`,
    `payload:    ${decoded.payload === null ? '(none: a plain client id)' : JSON.stringify(decoded.payload)}`,
    `signature:  ${decoded.signature} (${SIGNATURE_MEANING[decoded.signature]})`,
    'variables:',
    ...Object.entries(decoded.variables).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    ...decoded.diagnostics.map((d) => `${d.severity}: ${d.message}`),
  ];
  return lines.join('\n');
}

export function decodeCommand(): Command {
  return addSecretOption(new Command('decode'))
    .description(
      'Show the payload of an invitation link (or of its data), its signature and the variables it seeds.',
    )
    .argument('<link-or-data>', 'an invitation link, or the data after its keyword')
    .option(
      '--json',
      'print one JSON object: { channel, startParam, payload, signature, linkVerified, variables, diagnostics }',
    )
    .action(async (input: string, options: SecretOptions & { json?: boolean }) => {
      const secrets = await readLinkSecrets(options);
      const { channel, name, decoded } = readInvite(input, { secrets });
      say(
        options.json
          ? JSON.stringify(
              {
                channel,
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
          : formatText(channel, name, decoded),
      );
      // A broken payload still decodes (as a plain id), but the designer's link is wrong.
      if (decoded.diagnostics.some((d) => d.severity === 'error')) process.exitCode = ExitCode.Failure;
    });
}
