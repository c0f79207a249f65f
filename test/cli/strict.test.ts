import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { TYPO_SCRIPT, yaml } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-strict-');

const CASES = yaml`
  script: typo.yaml
  cases:
    - name: greets
      steps:
        - bot: 'Hello '
`;

describe('--strict on the command line', () => {
  const project = async () => {
    const folder = await temp.project({ 'typo.yaml': TYPO_SCRIPT, 'typo.cases.yaml': CASES });
    return { folder, file: join(folder, 'typo.yaml') };
  };
  const warningIn = (file: string) =>
    `${file}:5:26: warning: variable "lastNmae" is never declared or set, so it reads as empty text (did you mean "lastName"?)`;

  it('makes validate count a warning as an error', async () => {
    const { file } = await project();
    expect(await runCli(['validate', file])).toEqual({
      code: 0,
      stdout: `${warningIn(file)}\n1 script checked: 0 errors, 1 warning\n`,
      stderr: '',
    });
    expect(await runCli(['validate', '--strict', file])).toEqual({
      code: 1,
      stdout: `${warningIn(file).replace('warning:', 'error:')}\n1 script checked: 1 error, 0 warnings\n`,
      stderr: '',
    });
  });

  it.each([['run'], ['chat'], ['serve', '--http', '0']])(
    'makes %s refuse the script before any turn',
    async (...command) => {
      const { file } = await project();
      expect(await runCli([...command, '--strict', file])).toEqual({
        code: 1,
        stdout: '',
        stderr: `botflow: ${warningIn(file).replace('warning:', 'error:')}\n`,
      });
    },
  );

  it('without it, lets run go on but says the warning on stderr first', async () => {
    const { file } = await project();
    expect(await runCli(['run', file])).toEqual({
      code: 0,
      stdout: 'bot: Hello \n— ended at hi\n',
      stderr: `${warningIn(file)}\n`,
    });
  });

  it('makes test fail a case file whose script warns', async () => {
    const { folder, file } = await project();
    expect((await runCli(['test', join(folder, 'typo.cases.yaml')])).code).toBe(0);
    const test = await runCli(['test', '--strict', join(folder, 'typo.cases.yaml')]);
    expect(test.code).toBe(1);
    expect(test.stdout).toContain(`${file}:5:26: error: variable "lastNmae"`);
  });

  it('catches the trial’s type mistake in validate without --strict: exit 1, naming the variable', async () => {
    const file = join(
      await temp.project({
        'order.yaml': yaml`
          botflow: 1
          name: order
          variables: { product: '' }
          blocks:
            lookup:
              type: request
              url: 'https://crm.example.com/orders/{{ clientExternalId }}'
              save: { product: body.order.product }
              next: check
            check:
              type: condition
              branches: [{ if: 'product >= 18', next: done }]
              else: done
            done: { type: end }
        `,
      }),
      'order.yaml',
    );
    expect(await runCli(['validate', file])).toEqual({
      code: 1,
      stdout:
        `${file}:12:23: error: product is text (its default under variables, line 3; block lookup, line 8, saves body.order.product), ` +
        'and 18 is a number: >= compares numbers with numbers, and text with text (convert it with toNumber(product))\n' +
        '1 script checked: 1 error, 0 warnings\n',
      stderr: '',
    });
  });
});
