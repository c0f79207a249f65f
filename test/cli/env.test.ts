import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { yaml } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-cli-env-');

/** The trial's script: it greets, then looks the client up in the CRM at env.CRM_URL. */
const TRIAL = yaml`
  botflow: 1
  name: trial
  env:
    CRM_URL: the CRM's base URL
    CRM_TOKEN: the CRM's API token
  blocks:
    hello: { type: message, text: 'Hello! Let me look you up.', next: lookup }
    lookup:
      type: request
      url: '{{ env.CRM_URL }}/clients/{{ clientExternalId }}'
      headers: { Authorization: 'Bearer {{ env.CRM_TOKEN }}' }
      on: { success: done, error: down }
    down: { type: end, text: 'Our CRM is down', result: error }
    done: { type: end, result: ok }
`;

const BOTH_MISSING =
  'botflow: env.CRM_URL and env.CRM_TOKEN have no value: pass --env NAME=value or --env-from FILE\n';

let script: string;
beforeAll(async () => {
  script = join(await temp.project({ 'trial.yaml': TRIAL }), 'trial.yaml');
});

describe('a declared env name with no value stops the command before any turn, with exit 1', () => {
  it('botflow run, naming every missing name in one sentence', async () => {
    expect(await runCli(['run', script, '--json'])).toEqual({ code: 1, stdout: '', stderr: BOTH_MISSING });
  });

  it('botflow run, an empty value counting as none', async () => {
    const result = await runCli(['run', script, '--env', 'CRM_URL=', '--env', 'CRM_TOKEN=t0ken-1234']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'botflow: env.CRM_URL has no value: pass --env NAME=value or --env-from FILE\n',
    });
  });

  it('botflow chat, before its greeting', async () => {
    const result = await runCli(['chat', script, '--env', 'CRM_TOKEN=t0ken-1234'], { input: 'hi\n' });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'botflow: env.CRM_URL has no value: pass --env NAME=value or --env-from FILE\n',
    });
  });

  it('botflow serve, before it listens', async () => {
    const result = await runCli(['serve', script, '--http', '0', '--store', 'memory']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: BOTH_MISSING });
  });

  it('with every value given, the conversation runs (the values from --env-from count too)', async () => {
    const dir = await temp.project({ 'crm.env': 'CRM_URL=http://127.0.0.1:9\nCRM_TOKEN=t0ken-1234\n' });
    const result = await runCli(['run', script, '--env-from', join(dir, 'crm.env')]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('bot: Hello! Let me look you up.');
  });
});
