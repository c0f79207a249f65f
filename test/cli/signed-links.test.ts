import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signData } from '../../engine/index.js';
import { runCli } from '../support/cli.js';
import { ExampleCrm } from '../support/crm-server.js';
import { sampleYaml } from '../support/scripts.js';
import { ServeProcess } from '../support/serve-process.js';
import { useTempFolders } from '../support/temp-folders.js';

const NEW_SECRET = 'cli-new-secret-0123456789abcdefgh';
const OLD_SECRET = 'cli-old-secret-0123456789abcdefgh';
const temp = useTempFolders('botflow-signed-');

/** The environment of a run with these secrets (none: the variable set empty, so the test's own cannot leak in). */
const withSecret = (value = '') => ({ env: { BOTFLOW_LINK_SECRET: value } });

interface Decoded {
  signature: string;
  linkVerified: boolean;
  variables: Record<string, unknown>;
  diagnostics: { code: string }[];
}

async function decodeJson(data: string, secret?: string): Promise<{ code: number; output: Decoded }> {
  const result = await runCli(['decode', '--json', data], withSecret(secret));
  return { code: result.code, output: JSON.parse(result.stdout) as Decoded };
}

async function signedLink(...args: string[]): Promise<string> {
  const result = await runCli(['link', 'telegram', 'shop_bot', '--sign', ...args], withSecret(NEW_SECRET));
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

describe('botflow link --sign and botflow decode', () => {
  it('signs a link that decode tells valid, invalid, expired, missing or unchecked', async () => {
    const link = await signedLink('--id', '1234568');
    const data = new URL(link).searchParams.get('start') ?? '';
    expect(data).toMatch(/^_/);

    expect(await decodeJson(link, NEW_SECRET)).toEqual({
      code: 0,
      output: expect.objectContaining({
        signature: 'valid',
        linkVerified: true,
        variables: { clientExternalId: '1234568' },
      }) as unknown,
    });
    const edited = await decodeJson(`${data.slice(0, -1)}${data.endsWith('A') ? 'B' : 'A'}`, NEW_SECRET);
    expect(edited.code).toBe(1);
    expect(edited.output).toMatchObject({ signature: 'invalid', linkVerified: false, variables: {} });
    const expired = signData(Buffer.from('{"eId":"1","x":1000}').toString('base64url'), [NEW_SECRET]);
    expect(await decodeJson(expired, NEW_SECRET)).toMatchObject({
      code: 1,
      output: { signature: 'expired', variables: {}, diagnostics: [{ code: 'start.expired' }] },
    });
    expect((await decodeJson('1234568', NEW_SECRET)).output).toMatchObject({
      signature: 'missing',
      linkVerified: false,
    });
    expect(await decodeJson(link)).toMatchObject({
      code: 0,
      output: { signature: 'unchecked', linkVerified: false },
    });

    const text = await runCli(['decode', link], withSecret(NEW_SECRET));
    expect(text.stdout).toContain(
      'signature:  valid (signed with a link secret: it seeds, and linkVerified is true)',
    );
    expect(text.stdout + text.stderr).not.toContain(NEW_SECRET);
  });

  it('expires a plain id by making it a payload with x', async () => {
    const before = Math.floor(Date.now() / 1000);
    const link = await signedLink('--raw', '1234568', '--expires', '30d');
    const { output } = await decodeJson(link, NEW_SECRET);
    const x = (output as unknown as { payload: { x: number } }).payload.x;
    expect(x - before).toBeGreaterThanOrEqual(30 * 86_400);
    expect(x - before).toBeLessThanOrEqual(30 * 86_400 + 60);
    expect(output).toMatchObject({ signature: 'valid', variables: { clientExternalId: '1234568' } });
    expect((await runCli(['link', 'telegram', 'shop_bot', '--raw', '1', '--expires', 'soon'])).code).toBe(2);
  });

  it('reads the secrets newest first from a file, so an old link verifies until its secret is removed', async () => {
    const dir = await temp.project({
      'rotating.txt': `${NEW_SECRET}\n\n${OLD_SECRET}\n`,
      'new-only.txt': `${NEW_SECRET}\n`,
    });
    const old = signData('1234568', [OLD_SECRET]);
    const decode = (file: string) =>
      runCli(['decode', '--json', old, '--secret-from', join(dir, file)], withSecret());
    expect(JSON.parse((await decode('rotating.txt')).stdout)).toMatchObject({ signature: 'valid' });
    expect(JSON.parse((await decode('new-only.txt')).stdout)).toMatchObject({ signature: 'invalid' });
    // The variable takes several, separated by commas or newlines.
    expect((await decodeJson(old, `${NEW_SECRET},${OLD_SECRET}`)).output.signature).toBe('valid');
    expect((await decodeJson(old, `${NEW_SECRET}\n${OLD_SECRET}\n`)).output.signature).toBe('valid');
    const signed = await runCli(
      [
        'link',
        'telegram',
        'shop_bot',
        '--raw',
        '1234568',
        '--sign',
        '--secret-from',
        join(dir, 'rotating.txt'),
      ],
      withSecret(),
    );
    expect(signed.stdout).toBe(`https://t.me/shop_bot?start=${signData('1234568', [NEW_SECRET])}\n`);
  });

  it('refuses a secret it cannot use with one sentence, exit 1, never showing it', async () => {
    const dir = await temp.project({ 'empty.txt': '\n \n', 'short.txt': 'hunter2\n' });
    const cases: [string[], string | undefined, RegExp][] = [
      [
        ['--secret-from', join(dir, 'missing.txt')],
        undefined,
        /^botflow: cannot read the secret file .*missing\.txt$/,
      ],
      [
        ['--secret-from', join(dir, 'empty.txt')],
        undefined,
        /^botflow: no link secret was given in the secret file/,
      ],
      [
        ['--secret-from', join(dir, 'short.txt')],
        undefined,
        /^botflow: the link secret in the secret file .* is 7 bytes long, under the 16/,
      ],
      [[], `${NEW_SECRET},,${OLD_SECRET}`, /^botflow: link secret 2 in BOTFLOW_LINK_SECRET is empty$/],
      [[], 'hunter2', /^botflow: the link secret in BOTFLOW_LINK_SECRET is 7 bytes long/],
      [
        [],
        undefined,
        /^botflow: --sign needs a link secret: set BOTFLOW_LINK_SECRET or give --secret-from FILE$/,
      ],
    ];
    for (const [args, secret, message] of cases) {
      const result = await runCli(
        ['link', 'telegram', 'shop_bot', '--raw', '1', '--sign', ...args],
        withSecret(secret),
      );
      expect(result.code, message.source).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr).not.toContain('hunter2');
    }
    const decoded = await runCli(['decode', '1', '--secret-from', join(dir, 'missing.txt')], withSecret());
    expect(decoded.code).toBe(1);
  });

  it('counts the "_" and the tag over the limit, saying what is left for the data', async () => {
    const id = await runCli(
      ['link', 'telegram', 'shop_bot', '--raw', 'x'.repeat(56), '--sign'],
      withSecret(NEW_SECRET),
    );
    expect(id.code).toBe(1);
    expect(id.stderr.trim()).toMatch(
      /65 characters .* 1 over the limit of 64: 55 characters are left for the data$/,
    );
    const payload = await runCli(
      ['link', 'telegram', 'shop_bot', '--email', `${'a'.repeat(24)}@example.com`, '--sign'],
      withSecret(NEW_SECRET),
    );
    expect(payload.code).toBe(1);
    expect(payload.stderr).toMatch(
      /the link data is 68, 4 over the limit of 64, which leaves 55 characters for the data/,
    );
  });
});

const API_TOKEN = 'api-token-signed-0123456';

describe('the hosts read the secret', () => {
  let crm: ExampleCrm;
  beforeAll(async () => {
    crm = await ExampleCrm.start('crm-token-signed');
  });
  afterAll(() => crm.stop());

  it('serve --require-signed-links: a forged id fetches nothing from the CRM, a signed one does', async () => {
    const serving = await ServeProcess.start(
      'scripts/order-status.yaml',
      [
        '--store',
        'memory',
        '--require-signed-links',
        '--env',
        `CRM_URL=${crm.url}`,
        '--env',
        'CRM_TOKEN=crm-token-signed',
        '--allow-host',
        '127.0.0.1',
      ],
      { BOTFLOW_LINK_SECRET: NEW_SECRET, TELEGRAM_TOKEN: '', BOTFLOW_API_TOKEN: API_TOKEN },
    );
    const token = { authorization: `Bearer ${API_TOKEN}` };
    const forged = await serving.post('/conversations/f/start?variables=all', { startParam: '42' }, token);
    expect(forged.body).toMatchObject({
      result: 'unknown',
      variables: { clientExternalId: '', linkVerified: false },
    });
    const edited = `_42${signData('7', [NEW_SECRET]).slice(2)}`;
    expect((await serving.post('/conversations/e/start', { startParam: edited }, token)).body).toMatchObject({
      result: 'unknown',
    });
    const genuine = await serving.post(
      '/conversations/g/start?variables=all',
      { startParam: signData('42', [NEW_SECRET]) },
      token,
    );
    expect(genuine.body).toMatchObject({
      result: 'ok',
      variables: { product: 'Kettle', linkVerified: true },
    });
    expect(await serving.stop()).toBe(0);
    expect(serving.output + serving.stderr).not.toContain(NEW_SECRET);
  });

  it('run seeds linkVerified from the secret, and test hands it to every case', async () => {
    const signed = signData('42', [NEW_SECRET]);
    const run = await runCli(
      ['run', 'scripts/client-identification.yaml', '--start', signed, '--json'],
      withSecret(NEW_SECRET),
    );
    expect(JSON.parse(run.stdout)).toMatchObject({
      variables: { clientExternalId: '42', linkVerified: true },
    });

    const script = (await sampleYaml('order-status.yaml')).replace(
      'start: lookup\n',
      'start: lookup\nlinks: { signed: required }\n',
    );
    const dir = await temp.project({
      'order-status.yaml': script,
      'order-status.cases.yaml': `script: order-status.yaml
cases:
  - name: a signed link reaches the CRM
    start: { param: '${signed}' }
    env: { CRM_URL: 'http://crm.test', CRM_TOKEN: t }
    http:
      - match: { url: 'http://crm.test/clients/42' }
        respond: { status: 200, body: { order: { product: Kettle, status: shipped } } }
    steps:
      - bot: 'Your order: Kettle (shipped).'
    expect: { variables: { linkVerified: true } }
`,
    });
    const cases = join(dir, 'order-status.cases.yaml');
    expect((await runCli(['test', cases], withSecret(NEW_SECRET))).code).toBe(0);
    const without = await runCli(['test', cases], withSecret());
    expect(without.code).toBe(1);
    expect(without.stdout).toContain('signed links are required, but the bot was given no link secret');
  });
});
