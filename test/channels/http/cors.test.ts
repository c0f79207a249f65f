import { describe, expect, it } from 'vitest';
import { corsOrigin } from '../../../channels/http/cors.js';
import { createBotServer } from '../../../channels/http/index.js';
import { createBot, MemoryStore } from '../../../engine/index.js';
import { PLANS, startApi } from '../../support/json-api.js';
import { errorOf } from './helpers.js';

const CHAT = 'http://chat.example.com:8080';
const OTHER = 'https://evil.example.com';

const preflight = (origin: string) => ({
  Origin: origin,
  'Access-Control-Request-Method': 'POST',
  'Access-Control-Request-Headers': 'authorization, content-type',
});

describe('CORS', () => {
  it('lets a listed origin read the answers, with their request id', async () => {
    const api = await startApi({ cors: [CHAT], apiToken: 'secret' });
    for (const path of ['/health', '/conversations/web%3A1']) {
      const answer = await api.call('GET', path, undefined, { Origin: CHAT });
      expect(answer.headers.get('access-control-allow-origin')).toBe(CHAT);
      expect(answer.headers.get('access-control-expose-headers')).toBe('X-Request-Id');
      expect(answer.headers.get('vary')).toBe('Origin');
    }
    // The page reads a refusal too: 401 without the token.
    expect((await api.call('GET', '/conversations/web%3A1', undefined, { Origin: CHAT })).status).toBe(401);
  });

  it('gives any other origin no CORS header, only Vary', async () => {
    const api = await startApi({ cors: [CHAT] });
    for (const origin of [OTHER, 'http://chat.example.com', `${CHAT}/`]) {
      const answer = await api.call('GET', '/health', undefined, { Origin: origin });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-expose-headers')).toBeNull();
      expect(answer.headers.get('vary')).toBe('Origin');
    }
  });

  it('adds nothing when no origin is listed', async () => {
    const api = await startApi();
    const answer = await api.call('GET', '/health', undefined, { Origin: CHAT });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('vary')).toBeNull();
    const refused = await api.call('OPTIONS', '/conversations/web%3A1/start', undefined, preflight(CHAT));
    expect(await errorOf(refused)).toMatchObject({ status: 403, code: 'http.origin-not-allowed' });
  });

  it('answers a listed origin’s preflight with the route’s methods, before and without the token', async () => {
    const api = await startApi({ cors: [OTHER, CHAT], apiToken: 'secret' });
    const answer = await api.call('OPTIONS', '/conversations/web%3A1/start', undefined, preflight(CHAT));
    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe('');
    expect(Object.fromEntries(answer.headers)).toMatchObject({
      'access-control-allow-origin': CHAT,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    const webhook = await api.call('OPTIONS', '/webhooks/vk', undefined, preflight(OTHER));
    expect(webhook.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const unknown = await api.call('OPTIONS', '/nowhere', undefined, preflight(CHAT));
    expect(unknown.status).toBe(404);
  });

  it('refuses a preflight from an origin not listed, and takes a bare OPTIONS as a method', async () => {
    const api = await startApi({ cors: [CHAT] });
    const refused = await api.call('OPTIONS', '/conversations/web%3A1/start', undefined, preflight(OTHER));
    expect(await errorOf(refused)).toMatchObject({ status: 403, code: 'http.origin-not-allowed' });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const bare = await api.call('OPTIONS', '/conversations/web%3A1/start');
    expect(await errorOf(bare)).toMatchObject({ status: 405, code: 'http.method-not-allowed' });
  });

  it('takes origins as browsers send them and refuses anything else in one sentence', () => {
    expect(corsOrigin('https://chat.example.com')).toBe('https://chat.example.com');
    expect(corsOrigin('https://chat.example.com/')).toBe('https://chat.example.com');
    expect(corsOrigin('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
    const bot = createBot({ script: PLANS, store: new MemoryStore() });
    for (const bad of [
      '*',
      'null',
      'chat.example.com',
      'https://chat.example.com/app',
      'https://chat.example.com/?x=1',
      'https://user@chat.example.com',
      'https://Chat.example.com',
      'https://chat.example.com:443',
      'ftp://chat.example.com',
      'http://*.example.com',
      'http://a_b.com',
      'http://x.com:0',
    ]) {
      let thrown: unknown;
      try {
        createBotServer({ bot, cors: [bad] });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, bad).toMatchObject({ code: 'http.bad-origin' });
      expect((thrown as Error).message).toMatch(/^a CORS origin is [^\n]+$/);
    }
  });
});
