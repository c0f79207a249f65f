import { describe, expect, it } from 'vitest';
import { decodeBase64Url, decodeStartParam, encodeBase64Url, encodePayload } from '../../engine/index.js';

const utf8 = new TextEncoder();

describe('the seed vectors', () => {
  // client-identification.txt: each example, JSON ⇄ encoded, byte for byte.
  const vectors = [
    {
      payload: { email: 'email@gmail.com' },
      json: '{"e":"email@gmail.com"}',
      encoded: 'eyJlIjoiZW1haWxAZ21haWwuY29tIn0',
    },
    { payload: { phone: '79000000000' }, json: '{"p":"79000000000"}', encoded: 'eyJwIjoiNzkwMDAwMDAwMDAifQ' },
    {
      payload: { externalId: 'externalId' },
      json: '{"eId":"externalId"}',
      encoded: 'eyJlSWQiOiJleHRlcm5hbElkIn0',
    },
    {
      payload: { variables: { city: 'Moscow' } },
      json: '{"v":{"city":"Moscow"}}',
      encoded: 'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0',
    },
  ];

  for (const { payload, json, encoded } of vectors) {
    it(`encodes ${json}`, () => {
      expect(encodePayload(payload)).toBe(encoded);
      expect(Buffer.from(encoded, 'base64url').toString('utf8')).toBe(json);
    });

    it(`decodes ${encoded}`, () => {
      const decoded = decodeStartParam(encoded);
      expect(decoded.diagnostics).toEqual([]);
      expect(JSON.stringify(decoded.payload)).toBe(json);
    });
  }

  it('seeds the variables the seed names', () => {
    expect(decodeStartParam('eyJlIjoiZW1haWxAZ21haWwuY29tIn0').variables).toEqual({
      email: 'email@gmail.com',
    });
    expect(decodeStartParam('eyJwIjoiNzkwMDAwMDAwMDAifQ').variables).toEqual({ phone: '79000000000' });
    expect(decodeStartParam('eyJlSWQiOiJleHRlcm5hbElkIn0').variables).toEqual({
      clientExternalId: 'externalId',
    });
    expect(decodeStartParam('eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0').variables).toEqual({ city: 'Moscow' });
  });

  it('takes ?start=1234567 as a plain client id', () => {
    expect(decodeStartParam('1234567')).toEqual({
      startParam: '1234567',
      payload: null,
      variables: { clientExternalId: '1234567' },
      diagnostics: [],
    });
  });

  it('packs cl_data for a BPL block to split', () => {
    const encoded = encodePayload({ variables: { cl_data: 'John Smith 23' } });
    expect(encoded).toBe('eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19');
    expect(decodeStartParam(encoded).variables).toEqual({ cl_data: 'John Smith 23' });
  });
});

describe('Base64URL (RFC 4648 §10 test vectors, unpadded)', () => {
  const rfc: [string, string][] = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ];
  for (const [text, encoded] of rfc) {
    it(`"${text}" ⇄ "${encoded}"`, () => {
      expect(encodeBase64Url(utf8.encode(text))).toBe(encoded);
      expect(Buffer.from(decodeBase64Url(encoded) ?? []).toString()).toBe(text);
    });
  }

  it('uses the URL-safe alphabet: - and _ instead of + and /', () => {
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(decodeBase64Url('-_-_')).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it('accepts padding but refuses what is not canonical Base64URL', () => {
    expect(decodeBase64Url('Zg==')).toEqual(utf8.encode('f'));
    expect(decodeBase64Url('Zh')).toBeUndefined(); // non-zero trailing bits
    expect(decodeBase64Url('Z')).toBeUndefined(); // impossible length
    expect(decodeBase64Url('Zm9v+')).toBeUndefined(); // the standard alphabet's +
    expect(decodeBase64Url('Zm 9v')).toBeUndefined();
  });
});
