import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PLATFORM_ANSWER_LIMIT,
  sendToPlatform,
  type PlatformRequest,
} from '../../../channels/platform-api.js';
import { startFakePlatform, type FakePlatform } from './fake-platform.js';
import { expectBotflowError } from './helpers.js';

const TOKEN = 'secret-token-0c9d';

let api: FakePlatform;
beforeEach(async () => {
  api = await startFakePlatform(() => ({ status: 200, json: { ok: true } }));
});
afterEach(() => api.close());

/** A request to the fake API that counts any `{ error }` in the answer as a refusal. */
function request(path = '/send'): PlatformRequest {
  return {
    api: 'the Test API',
    url: `${api.root}${path}`,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: '{"text":"hi"}',
    secrets: [TOKEN],
    refusal: (answer) => {
      const error = (answer as { error?: unknown } | undefined)?.error;
      return typeof error === 'string' ? error : undefined;
    },
  };
}

describe('sending to a platform API', () => {
  it('posts the body with its headers and resolves on an accepted answer', async () => {
    await sendToPlatform(request());
    expect(api.calls).toMatchObject([
      { method: 'POST', path: '/send', body: '{"text":"hi"}', headers: { authorization: `Bearer ${TOKEN}` } },
    ]);
  });

  it('fails on an HTTP error even when the answer says nothing', async () => {
    api.answer(() => ({ status: 503, text: 'upstream down' }));
    await expectBotflowError(
      () => sendToPlatform(request()),
      'channel.send-failed',
      'the Test API refused the message with HTTP 503',
    );
  });

  it("fails on a refusal inside a 200 answer, quoting the platform's words with every secret masked and control characters flattened", async () => {
    api.answer(() => ({ status: 200, json: { error: `bad token\n${TOKEN}, really ${TOKEN}...` } }));
    await expectBotflowError(
      () => sendToPlatform(request()),
      'channel.send-failed',
      'the Test API refused the message: bad token ***, really ***',
    );
  });

  it('cuts a long refusal, but only after masking, so no part of a secret is left', async () => {
    api.answer(() => ({ status: 400, json: { error: `${'x'.repeat(195)}${TOKEN}` } }));
    const error = await sendToPlatform(request()).catch((thrown: unknown) => thrown as Error);
    expect(error?.message).toBe(`the Test API refused the message with HTTP 400: ${'x'.repeat(195)}***`);
    api.answer(() => ({ status: 400, json: { error: `${'y'.repeat(199)}${TOKEN}` } }));
    const cut = await sendToPlatform(request()).catch((thrown: unknown) => thrown as Error);
    expect(cut?.message).toBe(`the Test API refused the message with HTTP 400: ${'y'.repeat(199)}*…`);
    expect(cut?.message).not.toContain(TOKEN.slice(0, 3));
  });

  it('stops reading an answer over the size cap', async () => {
    api.answer(() => ({ status: 200, text: 'x'.repeat(PLATFORM_ANSWER_LIMIT + 1) }));
    await expectBotflowError(
      () => sendToPlatform(request()),
      'channel.send-failed',
      'the Test API answered with more than 64 KiB',
    );
  });

  it('does not follow a redirect, which would carry the token elsewhere', async () => {
    const elsewhere = createServer((_, response) => {
      response.writeHead(307, { Location: `${api.root}/send` });
      response.end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const address = elsewhere.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      await expectBotflowError(
        () => sendToPlatform({ ...request(), url: `http://127.0.0.1:${address.port}/send` }),
        'channel.send-failed',
        'the Test API refused the message with HTTP 307',
      );
      expect(api.calls).toEqual([]);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('names the system error when the API cannot be reached', async () => {
    const root = api.root;
    await api.close();
    await expectBotflowError(
      () => sendToPlatform({ ...request(), url: `${root}/send` }),
      'channel.send-failed',
      'the Test API could not be reached (ECONNREFUSED)',
    );
    api = await startFakePlatform(() => ({ status: 200, json: {} }));
  });
});
