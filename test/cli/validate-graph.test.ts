import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useTempFolders } from '../support/temp-folders.js';

const SAMPLES = [
  'scripts/client-identification.yaml',
  'scripts/order-status.yaml',
  'scripts/lead-capture.yaml',
];

const temp = useTempFolders('botflow-validate-');

/** A file named `name` holding `text`, in a fresh temp folder. */
async function tempScript(text: string, name = 'broken.yaml'): Promise<string> {
  return join(await temp.project({ [name]: text }), name);
}

describe('botflow validate', () => {
  it('passes the sample scripts', async () => {
    const result = await runCli(['validate', ...SAMPLES]);
    expect(result).toEqual({ code: 0, stdout: '3 scripts checked: 0 errors, 0 warnings\n', stderr: '' });
  });

  it('checks QA case files as case files, so scripts/*.yaml passes whole', async () => {
    const cases = SAMPLES.map((file) => file.replace(/\.yaml$/, '.cases.yaml'));
    const result = await runCli(['validate', ...SAMPLES, ...cases]);
    expect(result).toEqual({ code: 0, stdout: '6 scripts checked: 0 errors, 0 warnings\n', stderr: '' });
    const file = await tempScript(
      'script: nowhere.yaml\ncases:\n  - { name: x, stpes: [] }\n',
      'x.cases.yaml',
    );
    const broken = await runCli(['validate', file]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      `${file}:1:9: error: the script nowhere.yaml cannot be read: no such file`,
    );
    expect(broken.stdout).toContain(`${file}:3:16: error: unknown field "stpes" (did you mean "steps"?)`);
  });

  it('prints every problem as file:line:col and exits 1', async () => {
    const file = await tempScript(
      'botflow: 1\nname: x\nblocks:\n  a: { type: message, text: hi, next: b }\n',
    );
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `${file}:4:39: error: no block is called "b"\n1 script checked: 1 error, 0 warnings\n`,
    );
  });

  it('reports a missing file as a problem of that file', async () => {
    const result = await runCli(['validate', 'no/such.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('no/such.yaml:1:1: error: no such file');
  });

  it('speaks JSON for machines', async () => {
    const file = await tempScript('botflow: 1\nname: x\nblocks:\n  a: { type: end }\n  b: { type: end }\n');
    const result = await runCli(['validate', '--json', file]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      errors: 0,
      warnings: 1,
      files: [
        {
          file,
          ok: true,
          problems: [{ line: 5, column: 3, severity: 'warning', code: 'block.unreachable' }],
        },
      ],
    });
  });
});

describe('botflow graph', () => {
  it('prints a Mermaid flowchart with labelled branches', async () => {
    const result = await runCli(['graph', 'scripts/order-status.yaml', '--format', 'mermaid']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('  start((start)) --> b0');
    expect(lines).toContain('  b0[("lookup · request")]');
    expect(lines).toContain('  b0 -->|"404"| b5');
    expect(lines).toContain('  b1 -->|"product != \'\'"| b2');
  });

  it('prints DOT', async () => {
    const result = await runCli(['graph', 'scripts/lead-capture.yaml', '--format', 'dot']);
    expect(result.stdout).toMatch(/^digraph "lead-capture" \{\n/);
    expect(result.stdout).toContain('"topic" -> "support" [label="Support"];');
  });

  it('refuses an invalid script with its first problem', async () => {
    const result = await runCli(['graph', await tempScript('botflow: 1\nname: x\nblocks: {}\n')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.yaml:3:9: error: the script has no blocks\n$/);
  });

  it('refuses an unknown format with exit 2', async () => {
    expect((await runCli(['graph', 'scripts/lead-capture.yaml', '--format', 'png'])).code).toBe(2);
  });
});
