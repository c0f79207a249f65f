/** What a Server Request block asks the HTTP client for (templates already rendered). */
export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON body (already a value) or a URL-encoded form, or neither. */
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retry: { readonly attempts: number; readonly backoffMs: number; readonly on: readonly string[] };
}

/** The outcome of a request: an answer with a status, or a failure with its kind. */
export type HttpOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: unknown;
      /** Why the body was left out (`''`), for an answer outside 2xx whose body is over the size cap. */
      readonly bodyLeftOut?: string;
    }
  /**
   * A failure: no answer in time, no connection, or a limit of ours (a refused address, an answer
   * over the size cap, too many redirects).
   */
  | { readonly kind: 'timeout' | 'network' | 'limit'; readonly message: string };

/** The outcome names a result answers to, most specific first (docs/script-language.md, "request"). */
export function outcomeNames(outcome: HttpOutcome): string[] {
  if (outcome.kind !== 'response') return [outcome.kind, 'error'];
  const status = String(outcome.status);
  const names = [status, `${status.charAt(0)}xx`];
  return outcome.status >= 200 && outcome.status < 300 ? [...names, 'success'] : [...names, 'error'];
}

export interface HttpClient {
  send(request: HttpRequest, signal: AbortSignal): Promise<HttpOutcome>;
}
