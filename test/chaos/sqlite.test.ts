import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';
import { ServeProcess } from '../support/serve-process.js';
import { useTempFolders } from '../support/temp-folders.js';

const COLLECTOR = 'test/fixtures/serve/collector.yaml';

const temp = useTempFolders('botflow-chaos-');

describe('serve on SQLite killed under load', () => {
  it('keeps every acknowledged message after SIGKILL and a restart', { timeout: 90_000 }, async () => {
    const store = ['--store', `sqlite:${join(temp.root, 'sessions.db')}`];
    let serving = await ServeProcess.start(COLLECTOR, store);
    const keys = Array.from({ length: 12 }, (_, i) => `kill${i}`);
    for (const key of keys) expect((await serving.post(`/conversations/${key}/start`, {})).status).toBe(200);

    const ledger = new Ledger();
    for (let round = 0; round < 2; round++) {
      let running = true;
      const load = ledger.sendAll(
        keys,
        () => serving,
        () => running,
        `r${round}m`,
      );
      await sleep(1500);
      running = false;
      // Killed with turns in flight: those get no answer, and may or may not have been stored.
      await serving.stop('SIGKILL');
      await load;
      serving = await ServeProcess.start(COLLECTOR, store);
    }

    for (const key of keys) {
      const { body } = await serving.get(`/conversations/${key}`);
      ledger.expectLogMatches(key, (body.variables as { log: string }).log);
    }
    expect(ledger.counts().applied, JSON.stringify(ledger.counts())).toBeGreaterThan(keys.length * 4);
    expect(await serving.stop()).toBe(0);
  });
});
