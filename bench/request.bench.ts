import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import axios from 'axios';
import { createBot, createHttpClient, MemoryStore, parseScript } from '../engine/index.js';
import type { Comparison } from './harness.js';

const SCRIPT = `
botflow: 1
name: lookup
env: [CRM_URL]
variables: { product: "" }
blocks:
  lookup:
    type: request
    url: "{{ env.CRM_URL }}/clients/{{ clientExternalId }}"
    save: { product: body.order.product }
    next: show
  show: { type: message, text: "Your order: {{ product }}", next: done }
  done: { type: end, result: ok }
`;

/** The example CRM in its own process, so its work does not count as the engine's. */
export async function startCrm(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['examples/crm-server.js', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await once(child.stdout as NodeJS.ReadableStream, 'data');
  return child;
}

export function requestBot(crmUrl: string) {
  return createBot({
    script: parseScript(SCRIPT, 'lookup.yaml'),
    store: new MemoryStore(),
    env: { CRM_URL: crmUrl },
    http: createHttpClient({ allowHosts: ['127.0.0.1'] }),
  });
}

/** One conversation doing one Server Request, against a bare axios GET of the same URL. */
export function requestBenchmarks(crmUrl: string): Comparison[] {
  const bot = requestBot(crmUrl);
  const client = axios.create({ httpAgent: new http.Agent({ keepAlive: true }) });
  return [
    {
      name: 'conversation with one Server Request',
      subject: () => bot.start('k', { payload: { eId: '42' } }),
      baselineName: 'bare axios GET, same URL',
      baseline: () => client.get(`${crmUrl}/clients/42`),
    },
  ];
}

/** 1,000 conversations at once, each doing one request: total time, turn latency, peak memory. */
export async function concurrentRequests(crmUrl: string, count = 1000): Promise<string> {
  const bot = requestBot(crmUrl);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const begin = performance.now();
      const turn = await bot.start(`user-${i}`, { payload: { eId: i % 2 === 0 ? '42' : '7' } });
      if (turn.status !== 'ended') throw new Error(`conversation ${i} ended ${turn.status}`);
      return performance.now() - begin;
    }),
  );
  const total = performance.now() - started;
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  return `${count} concurrent conversations, one request each: ${total.toFixed(0)} ms in all, turn p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`;
}
