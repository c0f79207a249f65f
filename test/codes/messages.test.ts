import { describe, expect, it } from 'vitest';
import { buildInviteLink, parseInviteLink } from '../../channels/index.js';
import { HttpError, toHttpError } from '../../channels/http/errors.js';
import { CATALOG } from '../../engine/catalog.js';
import { CODES, type Code } from '../../engine/codes.js';
import {
  AmbiguousStartError,
  BotflowError,
  checkLinkSecrets,
  checkScript,
  ConversationBusyError,
  ConversationConflictError,
  createHttpClient,
  decodeStart,
  decodeStartParam,
  encodePayload,
  parseScript,
  signData,
  StoreUnavailableError,
  StoreUncertainError,
  type Diagnostic,
  type ScriptProblem,
} from '../../engine/index.js';
import { botOf, yaml } from '../support/scripts.js';

/*
 * The rule of docs/errors.md, held against real messages: every message continues a line the edge
 * starts (`file:line:col: error: `, `botflow: `, `block "x": `, a JSON error's `message`), so it
 * starts in lower case unless with a name always capitalised, and ends without a period.
 */
const CAPITALISED = /^(YAML|JSON|URL|Telegram|WhatsApp|Facebook|Instagram|Viber|VK|Messenger)\b/;

function ruleBroken(message: string): string | undefined {
  const own = message.replace(/^block "[^"]*": /, '').replace(/^[^:]+:\d+:\d+: (error|warning): /, '');
  if (/^[A-Z]/.test(own) && !CAPITALISED.test(own)) return 'starts with a capital';
  if (own.endsWith('.') && !own.endsWith('..')) return 'ends with a period';
  if (own !== own.trim()) return 'has spaces at an end';
  return undefined;
}

interface Reported {
  readonly code: Code;
  readonly message: string;
  readonly severity?: 'error' | 'warning' | 'info';
}

/** Checks each report against the rule and the catalog; returns the codes seen. */
function check(reports: readonly Reported[]): Set<Code> {
  for (const { code, message, severity } of reports) {
    expect(ruleBroken(message), `${code}: ${message}`).toBeUndefined();
    expect(CATALOG[code], code).toBeDefined();
    const fixed = (CATALOG[code] as { severity?: string }).severity;
    if (severity !== undefined && fixed !== undefined) expect(severity, `${code}: ${message}`).toBe(fixed);
  }
  return new Set(reports.map((report) => report.code));
}

function thrown(action: () => unknown): BotflowError {
  try {
    action();
  } catch (error) {
    if (error instanceof BotflowError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

async function rejected(action: () => Promise<unknown>): Promise<BotflowError> {
  const error: unknown = await action().then(
    () => new Error('nothing was thrown'),
    (reason: unknown) => reason,
  );
  if (error instanceof BotflowError) return error;
  throw error;
}

const BAD_SCRIPTS = [
  'botflow: 1\nblocks:\n  a: { type: message, text: [unclosed\n',
  'botflow: 1\nblocks:\n  a: { type: end }\n  a: { type: end }\n',
  'botflow: 1\nblocks:\n  a: { type: end, __proto__: x }\n',
  'x'.repeat(200),
  yaml`
    botflow: 1
    nmae: x
    variables: { phone: '', first-name: '' }
    blocks:
      1st: { type: end }
      no_type: { text: hi }
      odd: { type: mesage }
      plain: 5
      ask: { type: ask, text: '{{ name', save: x, retries: 99, expect: number, choices: [{ label: a }] }
      req: { type: request, method: GET, url: 'https://example.com', body: { a: 1 }, form: { b: '2' }, next: nowhere }
      calc: { type: bpl, next: cond }
      cond: { type: condition, branches: [{ if: 'lenght(x) >', next: msg }], else: msg }
      msg: { type: message, text: '{{ frstName }}', next: calc }
      lost: { type: end }
      engine: { type: bpl, set: { response: '1' }, next: lost }
  `,
  'botflow: 1\nblocks: {}\n',
];

describe('every message follows the rule of docs/errors.md', () => {
  it('loading: the problems of broken scripts, and the ScriptError that carries them', () => {
    const problems: ScriptProblem[] = BAD_SCRIPTS.flatMap((text) => checkScript(text).problems);
    const seen = check(problems);
    for (const code of [
      'yaml.syntax',
      'yaml.duplicate-key',
      'yaml.forbidden-key',
      'schema.unknown-field',
    ] as const)
      expect(seen).toContain(code);
    expect(seen.size).toBeGreaterThanOrEqual(15);
    check([thrown(() => parseScript(BAD_SCRIPTS[0] ?? ''))]);
  });

  it('starting: broken payloads decoded and refused, and refused starts', async () => {
    const data = (json: string) => Buffer.from(json).toString('base64url');
    const notUtf8 = Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url');
    const decoded: Diagnostic[] = [...decodeStartParam(notUtf8).diagnostics];
    decoded.push(
      ...[
        '{"p":',
        '{"y":1}',
        '{"p":1}',
        '{"v":{"__proto__":{}}}',
        '{"v":{"first-name":"a","phone":"1"}}',
        `{"v":{"a":"${'x'.repeat(60)}"}}`,
      ].flatMap((json) => decodeStartParam(data(json)).diagnostics),
      ...decodeStartParam('x'.repeat(5000)).diagnostics,
    );
    const seen = check(decoded);
    expect(seen.size).toBe(9);

    check([
      thrown(() => encodePayload({ variables: { 'first-name': 'a' } })),
      thrown(() => encodePayload({ variables: { a: 'x'.repeat(80) } })),
    ]);
    const bot = botOf(yaml`
      botflow: 1
      name: t
      blocks:
        end: { type: end }
    `);
    const refused = check([
      await rejected(() => bot.start('k', { startParam: 'a', payload: { eId: '1' } })),
      await rejected(() => bot.start('')),
      await rejected(() => bot.start('k', { payload: { v: { a: 'x'.repeat(300_000) } } })),
      await rejected(() => bot.start('k', { payload: { y: 1 } })),
    ]);
    expect([...refused]).toEqual([
      'start.ambiguous',
      'conversation.bad-key',
      'variables.too-large',
      'payload.unknown-key',
    ]);
  });

  it('signed links: each refused start value, and each secret or value that cannot be used', () => {
    const secrets = ['a-link-secret-of-32-bytes-000000'];
    const signed = signData('1234568', secrets);
    const expired = signData(Buffer.from('{"eId":"1","x":1}').toString('base64url'), secrets);
    const decoded = [
      decodeStart('_1', { secrets }),
      decodeStart(`${signed.slice(0, -1)}A`, { secrets }),
      decodeStart(expired, { secrets }),
      decodeStart('1234568', { secrets, required: true }),
      decodeStart(signed, { required: true }),
      decodeStartParam('_1234568'),
    ].flatMap((start) => start.diagnostics);
    expect([...check(decoded)]).toEqual([
      'start.bad-signed',
      'start.bad-signature',
      'start.expired',
      'start.unsigned',
      'start.reserved',
    ]);
    const refused = check([
      thrown(() => checkLinkSecrets([])),
      thrown(() => checkLinkSecrets(['', 'x'], 'the secret file s.txt')),
      thrown(() => checkLinkSecrets(['short'])),
      thrown(() => signData('x'.repeat(56), secrets)),
      thrown(() => signData('_x', secrets)),
    ]);
    expect([...refused]).toEqual(['link.bad-secret', 'link.cannot-sign']);
  });

  it('turns: the notes of blocks that fail, routed or not', async () => {
    const bot = botOf(
      yaml`
        botflow: 1
        name: t
        blocks:
          cond: { type: condition, branches: [{ if: 'age * 2 > 1', next: calc }], else: calc }
          calc: { type: bpl, set: { n: 'age * 2' }, on: { error: call }, next: call }
          call: { type: request, url: 'http://127.0.0.1:9/x', next: ask, on: { error: ask } }
          ask: { type: ask, text: 'Age?', expect: number, save: a, retries: 0, next: done }
          done: { type: end }
      `,
      { http: createHttpClient() },
    );
    const start = await bot.start('k', { payload: { v: { age: 'x' } } });
    const reply = await bot.send('k', `x${'y'.repeat(5000)}`);
    const seen = check([...start.diagnostics, ...reply.diagnostics]);
    for (const code of ['expression.failed', 'bpl.failed', 'request.limit', 'ask.no-valid-reply'] as const)
      expect(seen).toContain(code);

    const looping = botOf(
      yaml`
        botflow: 1
        name: t
        blocks:
          a: { type: message, text: a, next: b }
          b: { type: message, text: b, next: c }
          c: { type: end }
      `,
      { stepCap: 1 },
    );
    expect(check((await looping.start('k')).diagnostics)).toContain('turn.step-cap');
  });

  it('links: every LinkError', () => {
    const seen = check([
      thrown(() => buildInviteLink('telegram', 'shop', 'DATA')),
      thrown(() => buildInviteLink('telegram', 'shop_bot', 'a b')),
      thrown(() => buildInviteLink('telegram', 'shop_bot', 'a'.repeat(65))),
      thrown(() => buildInviteLink('telegram', 'shop_bot', '')),
      thrown(() => buildInviteLink('icq', 'shop_bot', 'DATA')),
      thrown(() => parseInviteLink('https://example.com/?start=a')),
    ]);
    expect(seen.size).toBe(6);
  });

  it('the JSON API: each error it answers, with the status the catalog gives its code', () => {
    const keep = <T>(value: T) => value;
    const answers = [
      new AmbiguousStartError(),
      new ConversationConflictError('k'),
      new ConversationBusyError('k', 'it is held'),
      new StoreUnavailableError('redis at 10.0.0.1 is down'),
      new StoreUncertainError('redis at 10.0.0.1 is down'),
      thrown(() => encodePayload({ variables: { 'first-name': 'a' } })),
      new Error('a bug'),
    ].map((error) => toHttpError(error, keep));
    check(answers);
    for (const answer of answers) expect(answer.status, answer.code).toBe(CODES[answer.code].status);
    expect(new HttpError('http.not-found', 'there is no such route').status).toBe(404);
  });
});

describe('the catalog', () => {
  it('says what each code means and what to do, in sentences', () => {
    for (const [code, info] of Object.entries(CATALOG)) {
      expect(info.meaning, code).toMatch(/^[A-Z`a-z].*[.)]$/);
      expect(info.fix, code).toMatch(/^[A-Z`].*[.)]$/);
    }
  });
});
