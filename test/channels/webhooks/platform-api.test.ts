import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PLATFORM_ANSWER_LIMIT,
  sendToPlatform,
  type PlatformRequest,
} from '../../../channels/platform-api.js';
import { json, startRecordingServer, text, type RecordingServer } from '../../support/recording-server.js';
import { expectBotflowError } from './helpers.js';

const TOKEN = 'secret-token-0c9d';

let api: RecordingServer;
beforeEach(async () => {
  api = await startRecordingServer((_call, response) => json(response, 200, { ok: true }));
});
afterEach(() => api.close());

/** A request to the fake API that counts any `{ error }` in the answer as a refusal. */
function request(path = '/send'): PlatformRequest {
  return {
    api: 'the Test API',
    url: `${api.origin}${path}`,
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
    expect(api.requests).toMatchObject([
      { method: 'POST', url: '/send', body: '{"text":"hi"}', headers: { authorization: `Bearer ${TOKEN}` } },
    ]);
  });

  it('fails on an HTTP error even when the answer says nothing', async () => {
    api.handle((_call, response) => text(response, 503, 'upstream down'));
    await expectBotflowError(
      () => sendToPlatform(request()),
      'channel.send-failed',
      'the Test API refused the message with HTTP 503',
    );
  });

  it("fails on a refusal inside a 200 answer, quoting the platform's words with every secret masked and control characters flattened", async () => {
    api.handle((_call, response) =>
      json(response, 200, { error: `bad token\n${TOKEN}, really ${TOKEN}...` }),
    );
    await expectBotflowError(
      () => sendToPlatform(request()),
      'channel.send-failed',
      'the Test API refused the message: bad token ***, really ***',
    );
  });

  it('cuts a long refusal, but only after masking, so no part of a secret is left', async () => {
    api.handle((_call, response) => json(response, 400, { error: `${'x'.repeat(195)}${TOKEN}` }));
    const error = await sendToPlatform(request()).catch((thrown: unknown) => thrown as Error);
    expect(error?.message).toBe(`the Test API refused the message with HTTP 400: ${'x'.repeat(195)}***`);
    api.handle((_call, response) => json(response, 400, { error: `${'y'.repeat(199)}${TOKEN}` }));
    const cut = await sendToPlatform(request()).catch((thrown: unknown) => thrown as Error);
    expect(cut?.message).toBe(`the Test API refused the message with HTTP 400: ${'y'.repeat(199)}*…`);
    expect(cut?.message).not.toContain(TOKEN.slice(0, 3));
  });

  it('stops reading an answer over the size cap', async () => {
    api.handle((_call, response) => text(response, 200, 'x'.repeat(PLATFORM_ANSWER_LIMIT + 1)));
    await expectBotflowError(
      () => sendToPlatform(request()),
      'channel.send-failed',
      'the Test API answered with more than 64 KiB',
    );
  });

  it('does not follow a redirect, which would carry the token elsewhere', async () => {
    const elsewhere = await startRecordingServer((_call, response) => {
      response.writeHead(307, { Location: `${api.origin}/send` });
      response.end();
      return 'sent';
    });
    try {
      await expectBotflowError(
        () => sendToPlatform({ ...request(), url: `${elsewhere.origin}/send` }),
        'channel.send-failed',
        'the Test API refused the message with HTTP 307',
      );
      expect(api.requests).toEqual([]);
      expect(elsewhere.requests).toHaveLength(1);
    } finally {
      await elsewhere.close();
    }
  });

  it('names the system error when the API cannot be reached', async () => {
    const root = api.origin;
    await api.close();
    await expectBotflowError(
      () => sendToPlatform({ ...request(), url: `${root}/send` }),
      'channel.send-failed',
      'the Test API could not be reached (ECONNREFUSED)',
    );
    api = await startRecordingServer((_call, response) => json(response, 200, {}));
  });
});
