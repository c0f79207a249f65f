import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeStartParam,
  encodePayload,
  isSystemVariable,
  PAYLOAD_LIMIT,
  PayloadTooLongError,
  type StartPayload,
} from '../../engine/index.js';

const name = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/)
  .filter((n) => !isSystemVariable(n) && !['constructor', 'prototype', '__proto__'].includes(n));
// Full Unicode, including astral characters and Cyrillic, to exercise UTF-8.
const text = fc.string({ unit: 'binary', maxLength: 12 });
const value = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());

const payload: fc.Arbitrary<StartPayload> = fc.record(
  { phone: text, email: text, externalId: text, variables: fc.dictionary(name, value, { maxKeys: 3 }) },
  { requiredKeys: [] },
);

describe('codec properties', () => {
  it('decode(encode(p)) seeds exactly p, or encode refuses it as too long', () => {
    fc.assert(
      fc.property(payload, (p) => {
        let encoded: string;
        try {
          encoded = encodePayload(p);
        } catch (error) {
          expect(error).toBeInstanceOf(PayloadTooLongError);
          return;
        }
        expect(encoded.length).toBeLessThanOrEqual(PAYLOAD_LIMIT);
        const decoded = decodeStartParam(encoded);
        expect(decoded.diagnostics).toEqual([]);
        expect(decoded.variables).toEqual({
          // What JSON carries: it has no negative zero, so a -0 arrives as 0.
          ...(JSON.parse(JSON.stringify(p.variables ?? {})) as object),
          ...(p.externalId !== undefined && { clientExternalId: p.externalId }),
          ...(p.phone !== undefined && { phone: p.phone }),
          ...(p.email !== undefined && { email: p.email }),
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes right up to the limit', () => {
    // Edge lengths: ids of every length that still fits, and the first that does not.
    for (let length = 0; length <= 40; length++) {
      const p = { externalId: 'й'.repeat(length) };
      const fits = Buffer.byteLength(JSON.stringify({ eId: p.externalId })) * 4 <= PAYLOAD_LIMIT * 3;
      if (fits)
        expect(decodeStartParam(encodePayload(p)).variables).toEqual({ clientExternalId: p.externalId });
      else expect(() => encodePayload(p)).toThrow(PayloadTooLongError);
    }
  });

  it('decode never throws and always returns well-formed results', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.constantFrom(...'eyJABCabc0123_-='.split('')) }),
      fc.jsonValue().map((j) => Buffer.from(JSON.stringify(j)).toString('base64url')),
      fc.uint8Array().map((b) => Buffer.from(b).toString('base64url')),
    );
    fc.assert(
      fc.property(anyText, (startParam) => {
        const decoded = decodeStartParam(startParam);
        expect(decoded.startParam).toBe(startParam);
        const decodedAtAll = decoded.diagnostics.every((d) => d.code !== 'start.too-long');
        // `_` marks a signed value and `-` a start token: such a value is never a plain id, and
        // seeds nothing by itself.
        if (/^[_-]/.test(startParam) && decodedAtAll) expect(decoded.variables).toEqual({});
        else if (decoded.payload === null && startParam !== '' && decodedAtAll) {
          expect(decoded.variables).toEqual({ clientExternalId: startParam });
        }
        for (const key of Object.keys(decoded.variables))
          expect(['__proto__', 'constructor', 'prototype']).not.toContain(key);
      }),
      { numRuns: 5000 },
    );
  });
});
