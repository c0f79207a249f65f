import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type {
  CoverageReport,
  SimulatorSaved,
  SimulatorSent,
  SimulatorStarted,
  SimulatorTurn,
  StudioCases,
  StudioModel,
} from '../../studio/protocol.js';
import { ROOT, runCli } from '../support/cli.js';
import { ExampleCrm } from '../support/crm-server.js';
import { keepScreenshot, openStudioPage, StudioProcess, useBrowser } from '../support/studio.js';
import { useTempFolders } from '../support/temp-folders.js';

const browser = useBrowser();
const temp = useTempFolders('botflow-simulator-');

const ORDER_CASES = 'scripts/order-status.cases.yaml';
const NO_ORDER = 'a client with no order leaves an email after one typo';
const KNOWN = 'a known client from a Telegram link sees the order';

/** A copy of sample scripts (and case files) in a temp folder of the test's own. */
async function copyOf(...names: string[]): Promise<string> {
  const files: Record<string, string> = {};
  for (const name of names) files[name] = await readFile(join(ROOT, 'scripts', name), 'utf8');
  return temp.project(files);
}

/** A script whose every reply calls a service; with SLOW_ECHO's mock, each turn takes a while. */
const ECHO = `botflow: 1
name: echo
start: ask
env: [API_URL]
variables:
  said: ''
blocks:
  ask:
    type: ask
    text: 'Say something.'
    save: said
    next: call
  call:
    type: request
    method: GET
    url: '{{ env.API_URL }}/echo'
    on:
      success: heard
  heard:
    type: message
    text: 'Heard: {{ said }}.'
    next: ask
`;

const SLOW_ECHO = `script: echo.yaml
cases:
  - name: slow
    env: { API_URL: 'http://api.test' }
    http:
      - match: { url: 'http://api.test/echo' }
        respond: { status: 200, delay: 300 }
    steps:
      - bot: 'Say something.'
`;

/** The studio's answer to a case file name it refuses. */
const badName = (dir: string) =>
  `name the case file NAME.cases.yaml, with letters, digits, "_", "." and "-" only and at most 200 characters; it is saved in the script's folder (${dir})`;

/** The node the graph marks as the block the conversation stands in. */
const current = (page: Page) => page.locator('g.node.current').getAttribute('data-id');

async function startFromForm(page: Page, kind: string, value: string): Promise<void> {
  await page.getByLabel('Start from').selectOption({ label: kind });
  await page.getByLabel(kind).fill(value);
  await page.getByRole('button', { name: /^(Start|Restart)$/ }).click();
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
}

describe('the simulator on the page', () => {
  test('a whole conversation with buttons, the graph marking the block it waits in after each turn', async () => {
    const studio = await StudioProcess.start('scripts/lead-capture.yaml');
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Simulator' }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    const status = page.locator('.sim-status');

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => log.textContent()).toContain('Hi! What can we help you with?');
    await expect.poll(() => current(page)).toBe('topic');
    expect(await status.textContent()).toBe('Waiting in topic.');

    await log.getByRole('button', { name: 'Buy a plan' }).click();
    await expect.poll(() => log.textContent()).toContain('What is your name?');
    await expect.poll(() => current(page)).toBe('ask-name');
    // The keyboard of an answered question is gone: only the last message's buttons answer.
    expect(await log.getByRole('button', { name: 'Support' }).count()).toBe(0);

    await say(page, 'Anna');
    await expect.poll(() => current(page)).toBe('how-to-reach');
    // The condition it passed through is on the path, though no turn waited in it.
    expect(await page.locator('g.node.visited[data-id="known-phone"]').count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');

    await log.getByRole('button', { name: 'Email' }).click();
    await expect.poll(() => current(page)).toBe('ask-email');
    await say(page, 'anna@example.com');
    await expect.poll(() => current(page)).toBe('saved');
    await expect.poll(() => status.textContent()).toBe('Ended in saved with result lead.');
    expect(await log.textContent()).toContain('Thank you, Anna! We will be in touch about buy.');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    const variables = page.getByRole('table', { name: 'Variables' });
    expect(await variables.getByRole('row', { name: /^contact / }).textContent()).toBe(
      'contact"anna@example.com"',
    );
    await keepScreenshot(page, 'simulator-lead-capture');

    // Restart: a new conversation, and the path starts over.
    await page.getByRole('button', { name: 'Restart', exact: true }).click();
    await expect.poll(() => current(page)).toBe('topic');
    expect(await page.locator('g.node.visited').count()).toBe(1);
    expect(await log.getByRole('listitem').count()).toBe(1);
  });

  test("a Server Request answered by a case file's mock", async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByLabel('Server Requests').selectOption({ label: `mocks of case: ${NO_ORDER}` });
    await startFromForm(page, 'Payload (JSON)', '{"eId":"7"}');
    const log = page.getByRole('log', { name: 'Conversation' });
    await expect.poll(() => log.textContent()).toContain('You have no open order.');
    await expect.poll(() => current(page)).toBe('ask-email');
    const variables = page.getByRole('table', { name: 'Variables' });
    expect(await variables.getByRole('row', { name: /^response / }).textContent()).toContain('"Anna"');
    await say(page, 'anna@example.com');
    await expect.poll(() => log.textContent()).toContain('Thank you! We will write to anna@example.com.');
    await expect.poll(() => current(page)).toBe('done');
  });

  test("with a case's mocks and nothing typed, the conversation starts as the case does, Restart included", async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByLabel('Server Requests').selectOption({ label: `mocks of case: ${KNOWN}` });
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    await expect.poll(() => log.textContent()).toContain('Your order: Kettle (shipped).');
    await page.getByRole('button', { name: 'Restart', exact: true }).click();
    await expect.poll(() => log.getByRole('listitem').count()).toBe(1);
    expect(await log.textContent()).toContain('Your order: Kettle (shipped).');
  });

  test('the real CRM with --allow-host', async () => {
    const crm = await ExampleCrm.start('crm-token-for-the-simulator');
    try {
      const studio = await StudioProcess.start('scripts/order-status.yaml', [
        '--env',
        `CRM_URL=${crm.url}`,
        '--env',
        'CRM_TOKEN=crm-token-for-the-simulator',
        '--allow-host',
        '127.0.0.1',
        '--payload',
        '{"eId":"42"}',
      ]);
      const page = await openStudioPage(browser(), studio);
      await page.getByRole('tab', { name: 'Simulator' }).click();
      // The command line's start fills the form.
      await expect.poll(() => page.getByLabel('Payload (JSON)').inputValue()).toBe('{"eId":"42"}');
      expect(await page.getByLabel('Server Requests').inputValue()).toBe('');
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      const log = page.getByRole('log', { name: 'Conversation' });
      await expect.poll(() => log.textContent()).toContain('Your order: Kettle (shipped).');
      await expect.poll(() => current(page)).toBe('done');
      expect(await page.locator('.sim-status').textContent()).toBe('Ended in done with result ok.');
      expect(
        await page
          .locator('g.node.visited')
          .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id'))),
      ).toEqual(expect.arrayContaining(['lookup', 'has-order', 'show', 'done']));
    } finally {
      await crm.stop();
    }
  });

  test('"Save as test case" writes a case file that botflow test passes', async () => {
    const dir = await copyOf('lead-capture.yaml');
    const studio = await StudioProcess.start(join(dir, 'lead-capture.yaml'));
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByRole('button', { name: 'Something else' }).click();
    await expect.poll(() => current(page)).toBe('ask-name');
    await say(page, 'J');
    await expect.poll(() => log.textContent()).toContain('Just your name, please');
    await say(page, 'John');
    await log.getByRole('button', { name: 'Phone' }).click();
    await expect.poll(() => current(page)).toBe('ask-phone');
    await page.getByLabel('Case file name').fill('talked.cases.yaml');
    await page.getByRole('button', { name: 'Save as test case' }).click();
    const file = join(dir, 'talked.cases.yaml');
    await expect
      .poll(() => page.locator('.sim-saved').textContent())
      .toBe(`Saved 9 steps to ${file}; botflow test replays it.`);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('script: lead-capture.yaml');
    expect(text).toContain('recorded with botflow studio on');
    const replayed = await runCli(['test', file]);
    expect(replayed.stdout).toContain('1 passed');
    expect(replayed.code).toBe(0);
  });

  test('env values are masked in the variables inspector', async () => {
    const studio = await StudioProcess.start('scripts/lead-capture.yaml', [
      '--env',
      'LEADS_INBOX=leads-inbox@example.com',
    ]);
    const page = await openStudioPage(browser(), studio);
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const log = page.getByRole('log', { name: 'Conversation' });
    await log.getByRole('button', { name: 'Buy a plan' }).click();
    await say(page, 'Anna');
    await log.getByRole('button', { name: 'Email' }).click();
    await say(page, 'leads-inbox@example.com');
    await expect.poll(() => current(page)).toBe('saved');
    const variables = page.getByRole('table', { name: 'Variables' });
    expect(await variables.getByRole('row', { name: /^contact / }).textContent()).toBe('contact"***"');
    expect(await variables.getByRole('row', { name: /^lastMessage / }).textContent()).toBe(
      'lastMessage"***"',
    );
    expect(await page.locator('.side').textContent()).not.toContain('leads-inbox');
    // What the user typed is shown masked too, as `botflow run --json` prints it.
    expect(await page.locator('.sim-user').last().textContent()).toBe('you***');
  });

  test('bad input gives one clear message: broken payload JSON, a save outside the folder, a conversation the script change ended', async () => {
    const dir = await copyOf('lead-capture.yaml');
    const script = join(dir, 'lead-capture.yaml');
    const studio = await StudioProcess.start(script);
    const page = await openStudioPage(browser(), studio, undefined, [400, 404]);
    await page.getByRole('tab', { name: 'Simulator' }).click();
    const panel = page.getByRole('tabpanel', { name: 'Simulator' });
    // The panel's alert above the conversation, and the save form's own beside its button.
    const alert = panel.getByRole('alert').and(page.locator(':not(.sim-save *)'));
    const saveAlert = panel.locator('.sim-save').getByRole('alert');

    await startFromForm(page, 'Payload (JSON)', '{"eId": 42');
    await expect
      .poll(() => alert.textContent())
      .toBe('The payload must be JSON, e.g. {"eId":"42","v":{"city":"Moscow"}}.');
    await startFromForm(page, 'Invitation link', 'https://t.me/shop_bot?start=a%25b');
    await expect.poll(() => alert.textContent()).toMatch(/^link data "a%b" contains "%"/);

    await startFromForm(page, 'Plain id', '');
    await expect.poll(() => current(page)).toBe('topic');
    expect(await alert.count()).toBe(0);
    await page.getByLabel('Case file name').fill('../outside.cases.yaml');
    await page.getByRole('button', { name: 'Save as test case' }).click();
    await expect.poll(() => saveAlert.textContent()).toBe(badName(dir));
    expect(await alert.count()).toBe(0);
    expect(existsSync(join(dir, '..', 'outside.cases.yaml'))).toBe(false);

    const revision = (await studio.call('/api/script')).body as { revision: number };
    await writeFile(script, `${await readFile(script, 'utf8')}\n# changed\n`);
    await expect
      .poll(async () => ((await studio.call('/api/script')).body as { revision: number }).revision)
      .toBeGreaterThan(revision.revision);
    await page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: 'Support' }).click();
    await expect
      .poll(() => alert.textContent())
      .toBe('the script changed since this conversation started; start it again');
    await expect
      .poll(() => page.locator('.sim-status').textContent())
      .toBe('This conversation is gone; Restart to talk to the script as it is now.');
  });
});

/** The studio's API as the page calls it, for the routes' own rules. */
async function start(studio: StudioProcess, body: unknown): Promise<SimulatorStarted> {
  const answer = await studio.call('/api/chat/start', body);
  expect(answer.status).toBe(200);
  return answer.body as SimulatorStarted;
}

async function send(studio: StudioProcess, session: string, text: string): Promise<SimulatorTurn> {
  const answer = await studio.call('/api/chat/send', { session, text });
  expect(answer.status).toBe(200);
  return (answer.body as SimulatorSent).turn;
}

describe('the simulator API', () => {
  test("lists the case files' cases with their user steps, and a case file that does not load by its problem", async () => {
    const dir = await copyOf('order-status.yaml', 'order-status.cases.yaml');
    await writeFile(join(dir, 'broken.cases.yaml'), 'script: order-status.yaml\ncases:\n  - name: 1\n');
    const studio = await StudioProcess.start(join(dir, 'order-status.yaml'), [
      '--cases',
      join(dir, 'order-status.cases.yaml'),
      '--cases',
      join(dir, 'broken.cases.yaml'),
    ]);
    const { status, body } = await studio.call('/api/cases');
    expect(status).toBe(200);
    const { cases, problems } = body as StudioCases;
    expect(cases.map((c) => c.name)).toContain('the CRM is down (timeout)');
    expect(cases.find((c) => c.name === NO_ORDER)).toEqual({
      file: join(dir, 'order-status.cases.yaml'),
      name: NO_ORDER,
      start: { payload: { eId: '7' } },
      steps: ['anna at example', 'anna@example.com'],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(join(dir, 'broken.cases.yaml'));
    expect(problems[0]?.message).toMatch(/broken\.cases\.yaml:3:\d+: error: /);
  });

  test('replays a case as botflow test does: its start, env, mocks and replies; the trace as block and edge ids', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const started = await start(studio, { case: { file: ORDER_CASES, name: NO_ORDER } });
    expect(started.session).toMatch(/^[\w-]{24}$/);
    expect(started.turn).toMatchObject({
      status: 'waiting',
      block: 'ask-email',
      blocks: ['lookup', 'has-order', 'ask-email'],
      edges: ['lookup on.success', 'has-order else'],
      messages: [{ text: expect.stringContaining('What is your email') as string, buttons: [] }],
    });
    // The case's env is masked like any other: its CRM_URL is a secret as far as the bot knows.
    expect(started.turn.variables).toMatchObject({ clientExternalId: '7', channel: 'test' });
    expect(await send(studio, started.session, 'anna at example')).toMatchObject({
      status: 'waiting',
      block: 'ask-email',
      messages: [{ text: 'That does not look like an email, try again.' }],
    });
    const last = await send(studio, started.session, 'anna@example.com');
    expect(last).toMatchObject({
      status: 'ended',
      result: 'ok',
      block: 'done',
      edges: ['ask-email next', 'thanks next'],
    });
    // The trace names edges as the graph does, so the page can mark them.
    const model = (await studio.call('/api/script')).body as StudioModel;
    const edges = new Set(model.edges.map((edge) => edge.id));
    for (const edge of [...started.turn.edges, ...last.edges]) expect(edges).toContain(edge);
    const over = await studio.call('/api/chat/send', { session: started.session, text: 'more' });
    expect(over).toEqual({
      status: 409,
      body: { error: { code: 'studio.conversation-over', message: 'the conversation is over; restart it' } },
    });
  });

  test('a request no mock of the chosen case matches fails the turn', async () => {
    const studio = await StudioProcess.start('scripts/order-status.yaml');
    const started = await start(studio, {
      start: { param: '42' },
      case: { file: ORDER_CASES, name: 'an unknown client (404)' },
    });
    expect(started.turn.status).toBe('error');
    expect(started.turn.diagnostics.at(-1)).toEqual({
      severity: 'error',
      code: 'studio.unmatched-request',
      message: 'an HTTP call matched no mock of the case: GET ***/clients/42',
    });
  });

  test('refuses unknown sessions, cases and links, and saves only new case files in the script’s folder', async () => {
    const dir = await copyOf('order-status.yaml', 'order-status.cases.yaml');
    const cases = join(dir, 'order-status.cases.yaml');
    const studio = await StudioProcess.start(join(dir, 'order-status.yaml'), ['--cases', cases]);
    expect(await studio.call('/api/chat/send', { session: 'no-such-session', text: 'hi' })).toEqual({
      status: 404,
      body: {
        error: { code: 'studio.no-session', message: 'there is no such conversation (any more); start one' },
      },
    });
    expect(
      (await studio.call('/api/chat/start', { case: { file: ORDER_CASES, name: NO_ORDER } })).body,
    ).toEqual({
      error: { code: 'studio.no-case', message: `"${ORDER_CASES}" is not one of the studio's case files` },
    });
    expect((await studio.call('/api/chat/start', { case: { file: cases, name: 'nope' } })).body).toEqual({
      error: { code: 'studio.no-case', message: `${cases} has no case named "nope"` },
    });
    expect((await studio.call('/api/chat/start', { start: { link: 'https://example.com/' } })).status).toBe(
      400,
    );
    expect((await studio.call('/api/chat/start', { channel: 'fax' })).status).toBe(400);

    const { session } = await start(studio, { case: { file: cases, name: NO_ORDER } });
    await send(studio, session, 'anna@example.com');
    for (const file of ['../out.cases.yaml', 'sub/in.cases.yaml', '/tmp/x.cases.yaml', 'notes.yaml']) {
      const refused = await studio.call('/api/chat/save', { session, file });
      expect(refused.status, file).toBe(400);
      expect((refused.body as { error: { code: string } }).error.code).toBe('studio.bad-case-file');
    }
    const existing = await studio.call('/api/chat/save', { session, file: 'order-status.cases.yaml' });
    expect(existing).toEqual({
      status: 409,
      body: {
        error: {
          code: 'studio.case-file-exists',
          message: `${cases} already exists; choose another name`,
        },
      },
    });
    const saved = await studio.call('/api/chat/save', { session, file: 'email.cases.yaml' });
    expect(saved.status).toBe(200);
    expect((saved.body as SimulatorSaved).file).toBe(join(dir, 'email.cases.yaml'));
    // The case's mock answer was recorded, so the case replays without the network.
    const replayed = await runCli(['test', join(dir, 'email.cases.yaml')]);
    expect(replayed.stdout).toContain('1 passed');
    expect(replayed.code).toBe(0);
  });

  test('a case file name is a plain NAME.cases.yaml of at most 200 characters: anything else is a 400 with one sentence', async () => {
    const dir = await copyOf('lead-capture.yaml');
    const studio = await StudioProcess.start(join(dir, 'lead-capture.yaml'));
    const { session } = await start(studio, {});
    const longest = `${'a'.repeat(200 - '.cases.yaml'.length)}.cases.yaml`;
    for (const file of [
      '',
      '.cases.yaml',
      '.hidden.cases.yaml',
      'a\\b.cases.yaml',
      'a\nb.cases.yaml',
      'a\u0000b.cases.yaml',
      'a b.cases.yaml',
      'a.cases.yaml\n',
      `b${longest}`,
    ]) {
      expect(await studio.call('/api/chat/save', { session, file }), JSON.stringify(file)).toEqual({
        status: 400,
        body: {
          error: {
            code: 'studio.bad-case-file',
            message: badName(dir),
          },
        },
      });
    }
    expect(await readdir(dir)).toEqual(['lead-capture.yaml']);
    const saved = await studio.call('/api/chat/save', { session, file: longest });
    expect(saved.status).toBe(200);
    expect(await readdir(dir)).toEqual([longest, 'lead-capture.yaml']);
  });

  test('a save onto a folder says so, and leaves no temporary file', async () => {
    const dir = await copyOf('lead-capture.yaml');
    await mkdir(join(dir, 'taken.cases.yaml'));
    const studio = await StudioProcess.start(join(dir, 'lead-capture.yaml'));
    const { session } = await start(studio, {});
    expect(await studio.call('/api/chat/save', { session, file: 'taken.cases.yaml' })).toEqual({
      status: 409,
      body: {
        error: {
          code: 'studio.cannot-save',
          message: `${join(dir, 'taken.cases.yaml')} is a folder; choose another name`,
        },
      },
    });
    expect(await readdir(dir)).toEqual(['lead-capture.yaml', 'taken.cases.yaml']);
  });

  test('two replies sent at once are taken one after the other: the saved case has each answer after its reply', async () => {
    const dir = await temp.project({ 'echo.yaml': ECHO, 'echo.cases.yaml': SLOW_ECHO });
    const studio = await StudioProcess.start(join(dir, 'echo.yaml'), [
      '--cases',
      join(dir, 'echo.cases.yaml'),
    ]);
    const { session } = await start(studio, { case: { file: join(dir, 'echo.cases.yaml'), name: 'slow' } });
    // Each reply waits for the slow mock: the second arrives while the first turn runs.
    const both = await Promise.all(
      ['one', 'two'].map((text) => studio.call('/api/chat/send', { session, text })),
    );
    expect(both.map((answer) => answer.status)).toEqual([200, 200]);
    expect((await studio.call('/api/chat/save', { session, file: 'both.cases.yaml' })).status).toBe(200);
    const recorded = parse(await readFile(join(dir, 'both.cases.yaml'), 'utf8')) as {
      cases: [{ steps: unknown[] }];
    };
    // Either reply may be taken first; each is followed by the bot's answer to it.
    const { steps } = recorded.cases[0];
    const users = steps.flatMap((step) =>
      typeof step === 'object' && step !== null && 'user' in step ? [step.user] : [],
    );
    expect(users.toSorted()).toEqual(['one', 'two']);
    expect(steps).toEqual([
      { bot: 'Say something.' },
      ...users.flatMap((user) => [{ user }, { bot: `Heard: ${String(user)}.` }, { bot: 'Say something.' }]),
    ]);
    const replayed = await runCli(['test', join(dir, 'both.cases.yaml')]);
    expect(replayed.stdout).toContain('1 passed');
  });

  test('a saved case file joins the case list and coverage at once', async () => {
    const dir = await copyOf('lead-capture.yaml');
    const studio = await StudioProcess.start(join(dir, 'lead-capture.yaml'));
    expect((await studio.call('/api/cases')).body).toEqual({ cases: [], problems: [] });
    const { session } = await start(studio, {});
    await send(studio, session, 'Support');
    const saved = (await studio.call('/api/chat/save', { session, file: 'support.cases.yaml' }))
      .body as SimulatorSaved;
    const { cases } = (await studio.call('/api/cases')).body as StudioCases;
    expect(cases).toEqual([expect.objectContaining({ file: saved.file, steps: ['Support'] })]);
    const report = (await studio.call('/api/coverage', {})).body as CoverageReport;
    expect(report.files).toEqual([{ file: saved.file, problems: [] }]);
    expect(report).toMatchObject({ passed: 1, failed: 0 });
    expect(report.reached.blocks).toEqual(['topic', 'support']);
  });

  test('keeps the last 20 conversations: a 21st drops the oldest', async () => {
    const studio = await StudioProcess.start('scripts/lead-capture.yaml');
    const sessions: string[] = [];
    for (let i = 0; i < 21; i++) sessions.push((await start(studio, {})).session);
    expect(new Set(sessions).size).toBe(21);
    expect((await studio.call('/api/chat/send', { session: sessions[0], text: 'Support' })).status).toBe(404);
    expect((await send(studio, sessions[1] ?? '', 'Support')).result).toBe('support');
  });
});
