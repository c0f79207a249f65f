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
    }
  | { readonly kind: 'timeout' | 'network' | 'refused'; readonly message: string };

export interface HttpClient {
  send(request: HttpRequest, signal: AbortSignal): Promise<HttpOutcome>;
}
