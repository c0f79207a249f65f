import { SCRIPT_EVENT, TOKEN_HEADER, type StudioModel } from '../protocol.js';
import type { JsonSchema } from './json-schema.js';

/** A failed API call, with the server's one-sentence message and its whole answer (for the fields beside `error`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The studio's API, with this run's token (from the page's URL) on every call. */
export class Api {
  private schemaAnswer: Promise<JsonSchema> | undefined;

  constructor(private readonly token: string) {}

  /** The script format's JSON Schema, asked for once: the form and the YAML pane's completion share it. */
  schema(): Promise<JsonSchema> {
    return (this.schemaAnswer ??= this.get<JsonSchema>('/api/schema'));
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>(path, { method: 'GET' });
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /**
   * The script now and after each change on disk; EventSource reconnects by itself. `connected`
   * says when the stream drops (the studio stopped) and when it is back.
   */
  onScript(listener: (model: StudioModel) => void, connected: (up: boolean) => void): EventSource {
    const source = new EventSource(`/api/events?token=${encodeURIComponent(this.token)}`);
    source.addEventListener(SCRIPT_EVENT, (event) => {
      connected(true);
      listener(JSON.parse((event as MessageEvent<string>).data) as StudioModel);
    });
    source.addEventListener('error', () => {
      connected(false);
    });
    return source;
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const response = await fetch(path, {
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), [TOKEN_HEADER]: this.token },
    });
    const value = (await response.json().catch(() => undefined)) as
      { error?: { message?: string } } | undefined;
    if (!response.ok) {
      throw new ApiError(
        response.status,
        value?.error?.message ?? `the studio answered ${response.status}`,
        value,
      );
    }
    return value as T;
  }
}
