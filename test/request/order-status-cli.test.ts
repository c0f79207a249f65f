import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { ExampleCrm } from '../support/crm-server.js';

const SCRIPT = 'scripts/order-status.yaml';
const TOKEN = 'crm-secret-token-1234';

interface Report {
  turns: { user: string | null; messages: { text: string }[] }[];
  status: string;
  block: string;
  variables: Record<string, unknown>;
  result: string | null;
  diagnostics: { severity: string; code: string; message: string }[];
}

let crm: ExampleCrm | undefined;
let port: number;

async function startCrm(): Promise<void> {
  crm = await ExampleCrm.start(TOKEN);
  port = crm.port;
}

async function stopCrm(): Promise<void> {
  await crm?.stop();
  crm = undefined;
}

beforeAll(startCrm);
afterAll(stopCrm);

async function run(...extra: string[]): Promise<{ code: number; report: Report; raw: string }> {
  const result = await runCli(['run', SCRIPT, ...extra, '--json']);
  expect(result.stderr).toBe('');
  return { code: result.code, report: JSON.parse(result.stdout) as Report, raw: result.stdout };
}

const crmOptions = () => ['--env', `CRM_URL=http://127.0.0.1:${port}`, '--env', `CRM_TOKEN=${TOKEN}`];

describe('botflow run scripts/order-status.yaml against examples/crm-server.js', () => {
  it('shows the order of client 42', async () => {
    const { code, report, raw } = await run(
      '--payload',
      '{"eId":"42"}',
      ...crmOptions(),
      '--allow-host',
      '127.0.0.1',
    );
    expect(code).toBe(0);
    expect(report.turns).toEqual([{ user: null, messages: [{ text: 'Your order: Kettle (shipped).' }] }]);
    expect(report).toMatchObject({ status: 'ended', block: 'done', result: 'ok', diagnostics: [] });
    expect(report.variables).toMatchObject({ product: 'Kettle', status: 'shipped', clientExternalId: '42' });
    expect(raw).not.toContain(TOKEN);
  });

  it('asks for an email when client 7 has no order, and an unknown client ends as unknown', async () => {
    const base = [...crmOptions(), '--allow-host', '127.0.0.1'];
    const none = await run('--payload', '{"eId":"7"}', ...base, '--say', 'anna@example.com');
    expect(none.report.turns.map((turn) => turn.messages.map((m) => m.text))).toEqual([
      ['You have no open order. What is your email, so we can send you our offers?'],
      ['Thank you! We will write to anna@example.com.'],
    ]);
    expect(none.report.result).toBe('ok');

    const unknown = await run('--payload', '{"eId":"1000"}', ...base);
    expect(unknown.report.result).toBe('unknown');
    expect(unknown.report.turns[0]?.messages).toEqual([{ text: 'Sorry, we could not find you.' }]);
    expect(unknown.report.diagnostics.map((d) => d.code)).toEqual(['request.status']);
  });

  it('a wrong token is a 401: an error, routed to the CRM-down branch', async () => {
    const { report } = await run(
      '--payload',
      '{"eId":"42"}',
      '--env',
      `CRM_URL=http://127.0.0.1:${port}`,
      '--env',
      'CRM_TOKEN=wrong-token',
      '--allow-host',
      '127.0.0.1',
    );
    expect(report.result).toBe('error');
    expect(report.turns[0]?.messages).toEqual([{ text: 'Sorry, try later.' }]);
    expect(report.diagnostics[0]?.message).toContain('the server answered 401');
  });

  it('without --allow-host the request is refused: the CRM-down branch', async () => {
    const { code, report, raw } = await run('--payload', '{"eId":"42"}', ...crmOptions());
    expect(code).toBe(0);
    expect(report).toMatchObject({ status: 'ended', block: 'crm-down', result: 'error' });
    expect(report.turns[0]?.messages).toEqual([{ text: 'Sorry, try later.' }]);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'request.limit' });
    expect(report.diagnostics[0]?.message).toContain('127.0.0.1 is a private or local address');
    expect(raw).not.toContain(TOKEN);
  });

  it('with the CRM stopped: retried, then the CRM-down branch', async () => {
    await stopCrm();
    const started = Date.now();
    const { report } = await run('--payload', '{"eId":"42"}', ...crmOptions(), '--allow-host', '127.0.0.1');
    expect(report).toMatchObject({ status: 'ended', block: 'crm-down', result: 'error' });
    expect(report.turns[0]?.messages).toEqual([{ text: 'Sorry, try later.' }]);
    expect(report.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'request.network' });
    expect(report.diagnostics[0]?.message).toContain('ECONNREFUSED');
    // Three attempts, with backoffs of about 300 ms and 600 ms (jittered to at least half).
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});
