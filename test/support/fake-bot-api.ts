import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Update, UserFromGetMe } from 'grammy/types';
import {
  json,
  startRecordingServer,
  type RecordedRequest,
  type RecordingServer,
} from './recording-server.js';

export const TOKEN = '123456789:AAHtestSecretTokenPart_0123456789abcd';

export const BOT_INFO: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: 'Shop',
  username: 'shop_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** A call the bot made: the method and its JSON parameters. */
export interface ApiCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/** How long an empty getUpdates waits for an update before answering `[]`. */
const POLL_WAIT_MS = 100;

/**
 * A Bot API server on 127.0.0.1 (core.telegram.org/bots/api#making-requests), a recording server
 * scripted with the methods a botflow bot calls, answered the way Telegram does. The real grammY
 * talks to it over HTTP. Tests queue updates and wait for calls.
 */
export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  /** When set, the connection of a `sendMessage` is dropped, as a network failure would. */
  dropSendMessage = false;
  private readonly updates: Update[] = [];
  private readonly changes = new EventEmitter();

  private server: RecordingServer | undefined;

  /** The root URL to give grammY as `apiRoot`. */
  get apiRoot(): string {
    if (!this.server) throw new Error('the fake Bot API has not started');
    return this.server.origin;
  }

  static async start(): Promise<FakeBotApi> {
    const api = new FakeBotApi();
    api.server = await startRecordingServer((request, response) => api.answer(request, response));
    return api;
  }

  /** Queues an update for getUpdates. */
  push(update: Update): void {
    this.updates.push(update);
    this.changes.emit('change');
  }

  /** The parameters of every call of `method`, in order. */
  callsOf(method: string): Record<string, unknown>[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.params);
  }

  /** Resolves with the calls of `method` once there are `count` of them. */
  async waitFor(method: string, count: number): Promise<Record<string, unknown>[]> {
    await this.until(() => this.callsOf(method).length >= count);
    return this.callsOf(method);
  }

  /**
   * Resolves once a getUpdates call from `since` on (an index into `calls`) has confirmed
   * `updateId`, by asking for the updates after it: a polling bot has handled it.
   */
  async confirmed(updateId: number, since = 0): Promise<void> {
    const offsetPast = (call: ApiCall) =>
      call.method === 'getUpdates' && typeof call.params.offset === 'number' && call.params.offset > updateId;
    await this.until(() => this.calls.slice(since).some(offsetPast));
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  private until(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.changes.off('change', check);
        resolve();
      };
      this.changes.on('change', check);
      check();
    });
  }

  private async answer(request: RecordedRequest, response: ServerResponse): Promise<undefined> {
    const [, token, method = ''] = /^\/bot([^/]+)\/(\w+)$/.exec(request.url) ?? [];
    if (token !== TOKEN) {
      reply(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const params = (request.body === '' ? {} : JSON.parse(request.body)) as Record<string, unknown>;
    if (method === 'sendMessage' && this.dropSendMessage) {
      response.destroy();
      return;
    }
    const result = await this.result(method, params);
    // Recorded after getUpdates has waited, so a test sees calls in the order they were answered.
    this.calls.push({ method, params });
    this.changes.emit('change');
    if (result === undefined) {
      reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    } else {
      reply(response, 200, { ok: true, result });
    }
  }

  private async result(method: string, params: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return BOT_INFO;
      case 'deleteWebhook':
      case 'setWebhook':
      case 'answerCallbackQuery':
        return true;
      case 'sendMessage':
        return {
          message_id: this.calls.length + 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: params.chat_id, type: 'private' },
          text: params.text,
        };
      case 'getUpdates':
        return this.getUpdates(params);
      default:
        return undefined;
    }
  }

  /**
   * Updates from `offset` on (older ones are confirmed and dropped). With none, a long poll waits
   * for the next change, but briefly, so a polling bot's `stop()` is never held up for long.
   */
  private async getUpdates(params: Record<string, unknown>): Promise<Update[]> {
    const offset = typeof params.offset === 'number' ? params.offset : 0;
    const limit = typeof params.limit === 'number' ? params.limit : 100;
    const pending = () => this.updates.filter((update) => update.update_id >= offset);
    if (pending().length === 0 && typeof params.timeout === 'number' && params.timeout > 0) {
      await this.nextChange(POLL_WAIT_MS);
    }
    this.updates.splice(0, this.updates.length, ...pending());
    return this.updates.slice(0, limit);
  }

  private nextChange(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changes.off('change', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.changes.on('change', done);
    });
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (!response.destroyed) json(response, status, body);
}
