import { reportingStore, type SessionStore } from '../../engine/index.js';
import { errorForLog, type Logger } from '../../channels/log.js';

/** How often `serve --purge-ended-after` purges again after its first purge at start. */
export const PURGE_EVERY_MS = 3_600_000;

/**
 * Deletes ended (and error) conversations last updated more than `ageMs` ago: once now, then
 * every hour, on a timer that does not keep the process alive. A purge that fails is logged and
 * tried again at the next hour. Returns what stops it.
 */
export function keepEndedFor(store: SessionStore, ageMs: number, log: Logger): () => void {
  const reporting = reportingStore(store);
  const purge = () => {
    const before = Date.now() - ageMs;
    reporting.purgeEnded(before).then(
      (purged) => {
        log.info({ purged, before: new Date(before).toISOString() }, 'purged ended conversations');
      },
      (error: unknown) => {
        log.error({ error: errorForLog(error, (value) => value) }, 'purging ended conversations failed');
      },
    );
  };
  purge();
  const timer = setInterval(purge, PURGE_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
