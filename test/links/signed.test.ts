import { describe, expect, it } from 'vitest';
import {
  checkLinkSecrets,
  decodeStart,
  encodePayload,
  LinkSecretError,
  signData,
  SigningError,
} from '../../engine/index.js';
import { startValueSigner } from '../../channels/short-links.js';
import { splitSigned, verifyTag } from '../../engine/links/signed.js';

const NEW_SECRET = 'new-link-secret-0123456789abcdef';
const OLD_SECRET = 'old-link-secret-fedcba9876543210';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A start value with the character at `index` replaced by every other one of the link alphabet. */
function everyEdit(value: string, index: number): string[] {
  return Array.from(ALPHABET)
    .filter((c) => c !== value[index])
    .map((c) => value.slice(0, index) + c + value.slice(index + 1));
}

describe('signed start values', () => {
  const payload = encodePayload({ externalId: '1234568', variables: { stage: '1' } });
  const signed = signData(payload, [NEW_SECRET]);

  it('are "_", the data and an 8-character tag, and verify with the secret', () => {
    expect(signed).toMatch(/^_[A-Za-z0-9_-]+$/);
    expect(signed).toHaveLength(1 + payload.length + 8);
    expect(signed.slice(1, -8)).toBe(payload);
    expect(decodeStart(signed, { secrets: [NEW_SECRET] })).toMatchObject({
      signature: 'valid',
      verified: true,
      variables: { clientExternalId: '1234568', stage: '1' },
      diagnostics: [],
    });
  });

  it('refuse every edit of every character, data and tag alike, and seed nothing', () => {
    let tried = 0;
    for (let index = 1; index < signed.length; index++) {
      for (const edited of everyEdit(signed, index)) {
        const decoded = decodeStart(edited, { secrets: [NEW_SECRET] });
        expect(decoded.signature, edited).toBe('invalid');
        expect(decoded.verified).toBe(false);
        expect(decoded.variables).toEqual({});
        tried++;
      }
    }
    expect(tried).toBe((signed.length - 1) * 63);
  });

  it('refuse a value cut short, lengthened, or with its tag moved', () => {
    const secrets = [NEW_SECRET];
    const changed = [
      signed.slice(0, -1),
      `${signed}A`,
      `_${signed.slice(2)}`,
      `_${signed.slice(1, -9)}${signed.slice(-8)}`,
      `${signed.slice(0, -8)}A${signed.slice(-8)}`,
      `_${signed.slice(-8)}`,
      '_',
      `_1${'A'.repeat(63)}`,
    ];
    for (const value of changed) {
      const decoded = decodeStart(value, { secrets });
      expect(decoded.signature, value).toBe('invalid');
      expect(decoded.variables, value).toEqual({});
    }
  });

  it('are checked in constant time against a tag of the right form only', () => {
    const parts = splitSigned(signed);
    if (parts.kind !== 'signed') throw new Error('not signed');
    expect(verifyTag(parts.data, parts.tag, [NEW_SECRET])).toBe(true);
    // Each character 256 code points up: latin1 would take it down to the real tag's byte.
    const forged = Array.from(parts.tag)
      .map((c) => String.fromCharCode(c.charCodeAt(0) + 256))
      .join('');
    expect(Buffer.from(forged, 'latin1').toString('latin1')).toBe(parts.tag);
    expect(verifyTag(parts.data, forged, [NEW_SECRET])).toBe(false);
  });

  it('rotate: signed with the newest, verified by any; a removed secret verifies no more', () => {
    const old = signData('1234568', [OLD_SECRET]);
    const rotated = signData('1234568', [NEW_SECRET, OLD_SECRET]);
    expect(rotated).toBe(signData('1234568', [NEW_SECRET]));
    expect(decodeStart(old, { secrets: [NEW_SECRET, OLD_SECRET] }).signature).toBe('valid');
    expect(decodeStart(rotated, { secrets: [NEW_SECRET, OLD_SECRET] }).signature).toBe('valid');
    expect(decodeStart(old, { secrets: [NEW_SECRET] })).toMatchObject({
      signature: 'invalid',
      variables: {},
    });
  });

  it('expire at the second in `x`, measured by the clock given', () => {
    const expiresAt = 1_800_000_000;
    const value = signData(encodePayload({ externalId: '42', expiresAt }), [NEW_SECRET]);
    const at = (ms: number) => decodeStart(value, { secrets: [NEW_SECRET], clock: () => new Date(ms) });
    expect(at(expiresAt * 1000 - 1)).toMatchObject({
      signature: 'valid',
      verified: true,
      variables: { clientExternalId: '42' },
    });
    const expired = at(expiresAt * 1000);
    expect(expired).toMatchObject({ signature: 'expired', verified: false, variables: {} });
    expect(expired.diagnostics.map((d) => d.code)).toEqual(['start.expired']);
    // `x` is no variable, and an unsigned payload's expiry is honoured too.
    const unsigned = encodePayload({ externalId: '42', expiresAt });
    expect(decodeStart(unsigned, { clock: () => new Date(expiresAt * 1000 - 1) }).variables).toEqual({
      clientExternalId: '42',
    });
    expect(decodeStart(unsigned, { clock: () => new Date(expiresAt * 1000) })).toMatchObject({
      signature: 'missing',
      variables: {},
    });
  });

  it('are unchecked without a secret, and refused when required', () => {
    const value = signData('1234568', [NEW_SECRET]);
    expect(decodeStart(value)).toMatchObject({
      signature: 'unchecked',
      verified: false,
      variables: { clientExternalId: '1234568' },
    });
    expect(decodeStart('1234568', { secrets: [NEW_SECRET], required: true })).toMatchObject({
      signature: 'missing',
      variables: {},
      diagnostics: [{ code: 'start.unsigned' }],
    });
    expect(decodeStart('', { secrets: [NEW_SECRET], required: true })).toMatchObject({
      signature: 'missing',
      variables: {},
      diagnostics: [],
    });
  });

  it('with broken data are taken like any broken value', () => {
    const brokenJson = Buffer.from('{"eId":').toString('base64url');
    const decoded = decodeStart(signData(brokenJson, [NEW_SECRET]), { secrets: [NEW_SECRET] });
    expect(decoded).toMatchObject({ signature: 'valid', variables: { clientExternalId: brokenJson } });
    expect(decoded.diagnostics.map((d) => d.code)).toEqual(['payload.bad-json']);
  });

  it('count the "_" and the tag in the 64 characters, saying what is left for the data', () => {
    expect(signData('x'.repeat(55), [NEW_SECRET])).toHaveLength(64);
    expect(() => signData('x'.repeat(56), [NEW_SECRET])).toThrow(
      /65 characters .*1 over the limit of 64: 55 characters are left for the data/,
    );
    expect(() => signData('_x', [NEW_SECRET])).toThrow(SigningError);
    // 59 characters fit a link alone, not with the "_" and the tag.
    const email = { email: 'a'.repeat(36) };
    expect(encodePayload(email)).toHaveLength(59);
    expect(() => encodePayload(email, { characters: 9, what: 'the tag' })).toThrow(
      /encodes to 59 characters; with the tag \(9\) the link data is 68, 4 over the limit of 64, which leaves 55 characters for the data/,
    );
  });

  it('take secrets of 16 bytes or more, refusing the rest without showing them', () => {
    expect(checkLinkSecrets(['s'.repeat(16)])).toEqual(['s'.repeat(16)]);
    for (const secrets of [[], [''], ['fifteen-bytes!!'], [NEW_SECRET, ''], ['a\nsixteen-bytes-x']]) {
      expect(() => checkLinkSecrets(secrets)).toThrow(LinkSecretError);
    }
    expect(() => checkLinkSecrets(['hunter2-hunter2'])).toThrow(/^the link secret is 15 bytes long/);
    expect(() => checkLinkSecrets(['hunter2-hunter2'])).not.toThrow(/hunter2/);
  });
});

describe('the signer of POST /links', () => {
  const sign = startValueSigner([NEW_SECRET]);
  it('signs a plain id or a payload, putting an expiry in the signed data', () => {
    expect(sign('1234568', undefined)).toBe(signData('1234568', [NEW_SECRET]));
    const expiring = sign('1234568', 1_800_000_000_500);
    expect(expiring).toBe(
      signData(encodePayload({ externalId: '1234568', expiresAt: 1_800_000_000 }), [NEW_SECRET]),
    );
    const payload = encodePayload({ externalId: '42', variables: { s: '1' } });
    expect(decodeStart(sign(payload, 1_800_000_000_000) ?? '', { secrets: [NEW_SECRET] })).toMatchObject({
      signature: 'valid',
      payload: { eId: '42', v: { s: '1' }, x: 1_800_000_000 },
    });
  });

  it('leaves what would not fit to a start token, and refuses data already signed', () => {
    expect(sign('x'.repeat(56), undefined)).toBeUndefined();
    expect(sign('x'.repeat(30), 1_800_000_000_000)).toBeUndefined();
    expect(() => sign(signData('1', [NEW_SECRET]), undefined)).toThrow(
      /begins with "_", which botflow keeps for signed values/,
    );
  });
});

describe('the reserved first characters', () => {
  it('make no plain id', () => {
    for (const value of ['_1234568', '-1234568']) {
      expect(decodeStart(value)).toMatchObject({
        variables: {},
        signature: value.startsWith('_') ? 'invalid' : 'missing',
      });
    }
  });
});
