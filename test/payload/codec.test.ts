import { describe, expect, it } from 'vitest';
import {
  decodeStartParam,
  encodePayload,
  ID_ADVICE,
  measurePayload,
  PAYLOAD_ADVICE,
  payloadAdvice,
  PayloadError,
  PayloadTooLongError,
  START_VALUE_LIMIT,
} from '../../engine/index.js';

const encodeJson = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

describe('encodePayload', () => {
  it('writes the short keys in a fixed order', () => {
    const encoded = encodePayload({ variables: { a: 1 }, email: 'x@y.z', externalId: '7', phone: '1' });
    expect(Buffer.from(encoded, 'base64url').toString()).toBe('{"p":"1","e":"x@y.z","eId":"7","v":{"a":1}}');
  });

  it('round-trips Cyrillic text as UTF-8', () => {
    const encoded = encodePayload({ variables: { city: 'Москва' } });
    expect(decodeStartParam(encoded).variables).toEqual({ city: 'Москва' });
  });

  it('keeps numbers and booleans typed in v', () => {
    const encoded = encodePayload({ variables: { age: 23, vip: true } });
    expect(decodeStartParam(encoded).variables).toEqual({ age: 23, vip: true });
  });

  it('refuses a payload over 64 characters, saying by how much and what costs most', () => {
    const payload = { variables: { stage_name: '1.First stage', city: 'Moscow' } };
    let error: unknown;
    try {
      encodePayload(payload);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PayloadTooLongError);
    const tooLong = error as PayloadTooLongError;
    expect(tooLong.length).toBe(70);
    expect(tooLong.limit).toBe(64);
    expect(tooLong.costliestField).toBe('v.stage_name');
    expect(tooLong.message).toBe(
      'the payload encodes to 70 characters, 6 over the limit of 64; the costliest field is v.stage_name ' +
        '(dropping it saves 39): use shorter variable names and values (e.g. {"v":{"stage":"1"}} instead of ' +
        '{"v":{"stage_name":"1.First stage"}}), or pack several values into one variable such as cl_data ' +
        '("John Smith 23") and split it with a BPL block',
    );
  });

  it('measures a payload at any length, naming its costliest field, for a builder to show', () => {
    const payload = { variables: { stage_name: '1.First stage', city: 'Moscow' } };
    const measure = measurePayload(payload);
    expect(measure).toEqual({
      data: measure.data,
      length: 70,
      limit: 64,
      costliest: { field: 'v.stage_name', saving: 39 },
    });
    expect(decodeStartParam(measure.data).variables).toEqual(payload.variables);
    expect(measurePayload({ email: 'email@gmail.com' })).toEqual({
      data: 'eyJlIjoiZW1haWxAZ21haWwuY29tIn0',
      length: 31,
      limit: 64,
      costliest: { field: 'e', saving: 28 },
    });
    expect(measurePayload({}).costliest).toBeUndefined();
    expect(() => measurePayload({ variables: { 'not a name': '1' } })).toThrow(PayloadError);
  });

  it('names a top-level field when it costs most; for an email or a phone, advises carrying an id', () => {
    expect(() =>
      encodePayload({ email: 'a.very.long.address.indeed@example-company.com', phone: '1' }),
    ).toThrow(
      /the costliest field is e \(dropping it saves \d+\): carry the client’s id instead \(botflow link --id/,
    );
    expect(() => encodePayload({ phone: '7'.repeat(60) })).toThrow(`: ${ID_ADVICE}`);
    expect(payloadAdvice('v.stage_name')).toBe(PAYLOAD_ADVICE);
    expect(payloadAdvice('eId')).toBe(PAYLOAD_ADVICE);
  });

  it('accepts a payload of exactly 64 characters', () => {
    const encoded = encodePayload({ externalId: 'x'.repeat(38) });
    expect(() => encodePayload({ externalId: 'x'.repeat(39) })).toThrow(PayloadTooLongError);
    expect(encoded).toHaveLength(64);
  });

  it.each([
    [{ variables: { 'first-name': 'J' } }, 'variable name "first-name" is not an identifier'],
    [{ variables: { '1st': 'J' } }, 'variable name "1st" is not an identifier'],
    [{ variables: { phone: '1' } }, 'variable "phone" is a system variable and cannot be set through "v"'],
    [{ variables: { x: null } }, 'the payload\'s variable "x" must be a string, number or boolean, not null'],
    [
      { variables: { x: [1] } },
      'the payload\'s variable "x" must be a string, number or boolean, not a list',
    ],
    [
      { variables: JSON.parse('{"__proto__":"x"}') as object },
      'the payload\'s "v" has the forbidden key "__proto__"',
    ],
    [{ variables: { constructor: 'x' } }, 'the payload\'s "v" has the forbidden key "constructor"'],
    [{ phone: 79000000000 }, 'the payload\'s "p" must be a string, not a number'],
  ])('refuses %j', (payload, message) => {
    expect(() => encodePayload(payload as never)).toThrow(PayloadError);
    expect(() => encodePayload(payload as never)).toThrow(message);
  });
});

describe('decodeStartParam', () => {
  const brokenCases: [name: string, json: string, code: string, message: string][] = [
    ['bad JSON', '{"e":', 'payload.bad-json', 'is not valid JSON'],
    ['JSON that is not an object', '{"e":"x"}garbage', 'payload.bad-json', 'is not valid JSON'],
    [
      'an unknown key',
      '{"y":"1"}',
      'payload.unknown-key',
      'the payload has the unknown key "y" (known: p, e, eId, v, x)',
    ],
    [
      'a wrong value type',
      '{"p":79000000000}',
      'payload.wrong-type',
      'the payload\'s "p" must be a string, not a number',
    ],
    [
      'v that is a list',
      '{"v":["a"]}',
      'payload.wrong-type',
      'the payload\'s "v" must be an object, not a list',
    ],
    [
      'a nested object in v',
      '{"v":{"a":{}}}',
      'payload.wrong-type',
      'must be a string, number or boolean, not an object',
    ],
    [
      '__proto__ in v',
      '{"v":{"__proto__":{"polluted":1}}}',
      'payload.forbidden-key',
      'forbidden key "__proto__"',
    ],
    [
      '__proto__ at the top',
      '{"__proto__":{"polluted":1}}',
      'payload.forbidden-key',
      'forbidden key "__proto__"',
    ],
    ['prototype in v', '{"v":{"prototype":"x"}}', 'payload.forbidden-key', 'forbidden key "prototype"'],
  ];

  for (const [name, json, code, message] of brokenCases) {
    it(`takes a payload with ${name} as a plain id and reports it`, () => {
      const startParam = encodeJson(json);
      const decoded = decodeStartParam(startParam);
      expect(decoded.payload).toBeNull();
      expect(decoded.variables).toEqual({ clientExternalId: startParam });
      expect(decoded.diagnostics).toHaveLength(1);
      expect(decoded.diagnostics[0]?.code).toBe(code);
      expect(decoded.diagnostics[0]?.message).toContain(message);
      expect(decoded.diagnostics[0]?.message).toMatch(
        /^the start value looks like an encoded payload but .*; it was used as a plain client id$/,
      );
    });
  }

  it('never pollutes Object.prototype', () => {
    decodeStartParam(encodeJson('{"v":{"__proto__":{"polluted":"yes"}}}'));
    decodeStartParam(encodeJson('{"__proto__":{"polluted":"yes"}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports text that is not UTF-8', () => {
    const startParam = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url');
    expect(decodeStartParam(startParam).diagnostics[0]?.code).toBe('payload.not-utf8');
  });

  it('drops v entries that may not be seeded, keeping the rest', () => {
    const decoded = decodeStartParam(encodeJson('{"v":{"city":"Msk","email":"x","a-b":1}}'));
    expect(decoded.variables).toEqual({ city: 'Msk' });
    expect(decoded.diagnostics.map((d) => d.code)).toEqual([
      'payload.system-variable',
      'payload.bad-variable-name',
    ]);
    expect(decoded.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('warns about a valid payload over the link limit but still applies it', () => {
    const startParam = encodeJson(JSON.stringify({ eId: 'x'.repeat(60) }));
    const decoded = decodeStartParam(startParam);
    expect(decoded.variables).toEqual({ clientExternalId: 'x'.repeat(60) });
    expect(decoded.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'payload.too-long',
        message: `the payload is ${startParam.length} characters long, over the 64-character limit of invitation links; Telegram would not deliver it`,
      },
    ]);
  });

  it('ignores a start value over the hard cap, seeding nothing', () => {
    const decoded = decodeStartParam('a'.repeat(START_VALUE_LIMIT + 1));
    expect(decoded.variables).toEqual({});
    expect(decoded.diagnostics[0]?.code).toBe('start.too-long');
  });

  it('seeds nothing from an empty start', () => {
    expect(decodeStartParam('')).toEqual({ startParam: '', payload: null, variables: {}, diagnostics: [] });
  });

  it('takes an id that merely decodes as Base64URL as a plain id, silently', () => {
    // "Zm9vYmFy" is Base64URL for "foobar": not a payload, so no diagnostic.
    expect(decodeStartParam('Zm9vYmFy')).toMatchObject({
      variables: { clientExternalId: 'Zm9vYmFy' },
      diagnostics: [],
    });
  });
});
