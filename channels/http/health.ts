import { healthAnswer } from './answers.js';
import { jsonAnswer } from './docs.js';
import { toHttpError } from './errors.js';
import { jsonReply } from './reply.js';
import type { Route } from './routes.js';

/**
 * `GET /health`: 200 while `check` resolves (without a check the server being up is all there is
 * to say), 503 when it rejects. The route is open to anyone, so the reason is told as an API error
 * is (`store.unavailable` without the store's address); the full error goes to the log.
 */
export function healthRoute(check: () => Promise<unknown>, redact: <T>(value: T) => T): Route {
  return {
    pattern: '/health',
    guarded: false,
    methods: {
      GET: async () => {
        try {
          await check();
          return jsonReply(200, { status: 'ok' });
        } catch (failure) {
          const { code, message } = toHttpError(failure, redact);
          return { ...jsonReply(503, { status: 'unavailable', error: { code, message } }), failure };
        }
      },
    },
    doc: {
      operations: {
        GET: {
          summary: 'Whether the server and its store answer',
          tag: 'server',
          answers: {
            200: jsonAnswer('the server is up and its store answers', healthAnswer),
            503: jsonAnswer('the store does not answer (`store.unavailable`)', healthAnswer),
          },
        },
      },
    },
  };
}
