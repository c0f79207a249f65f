import { decodeStartParam, encodePayload } from '../engine/index.js';
import type { Comparison } from './harness.js';

const payload = { externalId: '42', variables: { cl_data: 'John Smith 23' } };
const json = JSON.stringify({ eId: payload.externalId, v: payload.variables });
const encoded = encodePayload(payload);

/** The codec against Node's bare Buffer Base64URL of the same bytes (no JSON, no checks). */
export const payloadBenchmarks: Comparison[] = [
  {
    name: 'payload encode',
    subject: () => encodePayload(payload),
    baselineName: 'Buffer base64url encode',
    baseline: () => Buffer.from(json, 'utf8').toString('base64url'),
  },
  {
    name: 'payload decode',
    subject: () => decodeStartParam(encoded),
    baselineName: 'Buffer base64url decode',
    baseline: () => Buffer.from(encoded, 'base64url').toString('utf8'),
  },
];
