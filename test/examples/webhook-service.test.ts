import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodePayload } from '../../engine/index.js';
import { startExample } from './example-process.js';
import { hmacHex } from '../support/channel-fixtures.js';
import { parseLogLine } from '../support/serve-process.js';
import { json, jsonBodies, startRecordingServer, type RecordingServer } from '../support/recording-server.js';

const APP_SECRET = 'app-secret-4f1c';
const PAGE_TOKEN = 'EAAPageToken-5b7a';
const VK_CONFIRMATION = 'vk-confirm-3e8d';
const VK_SECRET = 'vk-secret-71aa';
const PAGE = '682498302938465';
const USER = '1254459154682919';

let graph: RecordingServer;
beforeEach(async () => {
  // The Send API's success answer (developers.facebook.com/docs/messenger-platform/reference/send-api).
  graph = await startRecordingServer((_call, response) =>
    json(response, 200, { recipient_id: USER, message_id: 'm_1' }),
  );
});
afterEach(() => graph.close());

/** The example on a free port, with Messenger pointed at the fake Graph API and VK set up. */
async function startService() {
  const { example } = startExample(
    'webhook-service.js',
    {
      PORT: '0',
      FACEBOOK_APP_SECRET: APP_SECRET,
      FACEBOOK_VERIFY_TOKEN: 'verify-me-9d2e',
      FACEBOOK_PAGE_TOKEN: PAGE_TOKEN,
      FACEBOOK_API_ROOT: graph.origin,
      VK_CONFIRMATION,
      VK_SECRET,
      VK_ACCESS_TOKEN: 'vk-token-0c52',
    },
    parseLogLine,
  );
  const listening = await example.ready((line) => line.msg === 'listening');
  return { service: example, url: String(listening.url), webhooks: listening.webhooks };
}

/** A Messenger referral event: the user opened m.me/<page>?ref=<data> in a thread that exists. */
function referral(ref: string): string {
  const event = {
    sender: { id: USER },
    recipient: { id: PAGE },
    timestamp: 1527459824,
    referral: { ref, source: 'SHORTLINK', type: 'OPEN_THREAD' },
  };
  return JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: 1527459824000, messaging: [event] }] });
}

function postWebhook(url: string, channel: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/webhooks/${channel}`, { method: 'POST', headers, body });
}

function textMessage(text: string, quickReplies?: string[]) {
  const quick_replies = quickReplies?.map((title) => ({ content_type: 'text', title, payload: title }));
  return {
    recipient: { id: USER },
    messaging_type: 'RESPONSE',
    message: { text, ...(quick_replies && { quick_replies }) },
  };
}

describe('examples/webhook-service.js', () => {
  it('answers a signed Messenger referral through the Send API, refuses a forged one, and stops on SIGTERM', async () => {
    const { service, url, webhooks } = await startService();
    expect(webhooks).toEqual(['/webhooks/facebook', '/webhooks/vk']);

    const body = referral(encodePayload({ variables: { cl_data: 'John Smith 23' } }));
    const signed = await postWebhook(url, 'facebook', body, {
      'x-hub-signature-256': `sha256=${hmacHex(APP_SECRET, body)}`,
    });
    expect([signed.status, await signed.text()]).toEqual([200, 'EVENT_RECEIVED']);
    // The answer comes once the replies are sent, so they are all recorded by now.
    expect(graph.requests.map((call) => [call.method, call.url, call.headers.authorization])).toEqual(
      Array(3).fill(['POST', '/v25.0/me/messages', `Bearer ${PAGE_TOKEN}`]),
    );
    expect(jsonBodies(graph.requests)).toEqual([
      textMessage('Hello, John Smith! Glad to see you again.'),
      textMessage('As a client of 23, you can open a credit line today.', ['Tell me more', 'Not now']),
      textMessage('Have a nice day!'),
    ]);

    const forged = await postWebhook(url, 'facebook', body, {
      'x-hub-signature-256': `sha256=${hmacHex('not-the-app-secret', body)}`,
    });
    expect([forged.status, await forged.text()]).toEqual([401, 'bad signature']);
    expect(graph.requests).toHaveLength(3);

    const confirmation = await postWebhook(
      url,
      'vk',
      JSON.stringify({ type: 'confirmation', group_id: 200000001, secret: VK_SECRET }),
    );
    expect([confirmation.status, await confirmation.text()]).toEqual([200, VK_CONFIRMATION]);

    expect(await service.stop('SIGTERM')).toBe(0);
    expect(service.logs.at(-1)?.msg).toBe('stopped');
    expect(service.logs.filter((line) => line.msg === 'request').map((line) => line.status)).toEqual([
      200, 401, 200,
    ]);
    expect(service.stderr).toBe('');
  });
});
