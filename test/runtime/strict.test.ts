import { describe, expect, it } from 'vitest';
import { checkScript, createBot, formatProblem, parseScript } from '../../engine/index.js';
import { botOf, texts, TYPO_SCRIPT, yaml } from '../support/scripts.js';

/** A script whose condition and messages fail at run time when the link carries text where a number is declared. */
const fragile = yaml`
  botflow: 1
  name: fragile
  variables: { age: 0, bonus: 1 }
  blocks:
    check:
      type: condition
      branches: [{ if: 'age > 17', next: adult }]
      else: minor
    adult: { type: message, text: 'Adult {{ age * bonus }}', next: grown }
    grown: { type: end, result: adult }
    minor: { type: message, text: 'Minor {{ -age }}', next: bye }
    bye: { type: end, result: minor }
`;

describe('strict mode at load', () => {
  const withTypo = TYPO_SCRIPT;

  it('makes a warning an error, from --strict (the option) or strict: true (the script)', () => {
    const warning =
      's.yaml:5:26: warning: variable "lastNmae" is never declared or set, so it reads as empty text (did you mean "lastName"?)';
    expect(checkScript(withTypo, 's.yaml').problems.map(formatProblem)).toEqual([warning]);
    const strict = checkScript(withTypo, 's.yaml', { strict: true });
    expect(strict.script).toBeUndefined();
    expect(strict.problems.map(formatProblem)).toEqual([warning.replace('warning:', 'error:')]);
    const declared = checkScript(withTypo.replace('name: typo', 'name: typo\nstrict: true'), 's.yaml');
    expect(declared.script).toBeUndefined();
    expect(declared.problems.map((p) => p.severity)).toEqual(['error']);
  });

  it('leaves a script without warnings as it is, marked strict', () => {
    expect(parseScript(fragile, 's.yaml', { strict: true }).strict).toBe(true);
    expect(parseScript(fragile, 's.yaml').strict).toBe(false);
  });
});

/** The same, with an on_error block. */
const withOnError = `${fragile}  oops: { type: end, text: 'Sorry, something went wrong.', result: oops }\non_error: oops\n`;

describe('strict mode at run time', () => {
  it('takes a failed condition as false and renders a failed placeholder empty without it', async () => {
    const turn = await botOf(fragile).start('k', { payload: { v: { age: 'abc' } } });
    expect(texts(turn)).toEqual(['Minor ']);
    expect(turn).toMatchObject({ status: 'ended', result: 'minor' });
    expect(turn.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'expression.failed'],
      ['warning', 'template.failed'],
    ]);
  });

  it('ends with status error when a condition fails, and says nothing more', async () => {
    const turn = await botOf(`${fragile}strict: true\n`).start('k', { payload: { v: { age: 'abc' } } });
    expect(turn).toMatchObject({ status: 'error', messages: [] });
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'expression.failed',
        message:
          'block "check": "age > 17" could not be evaluated (> cannot compare the text "abc" with the number 17) (strict mode)',
      },
    ]);
  });

  it('goes to on_error when a condition fails', async () => {
    const script = parseScript(withOnError, 's.yaml', { strict: true });
    const turn = await createBot({ script }).start('k', { payload: { v: { age: 'abc' } } });
    expect(turn).toMatchObject({ status: 'ended', result: 'oops' });
    expect(texts(turn)).toEqual(['Sorry, something went wrong.']);
    expect(turn.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'expression.failed']]);
  });

  it('goes to on_error when a placeholder fails, without sending the half-rendered text', async () => {
    const script = parseScript(withOnError, 's.yaml', { strict: true });
    const turn = await createBot({ script }).start('k', { payload: { v: { age: 30, bonus: 'x' } } });
    expect(texts(turn)).toEqual(['Sorry, something went wrong.']);
    expect(turn.result).toBe('oops');
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'template.failed',
        message:
          'block "adult": a placeholder could not be rendered: the * operator needs numbers, but got the text "x" (join text with ||, or convert it with toNumber) (strict mode)',
      },
    ]);
    // Without strict mode the placeholder renders empty, with a warning.
    const lenient = await botOf(withOnError).start('k', { payload: { v: { age: 30, bonus: 'x' } } });
    expect(texts(lenient)).toEqual(['Adult ']);
    expect(lenient.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'template.failed']]);
    // Good data goes through untouched.
    const adult = await createBot({ script }).start('k2', { payload: { v: { age: 30, bonus: 2 } } });
    expect(texts(adult)).toEqual(['Adult 60']);
  });

  it('sends nothing from an end block whose placeholder fails, and keeps its result', async () => {
    const script = parseScript(
      yaml`
        botflow: 1
        name: last-words
        strict: true
        variables: { total: 0 }
        blocks:
          bye: { type: end, text: 'Total {{ total * 2 }}', result: done }
      `,
      's.yaml',
    );
    const turn = await createBot({ script }).start('k', { payload: { v: { total: 'x' } } });
    expect(turn).toMatchObject({ status: 'ended', result: 'done', messages: [] });
    expect(turn.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'template.failed']]);
  });
});
