import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('botflow link', () => {
  it('builds the seed’s Telegram link', async () => {
    const result = await runCli(['link', 'telegram', 'MyCoolBot', '--email', 'email@gmail.com']);
    expect(result).toEqual({
      code: 0,
      stdout: 'https://t.me/MyCoolBot?start=eyJlIjoiZW1haWxAZ21haWwuY29tIn0\n',
      stderr: '',
    });
  });

  it('packs variables and a raw id', async () => {
    expect((await runCli(['link', 'telegram', 'MyCoolBot', '--var', 'city=Moscow'])).stdout).toBe(
      'https://t.me/MyCoolBot?start=eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0\n',
    );
    expect((await runCli(['link', 'facebook', 'MyShopPage', '--raw', '1234567'])).stdout).toBe(
      'https://m.me/MyShopPage?ref=1234567\n',
    );
  });

  it('exits 1 over the limit and says by how much', async () => {
    const result = await runCli([
      'link',
      'telegram',
      'MyCoolBot',
      '--var',
      'stage_name=1.First stage',
      '--var',
      'city=Moscow',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^botflow: the payload encodes to 70 characters, 6 over the limit of 64; the costliest field is v\.stage_name/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 1 on a bad bot name, with one sentence', async () => {
    const result = await runCli(['link', 'telegram', 'My', '--id', '42']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^botflow: .*"My"/);
  });

  it('exits 2 on a wrong command line', async () => {
    expect((await runCli(['link', 'telegram', 'MyCoolBot'])).code).toBe(2);
    expect((await runCli(['link', 'telegram', 'MyCoolBot', '--raw', '1', '--id', '2'])).code).toBe(2);
    expect((await runCli(['link', 'telegram', 'MyCoolBot', '--var', 'novalue'])).code).toBe(2);
    expect((await runCli(['nosuchcommand'])).code).toBe(2);
  });
});

describe('botflow decode', () => {
  it('shows the variables of the seed’s link as JSON', async () => {
    const result = await runCli([
      'decode',
      '--json',
      'https://t.me/bot_name?start=eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      channel: 'telegram',
      kind: 'payload',
      startParam: 'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0',
      payload: { v: { city: 'Moscow' } },
      signature: 'missing',
      linkVerified: false,
      variables: { city: 'Moscow' },
      diagnostics: [],
    });
  });

  it('decodes bare data and plain ids for people', async () => {
    const result = await runCli(['decode', 'eyJwIjoiNzkwMDAwMDAwMDAifQ']);
    expect(result.stdout).toContain('phone: "79000000000"');
    expect((await runCli(['decode', '1234567'])).stdout).toContain('clientExternalId: "1234567"');
  });

  it('exits 1 on a broken payload, still showing the fallback', async () => {
    const broken = Buffer.from('{"y":1}').toString('base64url');
    const result = await runCli(['decode', '--json', broken]);
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout) as { variables: unknown; diagnostics: { code: string }[] };
    expect(output.variables).toEqual({ clientExternalId: broken });
    expect(output.diagnostics[0]?.code).toBe('payload.unknown-key');
  });

  it('exits 1 on a link with illegal data', async () => {
    const result = await runCli(['decode', 'https://t.me/bot_name?start=a%20b']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^botflow: /);
  });
});
