import { createHmac } from 'node:crypto';
import { decodeStart, encodePayload, signData } from '../engine/index.js';
import { verifyTag } from '../engine/links/signed.js';
import type { Comparison } from './harness.js';

const secret = 'bench-link-secret-0123456789abcdef';
const retired = 'bench-old-secret-0123456789abcdefg';
const data = encodePayload({ externalId: '1234568', variables: { stage: '1' } });
const signed = signData(data, [secret]);
/** The bytes the tag is made over: the domain line, then the data. */
const message = `botflow-link-v1\n${data}`;
const tag = signed.slice(-8);
const bareTag = () => createHmac('sha256', secret).update(message).digest();

/**
 * Signing and verifying beside a bare HMAC-SHA256 of the same bytes: what the grammar, the
 * secret checks, the constant-time comparison and the payload decoding cost on top of the MAC.
 */
export const linkBenchmarks: Comparison[] = [
  {
    name: 'sign a start value',
    subject: () => signData(data, [secret]),
    baselineName: 'crypto.createHmac (same bytes)',
    baseline: bareTag,
  },
  {
    name: 'verify the tag (1 secret)',
    subject: () => verifyTag(data, tag, [secret]),
    baselineName: 'crypto.createHmac (same bytes)',
    baseline: bareTag,
  },
  {
    name: 'verify + decode (1 secret)',
    subject: () => decodeStart(signed, { secrets: [secret] }),
    baselineName: 'crypto.createHmac (same bytes)',
    baseline: bareTag,
  },
  {
    name: 'verify + decode (2 secrets)',
    subject: () => decodeStart(signed, { secrets: [secret, retired] }),
    baselineName: 'crypto.createHmac (same bytes)',
    baseline: bareTag,
  },
];
