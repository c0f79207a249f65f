/**
 * Every code botflow reports, in one closed catalog: the engine's here, and each block type's in
 * its own module (`BlockDefinition.codes`, declared to the type `BlockCodes` below). A
 * `Diagnostic`, a `ScriptProblem` or a `BotflowError` whose code is in neither is a type error.
 * docs/errors.md is generated from both (`npm run docs:errors`), so integrators can branch on a
 * code knowing all of them.
 *
 * This module imports nothing: every layer of botflow can use it without an import cycle.
 */

/** Where a code comes from: the stage of botflow that reports it. */
export type Origin =
  'load' | 'start' | 'turn' | 'store' | 'bot' | 'link' | 'channel' | 'http' | 'qa' | 'cli' | 'studio';

export interface CodeInfo {
  readonly from: Origin;
  /** The severity it is always reported with; absent when it is thrown only, or either severity. */
  readonly severity?: 'error' | 'warning';
  /** The class thrown with it, when it is thrown. */
  readonly thrown?: string;
  /** The HTTP status the JSON API answers it with. */
  readonly status?: number;
  /** What happened, for a person. */
  readonly meaning: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The engine's catalog. Entries are grouped by where they come from; docs/errors.md keeps this order. */
export const CODES = {
  // Loading a script (validate, loadScript, ScriptError's problems) or a QA case file.
  'script.invalid': {
    from: 'load',
    thrown: 'ScriptError',
    meaning:
      'The script (or case file) has at least one error; the error carries every problem, each with its own code, in `problems`.',
    fix: 'Fix the problems listed; `botflow validate` prints them all with their lines.',
  },
  'file.unreadable': {
    from: 'load',
    severity: 'error',
    meaning:
      'The file is missing, is a folder, cannot be read, or is over the size limit (1 MiB by default).',
    fix: 'Check the path and the permissions; split a script that is too large.',
  },
  'yaml.too-large': {
    from: 'load',
    severity: 'error',
    meaning: 'A script given as text is over the size limit (1 MiB by default).',
    fix: 'Split the script, or raise `maxBytes` in the load options.',
  },
  'yaml.syntax': {
    from: 'load',
    severity: 'error',
    meaning: 'The file is not valid YAML 1.2; the message quotes the YAML parser.',
    fix: 'Fix the YAML at the line and column given (indentation, quotes, a missing `:`).',
  },
  'yaml.duplicate-key': {
    from: 'load',
    severity: 'error',
    meaning: 'A key appears twice in the same map.',
    fix: 'Keep one of the two; YAML would silently take the last one.',
  },
  'yaml.forbidden-key': {
    from: 'load',
    severity: 'error',
    meaning: 'The key `__proto__` appears somewhere in the file.',
    fix: 'Rename the key.',
  },
  'yaml.too-complex': {
    from: 'load',
    severity: 'error',
    meaning: 'The file expands too many aliases (`*name`) or is nested too deeply to read.',
    fix: 'Write the repeated parts out, or flatten the nesting.',
  },
  'schema.unknown-field': {
    from: 'load',
    severity: 'error',
    meaning: 'A field that this place does not take; the hint suggests the closest known one.',
    fix: 'Correct the spelling or remove the field.',
  },
  'schema.missing-field': {
    from: 'load',
    severity: 'error',
    meaning: 'A required field is missing.',
    fix: 'Add the field named in the message.',
  },
  'schema.wrong-type': {
    from: 'load',
    severity: 'error',
    meaning: 'A field has a value of the wrong type (text where a number is needed, a map for a list…).',
    fix: 'Write the value as the type the message names; quote text that YAML reads as a number or boolean.',
  },
  'schema.invalid-value': {
    from: 'load',
    severity: 'error',
    meaning: 'A field takes one of a fixed set of values, and this is none of them.',
    fix: 'Use one of the values the message lists.',
  },
  'schema.size': {
    from: 'load',
    severity: 'error',
    meaning: 'A number, text or list is outside its allowed range.',
    fix: 'Bring the value within the bounds the message gives.',
  },
  'schema.invalid-key': {
    from: 'load',
    severity: 'error',
    meaning: 'A key of a map (a variable, header, outcome or `save` name) is not a valid name.',
    fix: 'Rename the key as the message says.',
  },
  'schema.invalid': {
    from: 'load',
    severity: 'error',
    meaning:
      'A value breaks a rule of its field (a bad block id, a duration, a pattern), or fits none of its allowed forms.',
    fix: 'Rewrite the value in the form the message or docs/script-language.md gives.',
  },
  'block.bad-id': {
    from: 'load',
    severity: 'error',
    meaning: 'A block id is not a letter followed by letters, digits, `_` or `-` (64 at most).',
    fix: 'Rename the block, and every `next` that points at it.',
  },
  'block.not-a-map': {
    from: 'load',
    severity: 'error',
    meaning: 'A block is written as a value instead of a map of fields.',
    fix: 'Write the block as a map with a `type` and its fields.',
  },
  'block.no-type': {
    from: 'load',
    severity: 'error',
    meaning: 'A block has no `type`.',
    fix: 'Add `type:` with one of the block types the hint lists.',
  },
  'block.unknown-type': {
    from: 'load',
    severity: 'error',
    meaning: 'A block has a `type` botflow does not know.',
    fix: 'Use one of the block types the hint lists.',
  },
  'block.engine-variable': {
    from: 'load',
    severity: 'error',
    meaning: 'A block assigns a variable only the engine sets (such as `response`).',
    fix: 'Save into a variable of your own.',
  },
  'block.unknown-target': {
    from: 'load',
    severity: 'error',
    meaning: 'A `next`, branch, choice, `on` outcome, `start` or `on_error` names no block.',
    fix: 'Correct the name (the hint suggests the closest block) or add the block.',
  },
  'block.unreachable': {
    from: 'load',
    severity: 'warning',
    meaning: 'No path from `start` or `on_error` leads to this block.',
    fix: 'Point a `next`, branch or outcome at it, or remove it.',
  },
  'block.endless-loop': {
    from: 'load',
    severity: 'error',
    meaning:
      'A loop of blocks passes no block that waits (for a reply or a server answer), so a turn could run forever.',
    fix: 'Route the loop through a block that waits; the message names the types that do.',
  },
  'script.no-blocks': {
    from: 'load',
    severity: 'error',
    meaning: 'The script’s `blocks` map is empty.',
    fix: 'Add at least one block.',
  },
  'script.system-variable': {
    from: 'load',
    severity: 'error',
    meaning: 'A system variable (set by the engine from the start data) is declared under `variables`.',
    fix: 'Remove it from `variables`; read it as it is.',
  },
  'expression.invalid': {
    from: 'load',
    severity: 'error',
    meaning: 'An expression does not parse (an unknown function, a missing operand…).',
    fix: 'Fix the expression at the column given; docs/expressions.md has the grammar.',
  },
  'template.invalid': {
    from: 'load',
    severity: 'error',
    meaning: 'A template does not parse (an unclosed `{{`, a broken placeholder).',
    fix: 'Fix the placeholder; write `\\{{` for a literal `{{`.',
  },
  'variable.undeclared': {
    from: 'load',
    severity: 'warning',
    meaning:
      'An expression or template reads a variable that nothing declares or sets, so it reads as empty text.',
    fix: 'Correct the name (the hint suggests one), or declare it under `variables` with a default.',
  },
  'type.mismatch': {
    from: 'load',
    severity: 'error',
    meaning:
      'An operator or a function is given a value of a type it cannot use, whatever the values: text compared with a number (`product >= 18` where `product` is text), `==` between a number and text (always false), a list where a function takes text. The message names the variable, its type and where the type comes from.',
    fix: 'Convert the value (`toNumber(product) >= 18`), compare it with a value of its own type, or fix the block that gives the variable the wrong type (docs/expressions.md, "Types").',
  },
  'env.undeclared': {
    from: 'load',
    severity: 'error',
    meaning:
      'An expression or template reads `env.NAME`, and the script’s `env:` does not declare NAME (or the script has no `env:`).',
    fix: 'Add the name to `env:` at the top of the script (`env: [CRM_URL]`), or correct it (the hint suggests a declared one).',
  },
  'env.not-by-name': {
    from: 'load',
    severity: 'error',
    meaning:
      'An expression or template reads `env` whole, or by a computed name (`env[key]`), so the names the script needs cannot be checked.',
    fix: 'Read each value by its name, as `env.NAME`, and declare the name under `env:`.',
  },
  'env.unused': {
    from: 'load',
    severity: 'warning',
    meaning: 'A name declared under `env:` is read by no expression or template.',
    fix: 'Remove it from `env:`, or read it where it was meant to be (a typo in `env.NAME`?).',
  },

  // Starting a conversation: its link data, payload and key.
  'start.too-long': {
    from: 'start',
    severity: 'error',
    meaning: 'The start data is longer than botflow decodes at all; it was ignored.',
    fix: 'Make links with `botflow link` or `encodePayload`, which keep data within 64 characters.',
  },
  'start.ambiguous': {
    from: 'start',
    thrown: 'AmbiguousStartError',
    status: 400,
    meaning: 'A start was given both `startParam` and `payload`; nothing was applied.',
    fix: 'Pass one of the two.',
  },
  'start.resumed': {
    from: 'start',
    severity: 'warning',
    meaning:
      'A start came while the conversation was going on, and the bot’s `onStart` is `resume`: the waiting question was said again, nothing else changed.',
    fix: 'Nothing, if that is the policy you want; `onStart: restart` starts afresh instead.',
  },
  'start.bad-token': {
    from: 'start',
    severity: 'error',
    meaning:
      'The start data begins with `-`, which marks a start token, but is not one (a `-` and 22 characters of A-Z, a-z, 0-9, `_` and `-`); only `startParam` was seeded.',
    fix: 'Use the link as `botflow link --store` or `POST /links` wrote it; plain client ids must not begin with `-` or `_`.',
  },
  'start.unknown-token': {
    from: 'start',
    severity: 'error',
    meaning:
      'The start data is a start token that the bot’s store does not hold: never issued there, expired, or the bot’s store keeps no links. Only `startParam` was seeded.',
    fix: 'Give the bot the store the link was made with (`--store`), or make a new link; a token lives as long as its `--ttl`.',
  },
  'start.ignored': {
    from: 'start',
    severity: 'warning',
    meaning:
      'A start came while the conversation was going on, and the bot’s `onStart` is `ignore`: nothing changed.',
    fix: 'Nothing, if that is the policy you want; `onStart: restart` starts afresh instead.',
  },
  'start.reserved': {
    from: 'start',
    severity: 'error',
    meaning:
      'The start data begins with `_`, which marks a signed value, and was decoded without the signature check (`decodeStartParam` alone); it seeded nothing.',
    fix: 'Decode start values with `decodeStart` and the link secrets; plain client ids must not begin with `_` or `-`.',
  },
  'start.bad-signed': {
    from: 'start',
    severity: 'error',
    meaning:
      'The start data begins with `_` like a signed value but is not one (too short, too long, a bad character); it seeded nothing but `startParam`.',
    fix: 'Make signed links with `botflow link --sign`; plain client ids must not begin with `_`.',
  },
  'start.bad-signature': {
    from: 'start',
    severity: 'error',
    meaning:
      'The start data is signed, but its tag matches none of the bot’s link secrets: it was edited, or signed with a secret the bot does not have; it seeded nothing but `startParam`.',
    fix: 'Sign with a secret the bot has (`BOTFLOW_LINK_SECRET`, newest first); keep a retired secret in the list until its links are gone.',
  },
  'start.expired': {
    from: 'start',
    severity: 'error',
    meaning: 'The link’s expiry (`x`) has passed; it seeded nothing but `startParam`.',
    fix: 'Send the client a new link (`botflow link … --expires`).',
  },
  'start.unsigned': {
    from: 'start',
    severity: 'error',
    meaning:
      'Signed links are required (`links: { signed: required }` or `--require-signed-links`), and the start data (or payload) is not signed, or no secret was given to check it; it seeded nothing but `startParam`.',
    fix: 'Make links with `botflow link --sign`, and give the bot the secret.',
  },
  'payload.bad-json': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning:
      'The start data looks like an encoded payload but is not valid JSON; decoding uses it as a plain client id (an error diagnostic).',
    fix: 'Build the link with `botflow link` or `encodePayload`.',
  },
  'payload.not-utf8': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning:
      'The start data looks like an encoded payload but is not UTF-8 text; decoding uses it as a plain client id (an error diagnostic).',
    fix: 'Build the link with `botflow link` or `encodePayload`.',
  },
  'payload.not-object': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning:
      'The payload JSON is not an object; decoding uses the data as a plain client id (an error diagnostic).',
    fix: 'Write the payload as an object of `p`, `e`, `eId` and `v`.',
  },
  'payload.forbidden-key': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning:
      'The payload, or its `v`, has a prototype key such as `__proto__`; the whole payload is refused.',
    fix: 'Rename the key.',
  },
  'payload.unknown-key': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning: 'The payload has a key other than `p`, `e`, `eId` and `v`; the whole payload is refused.',
    fix: 'Put your own values under `v`.',
  },
  'payload.wrong-type': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning:
      'A payload field has the wrong type: `p`, `e` and `eId` are text, `v` an object of text, numbers and booleans.',
    fix: 'Write the field with the type the message names.',
  },
  'payload.bad-variable-name': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning: 'A name under `v` is not an identifier; decoding drops it (a warning), encoding refuses it.',
    fix: 'Use letters, digits and `_`, not starting with a digit.',
  },
  'payload.system-variable': {
    from: 'start',
    thrown: 'PayloadError',
    status: 422,
    meaning: 'A name under `v` is a system variable; decoding drops it (a warning), encoding refuses it.',
    fix: 'Pass it as `p`, `e` or `eId`, or use a name of your own.',
  },
  'payload.too-long': {
    from: 'start',
    thrown: 'PayloadTooLongError',
    status: 422,
    meaning:
      'The encoded payload is over the 64 characters of an invitation link; decoding still reads it (a warning), encoding refuses it.',
    fix: 'Shorten the values; the error names the field that costs most.',
  },
  'variables.too-many': {
    from: 'start',
    thrown: 'VariableLimitError',
    status: 413,
    meaning:
      'The conversation would hold more variables than the bot’s `maxVariables`: a start is refused (thrown), a turn ends with status `error` (an error diagnostic) and keeps nothing it did.',
    fix: 'Seed and save fewer variables, or raise `maxVariables` in `createBot`.',
  },
  'variables.too-large': {
    from: 'start',
    thrown: 'VariableLimitError',
    status: 413,
    meaning:
      'The conversation’s variables would take more than the bot’s `maxVariableBytes` as JSON: a start is refused (thrown), a turn ends with status `error` (an error diagnostic) and keeps nothing it did.',
    fix: 'Save less (only the fields you need of an answer), or raise `maxVariableBytes` in `createBot`.',
  },
  'conversation.bad-key': {
    from: 'start',
    thrown: 'ConversationKeyError',
    status: 400,
    meaning: 'A conversation key is empty, over 256 characters, or has a control character.',
    fix: 'Build keys as `channel:chat id` or another short printable text.',
  },

  // A turn: what the engine notes while it runs the blocks.
  'message.duplicate': {
    from: 'turn',
    severity: 'warning',
    meaning:
      'A message with this `messageId` was applied already (a messenger redelivered it); it was not applied twice.',
    fix: 'Nothing: the turn answers with the conversation as it stands.',
  },
  'conversation.unreadable': {
    from: 'turn',
    severity: 'warning',
    meaning: 'The stored conversation could not be read (a broken or foreign record); it starts afresh.',
    fix: 'Check that no other program writes under the store’s key prefix.',
  },
  'conversation.over-limit': {
    from: 'turn',
    meaning:
      'The stored conversation holds more variables than the bot allows: a warning when it goes on, an error when it is so far over that it starts afresh.',
    fix: 'Raise the bot’s variable limits back, or let such conversations end.',
  },
  'script.changed': {
    from: 'turn',
    severity: 'warning',
    meaning:
      'The conversation was stored under another version of the script: it goes on at its block, or starts afresh when that block no longer waits for a reply.',
    fix: 'Nothing, after a deploy; keep the ids of waiting blocks stable across versions.',
  },
  'reply.truncated': {
    from: 'turn',
    severity: 'warning',
    meaning: 'The user’s reply was longer than the engine reads; only its start was read.',
    fix: 'Nothing; expect long texts to be cut.',
  },
  'turn.step-cap': {
    from: 'turn',
    severity: 'error',
    meaning:
      'A turn ran more blocks than the step cap without waiting for a reply; it ended the conversation.',
    fix: 'Find the loop in the script and route it through a block that waits (for a reply or a server answer).',
  },
  'turn.failed': {
    from: 'turn',
    thrown: 'BotflowError',
    meaning: 'The turn failed inside the engine (a bug, or a host function that threw); nothing was stored.',
    fix: 'Report it with the message; retrying the same message is safe.',
  },
  'template.failed': {
    from: 'turn',
    meaning:
      'A placeholder could not be rendered (an operator failed on its value): a warning, and it rendered as empty text; in strict mode an error, and the conversation went to `on_error` or ended with status `error`.',
    fix: 'Guard the placeholder (`default`, a condition), or fix the data it reads.',
  },
  'expression.failed': {
    from: 'turn',
    meaning:
      'An expression could not be evaluated at run time: a warning, and a condition’s branch takes it as false; in strict mode an error, and the conversation went to `on_error` or ended with status `error`.',
    fix: 'Guard the expression against the values it may meet.',
  },
  'conversation.conflict': {
    from: 'turn',
    thrown: 'ConversationConflictError',
    status: 409,
    meaning:
      'Another process stored a turn of this conversation first, more than the engine retries; nothing was applied.',
    fix: 'Try the message again.',
  },
  'conversation.busy': {
    from: 'turn',
    thrown: 'ConversationBusyError',
    status: 409,
    meaning:
      'Too many turns wait for this conversation, or another process held it longer than a turn may wait; nothing was applied.',
    fix: 'Try the message again later.',
  },

  // Session stores.
  'store.unavailable': {
    from: 'store',
    thrown: 'StoreUnavailableError',
    status: 503,
    meaning: 'The session store could not be reached or opened; the turn was certainly not applied.',
    fix: 'Check the store (Redis or PostgreSQL running, SQLite file writable), then retry.',
  },
  'store.uncertain': {
    from: 'store',
    thrown: 'StoreUncertainError',
    status: 503,
    meaning:
      'A write reached the store but its answer was lost, and reading it back did not tell: the turn may have been applied.',
    fix: 'Retry with the same `messageId`: an applied turn is recognised and not applied twice.',
  },
  'store.bad-option': {
    from: 'store',
    thrown: 'BotflowError',
    meaning:
      'A store option is wrong: a Redis or PostgreSQL URL that does not parse, or a key or table prefix that cannot be used.',
    fix: 'Correct the option as the message says.',
  },

  'store.bad-link': {
    from: 'store',
    thrown: 'BotflowError',
    meaning:
      'A link record was refused by the store: its id is not 1 to 64 characters of A-Z, a-z, 0-9, `_` and `-`, its data is over 4 KiB, or it expires before it is saved.',
    fix: 'Carry less in one link (a start token’s payload is at most 4 KiB of JSON), or give a positive `--ttl`.',
  },

  // Making a bot.
  'bot.bad-option': {
    from: 'bot',
    thrown: 'BotflowError',
    meaning:
      'A `createBot` option is invalid: a limit (`maxVariables`, `maxVariableBytes`, `stepCap`, `maxQueuedTurns`) that is not a whole number of 1 or more, an unknown `onStart`, or `draws` that name no block of the script or are not numbers from 0 up to 1.',
    fix: 'Follow the message; leave an option out for its default.',
  },
  'env.missing': {
    from: 'bot',
    thrown: 'MissingEnvError',
    meaning:
      'The script declares env names (`env:`) that were given no value, or an empty one; the message names every one. `createBot` refuses the script, and `run`, `chat`, `serve` and `studio` stop before any turn (exit 1); in `botflow test` the case fails.',
    fix: 'Give each name a value: `--env NAME=value` or `--env-from FILE` on the command line, the `env` option of `createBot`, or the case’s `env:`.',
  },
  'internal.block-type': {
    from: 'bot',
    thrown: 'BotflowError',
    meaning: 'A bug: a script reached the compiler with a block type the registry does not know.',
    fix: 'Load scripts with `loadScript` or `parseScript`; report it if they were.',
  },
  'internal.variable-name': {
    from: 'turn',
    thrown: 'BotflowError',
    meaning:
      'A bug: a block tried to set a variable named `__proto__`, `constructor` or `prototype`, which every schema refuses.',
    fix: 'Report it: a block type let such a name through.',
  },
  'internal.template': {
    from: 'bot',
    thrown: 'BotflowError',
    meaning: 'A bug: a template reached the compiler without being checked.',
    fix: 'Load scripts with `loadScript` or `parseScript`; report it if they were.',
  },
  'internal.expression': {
    from: 'bot',
    thrown: 'BotflowError',
    meaning: 'A bug: an expression reached the compiler without being checked.',
    fix: 'Load scripts with `loadScript` or `parseScript`; report it if they were.',
  },

  // Invitation links.
  'link.empty-data': {
    from: 'link',
    thrown: 'LinkError',
    meaning: 'The link data is empty, or a link has its keyword (`start=`, `ref=`) with nothing after it.',
    fix: 'Give 1 to 64 characters of A-Z, a-z, 0-9, `_` and `-`.',
  },
  'link.bad-data': {
    from: 'link',
    thrown: 'LinkError',
    meaning:
      'The link data has a character outside A-Z, a-z, 0-9, `_` and `-`, or is a plain id beginning with `_` or `-` (kept for signed values and start tokens).',
    fix: 'Encode the data with `encodePayload`, or keep to the alphabet.',
  },
  'link.data-too-long': {
    from: 'link',
    thrown: 'LinkError',
    meaning: 'The link data is over 64 characters.',
    fix: 'Shorten it; `botflow link` names what costs most.',
  },
  'link.bad-name': {
    from: 'link',
    thrown: 'LinkError',
    meaning: 'A bot or page name breaks its messenger’s rule.',
    fix: 'Use the name as the messenger shows it (a Telegram username ends in `bot`).',
  },
  'link.unknown-channel': {
    from: 'link',
    thrown: 'LinkError',
    meaning: 'A channel name botflow does not know.',
    fix: 'Use telegram, facebook, instagram, viber, vk or whatsapp.',
  },
  'link.unknown-link': {
    from: 'link',
    thrown: 'LinkError',
    meaning: 'A link of no messenger botflow knows.',
    fix: 'Give a t.me, m.me, ig.me, vk.me, wa.me or viber://pa link, or the data alone.',
  },

  'link.bad-secret': {
    from: 'link',
    thrown: 'LinkSecretError',
    meaning:
      'A link secret cannot be used: none was given, one is empty, holds a line break, or is under 16 bytes.',
    fix: 'Make one with `openssl rand -base64 32`; give several newest first, separated by commas or lines.',
  },
  'link.cannot-sign': {
    from: 'link',
    thrown: 'SigningError',
    meaning:
      'Link data cannot be signed: it begins with `_` or `-`, has a character outside the link alphabet, or is over the 55 characters the `_` and the tag leave.',
    fix: 'Shorten the id, or carry a payload (`botflow link --id`).',
  },

  // Messenger adapters.
  'channel.bad-option': {
    from: 'channel',
    thrown: 'BotflowError',
    meaning: 'A webhook adapter was made with a missing or unusable option (a secret, a token, a path).',
    fix: 'Pass the option as the message says; docs/webhooks.md lists them.',
  },
  'channel.send-failed': {
    from: 'channel',
    thrown: 'BotflowError',
    meaning: 'A messenger’s API refused a reply or could not be reached.',
    fix: 'Check the token and the messenger’s status; the log has the API’s answer.',
  },

  // The JSON API (botflow/http); the engine's codes above come through it with their status.
  'http.not-found': {
    from: 'http',
    status: 404,
    thrown: 'HttpError',
    meaning: 'No such route, or a webhook for a channel without an adapter.',
    fix: 'Check the path against docs/http-api.md.',
  },
  'http.method-not-allowed': {
    from: 'http',
    status: 405,
    thrown: 'HttpError',
    meaning: 'The route exists, but not for this method; the `Allow` header lists those it takes.',
    fix: 'Use a method the `Allow` header lists.',
  },
  'http.unauthorized': {
    from: 'http',
    status: 401,
    thrown: 'HttpError',
    meaning: 'An API token is set and the request does not carry it.',
    fix: 'Send `Authorization: Bearer <token>`.',
  },
  'http.empty-token': {
    from: 'http',
    thrown: 'BotflowError',
    meaning: 'The server was made with an empty API token.',
    fix: 'Pass a token, or none to leave the API open.',
  },
  'http.bad-origin': {
    from: 'http',
    thrown: 'BotflowError',
    meaning:
      'A CORS origin given to the server (`serve --cors`, `cors`) is not a bare `scheme://host[:port]`.',
    fix: 'Give the origin as the browser sends it, such as `https://chat.example.com`: no path, no `*`.',
  },
  'http.origin-not-allowed': {
    from: 'http',
    status: 403,
    thrown: 'HttpError',
    meaning:
      'A browser asked (CORS preflight) to call the API from a page whose origin the server does not list.',
    fix: 'Start the server with `--cors <origin>` (or `cors: [origin]`) for that page’s origin.',
  },
  'http.unsupported-media-type': {
    from: 'http',
    status: 415,
    thrown: 'HttpError',
    meaning: 'A JSON route got a body that is not `application/json` in UTF-8.',
    fix: 'Send `Content-Type: application/json`.',
  },
  'http.bad-json': {
    from: 'http',
    status: 400,
    thrown: 'HttpError',
    meaning: 'The body is not UTF-8 JSON.',
    fix: 'Send valid JSON.',
  },
  'http.invalid-body': {
    from: 'http',
    status: 400,
    thrown: 'HttpError',
    meaning: 'The body is not an object of the route’s fields: a field is missing, mistyped or unknown.',
    fix: 'Send the fields docs/http-api.md lists for the route.',
  },
  'http.body-too-large': {
    from: 'http',
    status: 413,
    thrown: 'HttpError',
    meaning: 'The body is over the server’s limit; the connection is closed.',
    fix: 'Send a smaller body, or raise the server’s body limit.',
  },
  'http.aborted': {
    from: 'http',
    status: 400,
    thrown: 'HttpError',
    meaning: 'The client closed the connection before the body ended.',
    fix: 'Nothing on the server; the client gave up.',
  },
  'http.bad-key': {
    from: 'http',
    status: 400,
    thrown: 'HttpError',
    meaning:
      'The conversation key in the path is empty, over 256 characters, badly percent-encoded or has a control character.',
    fix: 'Percent-encode the key (`encodeURIComponent`).',
  },
  'http.token-required': {
    from: 'http',
    status: 403,
    thrown: 'HttpError',
    meaning:
      'The route makes things others can open (short links), so it is refused while the server has no API token.',
    fix: 'Set `BOTFLOW_API_TOKEN` (or the server’s `apiToken`) and send it as `Authorization: Bearer <token>`.',
  },
  'conversation.not-found': {
    from: 'http',
    status: 404,
    thrown: 'HttpError',
    meaning: 'There is no conversation under this key.',
    fix: 'Start one first, or check the key.',
  },
  internal: {
    from: 'http',
    status: 500,
    thrown: 'HttpError',
    meaning: 'Anything else failed; the answer says no more, the server’s log has the (redacted) error.',
    fix: 'Look in the log; retrying with the same `messageId` is safe.',
  },

  // QA case files (botflow test, chat --record).
  'qa.bad-pattern': {
    from: 'qa',
    thrown: 'BotflowError',
    meaning: 'A case’s `matches` pattern is refused (not a valid or safe regular expression).',
    fix: 'Rewrite the pattern; docs/script-language.md gives the pattern rules.',
  },
  'qa.bad-start': {
    from: 'qa',
    thrown: 'BotflowError',
    meaning:
      'A case’s `start.update` names a channel botflow does not know, or is an update that starts no conversation.',
    fix: 'Give a channel from docs/channels.md and an update that carries a start (Telegram’s `/start <data>`).',
  },
  'record.no-folder': {
    from: 'qa',
    thrown: 'BotflowError',
    meaning: 'The folder of the `--record` file does not exist.',
    fix: 'Create the folder, or record elsewhere.',
  },
  'record.is-folder': {
    from: 'qa',
    thrown: 'BotflowError',
    meaning: 'The `--record` path is a folder.',
    fix: 'Name a file.',
  },
  'record.exists': {
    from: 'qa',
    thrown: 'BotflowError',
    meaning: 'The `--record` file exists already.',
    fix: 'Add `--force` to overwrite it, or record elsewhere.',
  },

  // The command line.
  'run.ended': {
    from: 'cli',
    severity: 'warning',
    meaning: '`botflow run` had a `--say` left after the conversation ended; it was not sent.',
    fix: 'Drop the extra `--say`, or check why the conversation ended early.',
  },
  'qr.unwritable': {
    from: 'cli',
    thrown: 'BotflowError',
    meaning:
      '`botflow link --qr-svg FILE` could not write the file (no such folder, no permission); nothing was left half-written.',
    fix: 'Name a file in a folder that exists and that you may write to.',
  },
  'serve.listen': {
    from: 'cli',
    thrown: 'BotflowError',
    meaning:
      '`botflow serve` cannot listen on its `--http` port, or `botflow studio` on its `--port` (taken, or not allowed).',
    fix: 'Choose another port, or stop what holds it.',
  },
  'serve.telegram': {
    from: 'cli',
    thrown: 'BotflowError',
    meaning: '`botflow serve` could not start the Telegram bot (a refused token, the API unreachable).',
    fix: 'Check the token with @BotFather and the network.',
  },
  'serve.webhook-setup': {
    from: 'cli',
    thrown: 'BotflowError',
    meaning:
      '`botflow serve` could not set up a messenger webhook (a missing option or a refused registration).',
    fix: 'Follow the message; docs/serve.md lists what each webhook needs.',
  },

  'report.bad-option': {
    from: 'cli',
    status: 400,
    thrown: 'BotflowError',
    meaning:
      'A report option is wrong: a time that is neither an age (`7d`) nor an ISO date, an unknown status or format, or `--vars` with `--all-vars` (the same from `GET /reports/*` query parameters).',
    fix: 'Follow the message; docs/reports.md lists the options.',
  },
  'report.unwritable': {
    from: 'cli',
    thrown: 'BotflowError',
    meaning:
      '`botflow report --out FILE` could not write the file (no such folder, no permission, disk full); nothing was left half-written.',
    fix: 'Check the path and the space on the disk.',
  },
  'report.no-token': {
    from: 'http',
    status: 403,
    thrown: 'HttpError',
    meaning:
      '`GET /reports/*` on a server without an API token: reports hold every conversation’s variables, so they are never served open.',
    fix: 'Set `BOTFLOW_API_TOKEN` (or `apiToken`) and send `Authorization: Bearer <token>`.',
  },
  'report.unsupported-store': {
    from: 'cli',
    status: 501,
    thrown: 'BotflowError',
    meaning:
      'The session store keeps no reports: it lists no conversations (a store of your own without `conversations`, `funnelCounts` and `purgeEnded`).',
    fix: 'Use a MemoryStore, SqliteStore or RedisStore, or implement ReportingStore.',
  },

  // The studio's local server (botflow studio): its answers to the page.
  'studio.wrong-host': {
    from: 'studio',
    status: 421,
    thrown: 'HttpError',
    meaning:
      'The request’s `Host` is not the address the studio printed: another name for the machine, or a web page trying DNS rebinding.',
    fix: 'Open the URL exactly as `botflow studio` printed it.',
  },
  'studio.bad-token': {
    from: 'studio',
    status: 403,
    thrown: 'HttpError',
    meaning: 'An API call or the event stream came without the token of this run of the studio.',
    fix: 'Open the URL `botflow studio` printed (it carries the token); a restarted studio has a new one.',
  },
  'studio.bad-origin': {
    from: 'studio',
    status: 403,
    thrown: 'HttpError',
    meaning: 'A write came from a page that is not the studio’s own (its `Origin` differs, or is missing).',
    fix: 'Use the studio’s own page; other sites may not drive it.',
  },
  'studio.not-loaded': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning: 'The script has errors, so the simulator, coverage and the funnel cannot use it.',
    fix: 'Fix the problems the studio lists; the page updates when the file is saved.',
  },
  'studio.env-missing': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning:
      'The simulator cannot start the script: it declares env names (`env:`) that the studio (or the chosen case) gives no value, or an empty one.',
    fix: 'Start the studio with `--env NAME=value` or `--env-from FILE`, or give the case those names under `env:`.',
  },
  'studio.bad-link': {
    from: 'studio',
    status: 422,
    thrown: 'HttpError',
    meaning:
      'The link builder or reader refused its input: an unknown channel, a bad bot or page name, link data outside the rule, nothing to put in the link, or a link of no messenger botflow knows.',
    fix: 'Follow the message; docs/invitation-links.md gives each messenger’s rules.',
  },
  'studio.no-session': {
    from: 'studio',
    status: 404,
    thrown: 'HttpError',
    meaning:
      'The simulator has no such conversation: it was never started, it was dropped for newer ones (the studio keeps the last 20), or the script changed since it started.',
    fix: 'Start the conversation again.',
  },
  'studio.cannot-watch': {
    from: 'studio',
    thrown: 'BotflowError',
    meaning:
      'The studio cannot watch the script’s folder for saves: the folder does not exist, or cannot be read.',
    fix: 'Check the script’s path; a script that does not exist yet may be opened in an existing folder.',
  },
  'studio.too-many-blocks': {
    from: 'studio',
    severity: 'warning',
    meaning:
      'The script has more blocks than the studio draws (2,000): laying them out would keep the page waiting for many seconds. Its problems are still listed.',
    fix: 'Split the script; `botflow graph` prints the whole graph as text.',
  },
  'studio.bad-start': {
    from: 'studio',
    status: 400,
    thrown: 'HttpError',
    meaning:
      'The simulator cannot start from what it was given: an invitation link botflow cannot read, or a case whose start it refuses.',
    fix: 'Paste the link as the messenger shows it, or start from a payload or a plain id.',
  },
  'studio.no-case': {
    from: 'studio',
    status: 404,
    thrown: 'HttpError',
    meaning:
      'The simulator was asked for a case the studio does not have: its file is not one of the case files the studio was started with, or has no case of that name, or does not load.',
    fix: 'Pick a case from the list the page shows; start the studio with `--cases <file>` for another file.',
  },
  'studio.conversation-over': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning: 'A reply was sent to a simulated conversation that has ended or failed.',
    fix: 'Restart the conversation.',
  },
  'studio.unmatched-request': {
    from: 'studio',
    severity: 'error',
    meaning:
      'A Server Request of a conversation whose requests the simulator answers with a case’s mocks matched none of them, so the turn failed, as the case would in `botflow test`.',
    fix: 'Add a mock for the request to the case file, or talk to the real service instead.',
  },
  'studio.bad-case-file': {
    from: 'studio',
    status: 400,
    thrown: 'HttpError',
    meaning:
      'The name given to the simulator’s “Save as test case” is not a plain `NAME.cases.yaml` file name (no folder, no hidden file, no other characters, 200 at most).',
    fix: 'Give a plain file name of letters, digits, `_`, `.` and `-`, ending in `.cases.yaml`, 200 characters at most.',
  },
  'studio.case-file-exists': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning:
      'The name given to the simulator’s “Save as test case” is a file that exists; the studio never overwrites one.',
    fix: 'Choose another name, or delete the file first.',
  },
  'studio.cannot-save': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning:
      'The studio cannot write a file: the script on Save, or the simulator’s “Save as test case”. A folder has that name, the script’s folder is gone, or the file system refused the write (no permission, no space). The file on disk is as it was.',
    fix: 'Follow the message: choose another name, or make the script’s folder writable.',
  },
  'studio.conflict': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning:
      'The script was not saved: the file on disk changed (or appeared, or went away) since the text being saved was read from it, and saving would overwrite that change.',
    fix: 'Choose in the conflict dialog: keep your text (the next save overwrites the file) or take the file’s.',
  },
  'studio.bad-yaml': {
    from: 'studio',
    status: 422,
    thrown: 'HttpError',
    meaning:
      'The script was not saved: its text is not YAML botflow can read (a syntax error, a key twice in one map, a file over the size limit). The message gives the line and column.',
    fix: 'Fix the YAML at the place the message names, then save again; the file on disk is unchanged.',
  },
  'studio.edit-refused': {
    from: 'studio',
    status: 422,
    thrown: 'HttpError',
    meaning:
      'A change made on the canvas cannot be applied to the script’s text as it stands (the block is gone, the text is not readable YAML, the new id is taken, …); the text is unchanged.',
    fix: 'Follow the message: fix the YAML or choose another id, then try again.',
  },
  'studio.coverage-running': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning:
      'Coverage was asked for with a name filter while a run with another filter was going; the studio runs one at a time.',
    fix: 'Ask again when the running one finishes.',
  },
  'studio.no-store': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning:
      'The Funnel tab asked for the funnel, but the studio was started without `--store`: there are no conversations to count.',
    fix: 'Start the studio with the store `botflow serve` writes: `botflow studio <script> --store sqlite:./botflow-sessions.db`.',
  },
  // Canvas edits of a script's text (engine/edit).
  'edit.cannot-copy': {
    from: 'studio',
    status: 422,
    thrown: 'BotflowError',
    meaning:
      'Blocks could not be copied from the script’s text: a block asked for is not in it (any more), or the text is not well-formed YAML.',
    fix: 'Select the blocks again on the canvas, or fix the YAML first.',
  },
  'studio.cannot-pin': {
    from: 'studio',
    status: 409,
    thrown: 'HttpError',
    meaning:
      'The studio cannot write the sidecar file that keeps the nodes placed by hand (`<script>.studio.json`): the folder is not writable, or the disk is full. The nodes stay where they were put until the studio stops.',
    fix: 'Make the script’s folder writable, then move a node again.',
  },
  'studio.bad-sidecar': {
    from: 'studio',
    severity: 'warning',
    meaning:
      'The sidecar file beside the script (`<script>.studio.json`, where the studio keeps the nodes placed by hand) is not one the studio can read: not JSON, another version of the format, or fields it does not know. Its pins are ignored; the graph is laid out automatically.',
    fix: 'Fix or delete the file; moving a node on the canvas writes it anew.',
  },
} as const satisfies Readonly<Record<string, CodeInfo>>;

/** The engine's own codes. */
export type EngineCode = keyof typeof CODES;

/**
 * The codes block types add, as keys: each block module with codes of its own declares them here
 * by augmenting this interface from the block API (`declare module`), beside the entries it gives
 * its definition's `codes`, so the union stays closed without the engine naming a block type.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by block modules
export interface BlockCodes {}

export type BlockCode = keyof BlockCodes;

/** Every code botflow reports. */
export type Code = EngineCode | BlockCode;

/** The engine's codes whose entry has the property `Has` (e.g. a fixed HTTP status). */
type CodesWith<Has> = { [K in EngineCode]: (typeof CODES)[K] extends Has ? K : never }[EngineCode];

/** Codes the JSON API answers with, each with its fixed status. */
export type HttpCode = CodesWith<{ readonly status: number }>;

/** Codes a `ScriptProblem` carries: what loading a script or a case file finds (a block's checks' included). */
export type LoadCode = CodesWith<{ readonly from: 'load' }> | BlockCode;

/** The HTTP status the JSON API answers `code` with. */
export function httpStatus(code: HttpCode): number {
  return CODES[code].status;
}
