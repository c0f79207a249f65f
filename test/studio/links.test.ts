import { readFile } from 'node:fs/promises';
import jsqr from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../channels/index.js';
import { ID_ADVICE, PAYLOAD_ADVICE, signData } from '../../engine/index.js';
import { runCli } from '../support/cli.js';
import { keepScreenshot, openStudioPage, StudioProcess, useBrowser } from '../support/studio.js';

const browser = useBrowser();
const SCRIPT = 'scripts/order-status.yaml';
const BOT = 'MyCoolBot';

/**
 * The source document's four vectors, each as `botflow link` flags, the API's body, the page's
 * fields, and its data and costliest field: the only one, whose removal leaves `{}` (3 characters), or
 * for a variable `{"v":{}}` (11).
 */
const VECTORS = [
  {
    flags: ['--email', 'email@gmail.com'],
    body: { email: 'email@gmail.com' },
    fields: { Email: 'email@gmail.com' },
    data: 'eyJlIjoiZW1haWxAZ21haWwuY29tIn0',
    field: 'e',
    saving: 28,
  },
  {
    flags: ['--phone', '79000000000'],
    body: { phone: '79000000000' },
    fields: { Phone: '79000000000' },
    data: 'eyJwIjoiNzkwMDAwMDAwMDAifQ',
    field: 'p',
    saving: 23,
  },
  {
    flags: ['--id', 'externalId'],
    body: { id: 'externalId' },
    fields: { 'External id': 'externalId' },
    data: 'eyJlSWQiOiJleHRlcm5hbElkIn0',
    field: 'eId',
    saving: 24,
  },
  {
    flags: ['--var', 'city=Moscow'],
    body: { variables: { city: 'Moscow' } },
    fields: {},
    variables: [['city', 'Moscow']],
    data: 'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0',
    field: 'v.city',
    saving: 20,
  },
] as const;

const OVER_BUDGET = { stage_name: '1.First stage', city: 'Moscow' };

/** What `botflow link` prints for the same input: the link, or its one-sentence refusal. */
async function cliLink(args: readonly string[]): Promise<string> {
  const result = await runCli(['link', ...args]);
  return result.code === 0 ? result.stdout.trimEnd() : result.stderr.replace(/^botflow: /, '').trimEnd();
}

async function openLinkTab(studio: StudioProcess): Promise<Page> {
  // A 422 is the builder refusing what was typed, which the page shows: no page error.
  const page = await openStudioPage(browser(), studio, undefined, [422]);
  await page.getByRole('tab', { name: 'Link' }).click();
  return page;
}

/** The Link tab's panel: the simulator has fields of the same names in its own. */
const inTab = (page: Page) => page.getByRole('tabpanel', { name: 'Link' });
const field = (page: Page, label: string) => inTab(page).getByLabel(label, { exact: true });
const linkOnPage = (page: Page) => field(page, 'Link to share').inputValue();

/** Fills the builder as a designer would: every client field, blank unless given, and variable rows. */
async function fillBuilder(
  page: Page,
  fields: Readonly<Record<string, string>>,
  variables: readonly (readonly [string, string])[] = [],
): Promise<void> {
  for (const label of ['Phone', 'Email', 'External id']) await field(page, label).fill(fields[label] ?? '');
  for (const [index, [name, value]] of variables.entries()) {
    await inTab(page).getByRole('button', { name: 'Add variable' }).click();
    await field(page, `Variable ${index + 1} name`).fill(name);
    await field(page, `Variable ${index + 1} value`).fill(value);
  }
}

/** The QR code an image holds, read by a real decoder. */
function readQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  // jsqr is CommonJS: its function is the module's `default`.
  return jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe('the link builder’s API', () => {
  it('builds the source vectors exactly as botflow link does, with the budget measured', async () => {
    const [studio, ...printed] = await Promise.all([
      StudioProcess.start(SCRIPT),
      ...VECTORS.map((vector) => cliLink(['telegram', BOT, ...vector.flags])),
    ]);
    for (const [index, vector] of VECTORS.entries()) {
      const answer = await studio.call('/api/link', { channel: 'telegram', name: BOT, ...vector.body });
      const expected = printed[index];
      expect(expected).toBe(`https://t.me/${BOT}?start=${vector.data}`);
      expect(answer).toEqual({
        status: 200,
        body: {
          link: expected,
          data: vector.data,
          length: vector.data.length,
          limit: 64,
          costliest: { field: vector.field, saving: vector.saving },
        },
      });
    }
    const raw = await studio.call('/api/link', { channel: 'telegram', name: BOT, raw: '1234567' });
    expect(raw).toEqual({
      status: 200,
      body: { link: `https://t.me/${BOT}?start=1234567`, data: '1234567', length: 7, limit: 64 },
    });
    expect(await cliLink(['telegram', BOT, '--raw', '1234567'])).toBe(`https://t.me/${BOT}?start=1234567`);
  });

  it('over the budget because of an email, the advice is to carry an id, as botflow link says', async () => {
    const studio = await StudioProcess.start(SCRIPT);
    const email = 'a.very.long.address.indeed@example-company.com';
    const { status, body } = await studio.call('/api/link', { channel: 'telegram', name: BOT, email });
    expect(status).toBe(422);
    expect(body).toMatchObject({ costliest: { field: 'e' }, advice: ID_ADVICE });
    expect(await cliLink(['telegram', BOT, '--email', email])).toContain(ID_ADVICE);
  });

  it('refuses a payload over the budget with its measure, the costliest field and botflow link’s advice', async () => {
    const studio = await StudioProcess.start(SCRIPT);
    const { status, body } = await studio.call('/api/link', {
      channel: 'telegram',
      name: BOT,
      variables: OVER_BUDGET,
    });
    const refusal = await cliLink([
      'telegram',
      BOT,
      '--var',
      'stage_name=1.First stage',
      '--var',
      'city=Moscow',
    ]);
    expect(status).toBe(422);
    // The command line adds its way past the limit, a store for a start token; the studio has none.
    const [engineWords = '', storeAdvice] = refusal.split('; or keep the payload in the bot’s store');
    expect(storeAdvice).toContain('--store sqlite:PATH');
    expect(body).toEqual({
      error: { code: 'payload.too-long', message: engineWords },
      data: expect.stringMatching(/^eyJ2Ijp7/) as unknown,
      length: 70,
      limit: 64,
      costliest: { field: 'v.stage_name', saving: 39 },
      advice: PAYLOAD_ADVICE,
    });
    expect(refusal).toContain(PAYLOAD_ADVICE);
  });

  it('refuses a bad name or channel in botflow link’s words, still measuring the data', async () => {
    const studio = await StudioProcess.start(SCRIPT);
    const inputs = [
      ['telegram', 'shop'],
      ['signal', BOT],
      ['whatsapp', '0123'],
    ] as const;
    const printed = await Promise.all(
      inputs.map(([channel, name]) => cliLink([channel, name, '--email', 'email@gmail.com'])),
    );
    for (const [index, [channel, name]] of inputs.entries()) {
      const { status, body } = await studio.call('/api/link', { channel, name, email: 'email@gmail.com' });
      expect(status).toBe(422);
      expect(body).toMatchObject({
        error: {
          code: 'studio.bad-link',
          message: printed[index],
        },
        data: 'eyJlIjoiZW1haWxAZ21haWwuY29tIn0',
        length: 31,
      });
    }
  });

  it('refuses __proto__, oversize fields and bodies cleanly, with one sentence each', async () => {
    const studio = await StudioProcess.start(SCRIPT);
    const refused = async (body: unknown) => {
      const answer = (await studio.call('/api/link', body)) as {
        status: number;
        body: { error: { message: string } };
      };
      expect(answer.body.error.message).not.toMatch(/\n|\bat \S+:\d+/);
      return answer;
    };
    // A top-level __proto__ is an unknown field; as a variable name, the payload rules refuse it as the CLI does.
    const topLevel = await refused(
      JSON.parse(`{"channel":"telegram","name":"${BOT}","__proto__":{"raw":"x"}}`),
    );
    expect(topLevel).toMatchObject({ status: 400, body: { error: { code: 'http.invalid-body' } } });
    const variable = await refused(
      JSON.parse(`{"channel":"telegram","name":"${BOT}","variables":{"__proto__":"x"}}`),
    );
    expect(variable).toMatchObject({
      status: 422,
      body: {
        error: {
          code: 'payload.forbidden-key',
          message: await cliLink(['telegram', BOT, '--var', '__proto__=x']),
        },
      },
    });
    expect(await refused({ channel: 'telegram', name: 'x'.repeat(5000), raw: '1' })).toMatchObject({
      status: 400,
      body: {
        error: { code: 'http.invalid-body', message: 'the field "name" is longer than 1024 characters' },
      },
    });
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`v${i}`, '1']));
    expect(await refused({ channel: 'telegram', name: BOT, variables: many })).toMatchObject({
      status: 400,
      body: { error: { code: 'http.invalid-body' } },
    });
    expect(await refused({ channel: 'telegram', name: BOT, raw: 'x'.repeat(70 * 1024) })).toMatchObject({
      status: 413,
      body: { error: { code: 'http.body-too-large' } },
    });
    expect(await refused({ channel: 'telegram', name: BOT, raw: '1', id: '2' })).toMatchObject({
      status: 422,
      body: { error: { code: 'studio.bad-link' } },
    });
  });

  it('decodes a link or its data as botflow decode does', async () => {
    const inputs = [
      'https://t.me/bot_name?start=eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0',
      'http://m.me/my.page?ref=1234567',
      'eyJ5IjoxfQ', // looks encoded, but has an unknown key: a plain id and an error diagnostic
    ];
    const [studio, ...printed] = await Promise.all([
      StudioProcess.start(SCRIPT),
      ...inputs.map((input) => runCli(['decode', input, '--json'])),
    ]);
    for (const [index, input] of inputs.entries()) {
      // `kind` (token, payload, id) is the command line's: the studio's page tells it by the payload shown.
      const cli = JSON.parse(printed[index]?.stdout ?? '') as Record<string, unknown>;
      delete cli.kind;
      const { status, body } = await studio.call('/api/decode', { link: input });
      expect(status).toBe(200);
      expect(body).toMatchObject(cli);
    }
    const unknown = await studio.call('/api/decode', { link: 'https://example.com/x' });
    expect(unknown).toEqual({
      status: 422,
      body: {
        error: {
          code: 'studio.bad-link',
          message: (await runCli(['decode', 'https://example.com/x'])).stderr
            .replace(/^botflow: /, '')
            .trimEnd(),
        },
      },
    });
    expect(await studio.call('/api/decode', { data: '1234567', channel: 'vk' })).toMatchObject({
      status: 200,
      body: { channel: 'vk', variables: { clientExternalId: '1234567' } },
    });
  });

  it('checks a signed link with the secret the studio was started with', async () => {
    const secret = 'studio-link-secret-0123456789abcdef';
    const signed = signData('1234568', [secret]);
    const studio = await StudioProcess.start(SCRIPT, [], { env: { BOTFLOW_LINK_SECRET: secret } });
    expect(await studio.call('/api/decode', { data: signed })).toMatchObject({
      status: 200,
      body: { signature: 'valid', linkVerified: true, variables: { clientExternalId: '1234568' } },
    });
    expect(
      await studio.call('/api/decode', { data: `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}` }),
    ).toMatchObject({
      status: 200,
      body: { signature: 'invalid', linkVerified: false, variables: {} },
    });
  });
});

/** A real browser and the real CLI side by side, on two shared cores. */
describe('the Link tab', { timeout: 60_000 }, () => {
  it('offers the six channels and builds each source vector as botflow link prints it', async () => {
    const [studio, plain, group, ...printed] = await Promise.all([
      StudioProcess.start(SCRIPT),
      cliLink(['telegram', BOT, '--raw', '1234567']),
      cliLink(['telegram', BOT, '--raw', '1234567', '--group']),
      ...VECTORS.map((vector) => cliLink(['telegram', BOT, ...vector.flags])),
    ]);
    const page = await openLinkTab(studio);
    const channels = await field(page, 'Channel')
      .locator('option')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(channels).toEqual([...CHANNEL_NAMES]);
    await field(page, 'Channel').selectOption('telegram');
    await field(page, 'Bot or page name').fill(BOT);
    for (const [index, vector] of VECTORS.entries()) {
      await inTab(page)
        .getByRole('button', { name: /^Remove variable/ })
        .evaluateAll((buttons) => {
          for (const button of buttons) (button as HTMLButtonElement).click();
        });
      await fillBuilder(page, vector.fields, 'variables' in vector ? vector.variables : []);
      await expect.poll(() => linkOnPage(page)).toBe(printed[index]);
      const meter = inTab(page).getByRole('meter', { name: 'Link data length' });
      await expect.poll(() => meter.getAttribute('aria-valuenow')).toBe(String(vector.data.length));
      expect(await meter.textContent()).toContain(`${vector.data.length} / 64`);
    }
    await inTab(page).getByLabel('Raw id (as it is)').check();
    await field(page, 'Raw id').fill('1234567');
    expect(plain).toBe(`https://t.me/${BOT}?start=1234567`);
    await expect.poll(() => linkOnPage(page)).toBe(plain);
    await inTab(page).getByLabel('Add the bot to a group (startgroup)').check();
    await expect.poll(() => linkOnPage(page)).toBe(group);
  });

  it('draws a QR code that decodes to the link, and downloads it as SVG and PNG that decode too', async () => {
    const studio = await StudioProcess.start(SCRIPT);
    const page = await openLinkTab(studio);
    await field(page, 'Bot or page name').fill(BOT);
    await fillBuilder(page, { Email: 'email@gmail.com' });
    const expected = await cliLink(['telegram', BOT, '--email', 'email@gmail.com']);
    await expect.poll(() => linkOnPage(page)).toBe(expected);

    const qr = inTab(page).getByRole('img', { name: `QR code of ${expected}` });
    expect(readQr(await qr.screenshot())).toBe(expected);
    await keepScreenshot(page, 'links');

    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      inTab(page).getByRole('button', { name: 'Download SVG' }).click(),
    ]);
    expect(svgDownload.suggestedFilename()).toBe(`telegram-${BOT}-qr.svg`);
    const svg = await readFile(await svgDownload.path(), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // The file on its own, as an image viewer would show it.
    const viewer = await page.context().newPage();
    await viewer.setContent(
      `<img alt="qr" width="300" height="300" src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">`,
    );
    expect(readQr(await viewer.getByRole('img').screenshot())).toBe(expected);

    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      inTab(page).getByRole('button', { name: 'Download PNG' }).click(),
    ]);
    expect(pngDownload.suggestedFilename()).toBe(`telegram-${BOT}-qr.png`);
    expect(readQr(await readFile(await pngDownload.path()))).toBe(expected);
  });

  it('shows the meter over the budget, the costliest field and botflow link’s advice', async () => {
    const studio = await StudioProcess.start(SCRIPT);
    const page = await openLinkTab(studio);
    await field(page, 'Bot or page name').fill(BOT);
    await fillBuilder(page, {}, Object.entries(OVER_BUDGET));
    const meter = inTab(page).getByRole('meter', { name: 'Link data length' });
    await expect.poll(() => meter.getAttribute('aria-valuenow')).toBe('70');
    expect(await meter.getAttribute('aria-valuemax')).toBe('64');
    expect(await meter.textContent()).toContain('70 / 64');
    const refusal = await cliLink([
      'telegram',
      BOT,
      '--var',
      'stage_name=1.First stage',
      '--var',
      'city=Moscow',
    ]);
    expect(refusal).toContain(PAYLOAD_ADVICE);
    await expect.poll(() => inTab(page).getByText(PAYLOAD_ADVICE).count()).toBe(1);
    expect(
      await inTab(page)
        .getByText(/^Costliest field: v\.stage_name/)
        .textContent(),
    ).toContain('saves 39');
    expect(await linkOnPage(page)).toBe('');
    expect(
      await inTab(page)
        .getByRole('img', { name: /^QR code/ })
        .count(),
    ).toBe(0);
    await keepScreenshot(page, 'links-over-budget');

    // Dropping the costliest variable brings the link back.
    await inTab(page).getByRole('button', { name: 'Remove variable 1' }).click();
    await expect.poll(() => linkOnPage(page)).toBe(await cliLink(['telegram', BOT, '--var', 'city=Moscow']));
  });

  it('gives one clear message for a bad name, in botflow link’s words', async () => {
    const phone = ['--phone', '79000000000'];
    const [studio, telegram, whatsapp, whatsappLink, greeted] = await Promise.all([
      StudioProcess.start(SCRIPT),
      cliLink(['telegram', 'shop', ...phone]),
      cliLink(['whatsapp', 'shop', ...phone]),
      cliLink(['whatsapp', '+79000000000', ...phone]),
      cliLink(['whatsapp', '+79000000000', ...phone, '--text', 'Hi, I want to order']),
    ]);
    const page = await openLinkTab(studio);
    await fillBuilder(page, { Phone: '79000000000' });
    const download = inTab(page).getByRole('button', { name: 'Download SVG' });
    await field(page, 'Bot or page name').fill(BOT);
    await expect.poll(() => download.isVisible()).toBe(true);
    await field(page, 'Bot or page name').fill('shop');
    await expect.poll(() => inTab(page).getByText(telegram, { exact: true }).count()).toBe(1);
    expect(await linkOnPage(page)).toBe('');
    // No link, no QR code: the last good link's code must not stay on screen to be downloaded.
    await expect.poll(() => inTab(page).locator('figure.qr').isVisible()).toBe(false);
    expect(await download.isVisible()).toBe(false);
    await field(page, 'Channel').selectOption('whatsapp');
    await expect.poll(() => inTab(page).getByText(whatsapp, { exact: true }).count()).toBe(1);
    await field(page, 'Bot or page name').fill('+79000000000');
    await expect.poll(() => linkOnPage(page)).toBe(whatsappLink);
    await field(page, 'Greeting').fill('Hi, I want to order');
    await expect.poll(() => linkOnPage(page)).toBe(greeted);
  });

  it('reads a pasted link back into the variables it seeds, with diagnostics', async () => {
    const studio = await StudioProcess.start(SCRIPT);
    const page = await openLinkTab(studio);
    const paste = field(page, 'Paste a link');
    await paste.fill('https://t.me/bot_name?start=eyJwIjoiNzkwMDAwMDAwMDAiLCJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0');
    const table = inTab(page).getByRole('table', { name: 'Seeded variables' });
    await expect
      .poll(() => table.getByRole('row').allTextContents())
      .toEqual(['VariableValue', 'city"Moscow"', 'phone"79000000000"']);
    expect(await inTab(page).getByText('telegram (bot_name)').count()).toBe(1);

    await paste.fill('t.me/bot_name?start=eyJ5IjoxfQ');
    await expect
      .poll(() => table.getByRole('row').allTextContents())
      .toEqual(['VariableValue', 'clientExternalId"eyJ5IjoxfQ"']);
    expect(await inTab(page).getByRole('list', { name: 'Diagnostics' }).textContent()).toMatch(
      /^error: the start value looks like an encoded payload but the payload has the unknown key "y"/,
    );

    await paste.fill('https://example.com/?start=1');
    await expect
      .poll(() =>
        inTab(page)
          .getByText(/is not a link botflow knows/)
          .count(),
      )
      .toBe(1);
  });
});
