import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { printable } from '../../cli/terminal.js';
import { runCli } from '../support/cli.js';
import { useTempFolders } from '../support/temp-folders.js';

/** What a hostile link carries: clear the screen, turn red, and reverse the text that follows. */
const HOSTILE = '\u001b[2J\u001b[31mOWNED\u009b1m\r\u202eevil';
/** Any character a terminal acts on: C0 but newline and tab, DEL, C1, the bidirectional controls. */
const ACTS_ON =
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const encode = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

const temp = useTempFolders('botflow-escapes-');
let script: string;
beforeAll(async () => {
  script = join(temp.root, 'echo.yaml');
  await writeFile(
    script,
    [
      'botflow: 1',
      'name: echo',
      'variables: { city: "" }',
      'blocks:',
      '  hello: { type: message, text: "You are in {{ city }}", next: ask }',
      '  ask: { type: ask, text: "Your name?", save: name, next: done }',
      '  done: { type: end, text: "Bye {{ name }}" }',
      '',
    ].join('\n'),
  );
});

describe('what the CLI prints never drives the terminal', () => {
  it('printable writes each such character as its visible \\u escape, and nothing else', () => {
    expect(printable('a\tb\nc')).toBe('a\tb\nc');
    expect(printable('Zoë 🙂 Москва')).toBe('Zoë 🙂 Москва');
    expect(printable(HOSTILE)).toBe('\\u001b[2J\\u001b[31mOWNED\\u009b1m\\u000d\\u202eevil');
  });

  it('decode shows a hostile variable name escaped, as text and as JSON that parses back', async () => {
    const data = encode({ v: { [HOSTILE]: 1 } });
    const text = await runCli(['decode', data]);
    expect(text.stdout).toContain('\\u001b[2J');
    expect(text.stdout).not.toMatch(ACTS_ON);
    const json = await runCli(['decode', '--json', data]);
    expect(json.stdout).not.toMatch(ACTS_ON);
    const parsed = JSON.parse(json.stdout) as { diagnostics: { message: string }[] };
    expect(parsed.diagnostics[0]?.message).toContain(HOSTILE);
  });

  it('run prints payload values and typed replies escaped; --json keeps their value', async () => {
    const payload = JSON.stringify({ v: { city: HOSTILE } });
    const text = await runCli(['run', script, '--payload', payload, '--say', `Ann${HOSTILE}`]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('bot: You are in \\u001b[2J');
    expect(text.stdout).toContain('you: Ann\\u001b[2J');
    expect(text.stdout).not.toMatch(ACTS_ON);
    const json = await runCli(['run', script, '--payload', payload, '--json']);
    expect(json.stdout).not.toMatch(ACTS_ON);
    const parsed = JSON.parse(json.stdout) as { variables: { city: string } };
    expect(parsed.variables.city).toBe(HOSTILE);
  });

  it('chat prints the bot’s messages escaped', async () => {
    const result = await runCli(['chat', script, '--payload', JSON.stringify({ v: { city: HOSTILE } })], {
      input: `Bo${HOSTILE}\n`,
    });
    expect(result.stdout).toContain('bot: Bye Bo\\u001b[2J');
    expect(result.stdout).not.toMatch(ACTS_ON);
  });

  it('validate and error messages show file names and what the files hold escaped', async () => {
    const broken = join(temp.root, `broken${HOSTILE}.yaml`);
    await writeFile(broken, 'botflow: 1\nname: x\nblocks:\n  a: { type: message, text: hi, next: b }\n');
    const result = await runCli(['validate', broken]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('broken\\u001b[2J');
    expect(result.stdout).not.toMatch(ACTS_ON);
    const missing = await runCli(['run', join(temp.root, `nope${HOSTILE}.yaml`)]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope\\u001b[2J');
    expect(missing.stderr).not.toMatch(ACTS_ON);
  });

  it('graph prints labels escaped, in both formats', async () => {
    const labelled = join(temp.root, 'labelled.yaml');
    await writeFile(
      labelled,
      'botflow: 1\nname: x\nblocks:\n' +
        '  a: { type: ask, text: hi, save: x, expect: choice, choices: [{ label: "re\\e[31md", next: b }] }\n' +
        '  b: { type: end }\n',
    );
    for (const format of ['mermaid', 'dot']) {
      const result = await runCli(['graph', labelled, '--format', format]);
      expect(result.stdout).toContain('re\\u001b[31md');
      expect(result.stdout).not.toMatch(ACTS_ON);
    }
  });

  it('commander’s own errors quote a refused argument escaped', async () => {
    const option = await runCli(['run', script, `--\u001b[2Jfoo`]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--\\u001b[2Jfoo'");
    expect(option.stderr).not.toMatch(ACTS_ON);
    const command = await runCli([`\u001b[2Jcmd\u2028`]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('\\u001b[2Jcmd\\u2028');
    expect(command.stderr).not.toMatch(ACTS_ON);
  });

  it('test prints case names and expected texts escaped', async () => {
    const cases = join(temp.root, 'echo.cases.yaml');
    await writeFile(
      cases,
      [
        'script: echo.yaml',
        'cases:',
        '  - name: "red \\e[31m case"',
        '    steps:',
        '      - bot: "You are in \\e[2J"',
        '',
      ].join('\n'),
    );
    const result = await runCli(['test', cases]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('red \\u001b[31m case');
    expect(result.stdout).not.toMatch(ACTS_ON);
  });
});
