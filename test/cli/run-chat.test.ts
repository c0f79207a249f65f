import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { SYSTEM } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

const SEED_START = 'eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19';
/** The system variables of a conversation the command line started without data. */
const CLI_SYSTEM = { ...SYSTEM, channel: 'cli' };
const IDENTIFICATION_DEFAULTS = { cl_data: '', city: '', firstName: '', lastName: '', age: 0 };
const LEAD_DEFAULTS = { topic: '', name: '', contact: '' };
const TOPICS = ['Buy a plan', 'Support', 'Something else'];

interface RunReport {
  turns: { user: string | null; messages: { text: string; buttons?: string[] }[] }[];
  status: string;
  block: string;
  variables: Record<string, unknown>;
  result: string | null;
  diagnostics: { severity: string; code: string; message: string }[];
}

async function runJson(args: readonly string[]): Promise<RunReport> {
  const result = await runCli(['run', ...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as RunReport;
}

const temp = useTempFolders('botflow-run-');

describe('botflow run --json', () => {
  it('prints the seed’s conversation as { turns, status, block, variables, result, diagnostics }', async () => {
    const report = await runJson(['scripts/client-identification.yaml', '--start', SEED_START]);
    expect(Object.keys(report)).toEqual(['turns', 'status', 'block', 'variables', 'result', 'diagnostics']);
    expect(report).toEqual({
      turns: [
        {
          user: null,
          messages: [
            { text: 'Hello, John Smith! Glad to see you again.' },
            {
              text: 'As a client of 23, you can open a credit line today.',
              buttons: ['Tell me more', 'Not now'],
            },
            { text: 'Have a nice day!' },
          ],
        },
      ],
      status: 'ended',
      block: 'done',
      variables: {
        ...CLI_SYSTEM,
        ...IDENTIFICATION_DEFAULTS,
        startParam: SEED_START,
        cl_data: 'John Smith 23',
        firstName: 'John',
        lastName: 'Smith',
        age: 23,
      },
      result: 'identified',
      diagnostics: [],
    });
    // `buttons` appears only on a message that has some.
    expect(report.turns[0]?.messages.map((m) => 'buttons' in m)).toEqual([false, true, false]);
  });

  it('sends each --say in order, one turn each', async () => {
    const report = await runJson([
      'scripts/lead-capture.yaml',
      '--say',
      'Buy a plan',
      '--say',
      'Ann',
      '--say',
      'Email',
      '--say',
      'ann@example.com',
    ]);
    expect(report.turns).toEqual([
      { user: null, messages: [{ text: 'Hi! What can we help you with?', buttons: TOPICS }] },
      { user: 'Buy a plan', messages: [{ text: 'What is your name?' }] },
      { user: 'Ann', messages: [{ text: 'How should we reach you?', buttons: ['Email', 'Phone'] }] },
      { user: 'Email', messages: [{ text: 'Your email?' }] },
      { user: 'ann@example.com', messages: [{ text: 'Thank you, Ann! We will be in touch about buy.' }] },
    ]);
    expect(report).toMatchObject({
      status: 'ended',
      block: 'saved',
      result: 'lead',
      diagnostics: [],
      variables: {
        ...CLI_SYSTEM,
        ...LEAD_DEFAULTS,
        lastMessage: 'ann@example.com',
        topic: 'buy',
        name: 'Ann',
        channelChoice: 'email',
        contact: 'ann@example.com',
      },
    });
  });

  it('reports waiting with result null while the conversation goes on', async () => {
    const report = await runJson(['scripts/lead-capture.yaml', '--say', 'what?']);
    expect(report).toMatchObject({ status: 'waiting', block: 'topic', result: null, diagnostics: [] });
    expect(report.turns[1]).toEqual({
      user: 'what?',
      messages: [{ text: 'Please pick one of the buttons.', buttons: TOPICS }],
    });
  });

  it('does not send a --say after the end, and says so in a run.ended diagnostic', async () => {
    const report = await runJson(['scripts/lead-capture.yaml', '--say', 'Support', '--say', 'hello?']);
    expect(report.turns).toHaveLength(2);
    expect(report).toMatchObject({ status: 'ended', block: 'support', result: 'support' });
    expect(report.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'run.ended',
        message: 'the conversation had ended, so "hello?" was not sent',
      },
    ]);
  });

  it('starts from --payload', async () => {
    const report = await runJson([
      'scripts/lead-capture.yaml',
      '--payload',
      '{"p":"79000000000","v":{"name":"Ann"}}',
      '--say',
      'buy',
      '--say',
      'Ann',
    ]);
    expect(report.turns[2]?.messages).toEqual([
      { text: 'Shall we call you at 79000000000?', buttons: ['Yes', 'No, use another contact'] },
    ]);
    expect(report.variables).toMatchObject({ phone: '79000000000', channel: 'cli', startParam: '' });
  });

  it('exits 2 on --payload that is not JSON, with one sentence', async () => {
    const result = await runCli(['run', 'scripts/lead-capture.yaml', '--payload', '{eId: 42}', '--json']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'botflow: --payload must be JSON, e.g. {"eId":"42"}\n',
    });
  });

  it('exits 1 on a --payload that is JSON but no payload', async () => {
    const result = await runCli(['run', 'scripts/lead-capture.yaml', '--payload', '{"y":1}']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^botflow: .*"y"/);
  });

  it.each([['pick'], ['pick=1'], ['pick=x'], ['=0.5'], ['pick=0.5=9']])(
    'exits 2 on --draw %s, with one sentence',
    async (draw) => {
      const result = await runCli(['run', 'scripts/lead-capture.yaml', '--draw', draw]);
      expect(result).toMatchObject({
        code: 2,
        stdout: '',
        stderr: 'botflow: --draw takes a block id and a number from 0 up to 1, e.g. --draw offer-split=0.8\n',
      });
    },
  );

  it('exits 2 on one block given twice with --draw', async () => {
    const result = await runCli([
      'run',
      'scripts/lead-capture.yaml',
      '--draw',
      'topic=0.1',
      '--draw',
      'topic=0.2',
    ]);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'botflow: --draw gives block topic twice\n',
    });
  });

  it('exits 1 on a --draw for a block the script lacks, with a did-you-mean', async () => {
    const result = await runCli(['run', 'scripts/lead-capture.yaml', '--draw', 'topc=0.5']);
    expect(result).toMatchObject({
      code: 1,
      stderr: `botflow: the bot's draws name block "topc", which the script does not have (did you mean "topic"?)\n`,
    });
  });

  it('exits 2 on both --start and --payload', async () => {
    const result = await runCli(['run', 'scripts/lead-capture.yaml', '--start', '1', '--payload', '{}']);
    expect(result.code).toBe(2);
  });

  it('starts from --link, with the link’s channel', async () => {
    const report = await runJson([
      'scripts/client-identification.yaml',
      '--link',
      `https://t.me/MyCoolBot?start=${SEED_START}`,
    ]);
    expect(report.variables).toMatchObject({
      channel: 'telegram',
      startParam: SEED_START,
      firstName: 'John',
      age: 23,
    });
    const facebook = await runJson([
      'scripts/client-identification.yaml',
      '--link',
      'https://m.me/MyShopPage?ref=1234567',
    ]);
    expect(facebook.variables).toMatchObject({ channel: 'facebook', clientExternalId: '1234567' });
    expect(facebook.turns[0]?.messages[0]?.text).toBe('Welcome back! Your client number is 1234567.');
    const named = await runJson([
      'scripts/client-identification.yaml',
      '--link',
      'https://m.me/MyShopPage?ref=1234567',
      '--channel',
      'web',
    ]);
    expect(named.variables.channel).toBe('web');
  });

  it('puts a broken start value’s diagnostic in the report', async () => {
    const broken = Buffer.from('{"y":1}').toString('base64url');
    const report = await runJson(['scripts/client-identification.yaml', '--start', broken]);
    expect(report.variables.clientExternalId).toBe(broken);
    expect(report.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'payload.unknown-key']]);
  });

  it('masks --env values as *** in its output', async () => {
    const file = join(temp.root, 'secret.yaml');
    await writeFile(
      file,
      "botflow: 1\nname: secret\nenv: [TOKEN]\nblocks:\n  show: { type: end, text: 'Token {{ env.TOKEN }}' }\n",
    );
    const report = await runJson([file, '--env', 'TOKEN=abcd-1234-secret']);
    expect(report.turns[0]?.messages).toEqual([{ text: 'Token ***' }]);
    const text = await runCli(['run', file, '--env', 'TOKEN=abcd-1234-secret']);
    expect(text.stdout).toBe('bot: Token ***\n— ended at show\n');
  });

  it('masks a secret the user typed, in the transcript and in diagnostics', async () => {
    const report = await runJson([
      'scripts/client-identification.yaml',
      '--env',
      'TOKEN=abcd-1234-secret',
      '--say',
      'my token is abcd-1234-secret',
      '--say',
      'again abcd-1234-secret',
    ]);
    expect(report.turns[1]?.user).toBe('my token is ***');
    expect(JSON.stringify(report)).not.toContain('abcd-1234-secret');
  });
});

describe('botflow run (text)', () => {
  it('prints the transcript with numbered buttons and the final status', async () => {
    const result = await runCli(['run', 'scripts/lead-capture.yaml', '--say', 'Support', '--say', 'more']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'bot: Hi! What can we help you with?',
        '  1) Buy a plan',
        '  2) Support',
        '  3) Something else',
        'you: Support',
        'bot: Our support team answers at support@example.com.',
        'warning: the conversation had ended, so "more" was not sent',
        '— ended at support (result: support)',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('exits 1 on a script that does not load', async () => {
    const file = join(temp.root, 'broken.yaml');
    await writeFile(
      file,
      'botflow: 1\nname: broken\nblocks:\n  a: { type: message, text: hi, next: nowhere }\n',
    );
    const result = await runCli(['run', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no block is called "nowhere"');
  });
});

describe('botflow chat', () => {
  const HELP = 'Type your reply, a number to pick a button, /vars, /restart or /help; Ctrl-D leaves.';
  const ASKED = 'bot: Hi! What can we help you with?';
  const QUESTION = [ASKED, '  1) Buy a plan', '  2) Support', '  3) Something else'];

  it('picks a button by its number, shows /vars, restarts, and exits 0 at the end of input', async () => {
    const result = await runCli(['chat', 'scripts/lead-capture.yaml'], { input: '1\n/vars\n/restart\n2\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        HELP,
        ...QUESTION,
        'you> bot: What is your name?',
        'you>   clientExternalId = ""',
        '  phone = ""',
        '  email = ""',
        '  channel = "cli"',
        '  startParam = ""',
        '  linkVerified = false',
        '  lastMessage = "Buy a plan"',
        '  response = ""',
        '  topic = "buy"',
        '  name = ""',
        '  contact = ""',
        `you> ${ASKED}`,
        ...QUESTION.slice(1),
        'you> bot: Our support team answers at support@example.com.',
        '— the conversation ended, result support; /restart to begin again',
        'you> ',
        '',
      ].join('\n'),
    );
  });

  it('sends typed text as is, says when the conversation is over, and starts from --start', async () => {
    const result = await runCli(['chat', 'scripts/client-identification.yaml', '--start', '1234567'], {
      input: 'hello\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        HELP,
        'bot: Welcome back! Your client number is 1234567.',
        'bot: Have a nice day!',
        '— the conversation ended, result identified; /restart to begin again',
        'you> — the conversation is over; /restart to begin again',
        'you> ',
        '',
      ].join('\n'),
    );
  });

  it('takes a number with no such button as text, and shows diagnostics', async () => {
    const result = await runCli(['chat', 'scripts/lead-capture.yaml'], { input: '7\n/help\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        HELP,
        ...QUESTION,
        'you> bot: Please pick one of the buttons.',
        '  1) Buy a plan',
        '  2) Support',
        '  3) Something else',
        `you> ${HELP}`,
        'you> ',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 on empty input', async () => {
    const result = await runCli(['chat', 'scripts/lead-capture.yaml']);
    expect(result).toEqual({ code: 0, stdout: [HELP, ...QUESTION, 'you> ', ''].join('\n'), stderr: '' });
  });
});
