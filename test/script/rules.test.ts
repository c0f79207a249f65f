import { describe, expect, it } from 'vitest';
import { problems, scriptYaml } from '../support/scripts.js';

// One fixture per validation rule of docs/script-language.md, "Validation", each asserting the exact position and text.
describe('validation rules', () => {
  it('accepts a minimal script', () => {
    expect(problems(scriptYaml('  hi: { type: message, text: Hello }\n'))).toEqual([]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problems('botflow: 1\nname: t\nblocks:\n  hi: { type: message\n')).toEqual([
      expect.stringMatching(/^5:1: error: YAML syntax: /) as unknown as string,
    ]);
  });

  it('reports duplicate keys', () => {
    expect(problems(scriptYaml('  hi:\n    type: message\n    text: a\n    text: b\n'))).toEqual([
      '7:5: error: this key appears twice in the same map',
    ]);
  });

  it('requires the format version', () => {
    expect(problems('name: t\nblocks:\n  hi: { type: end }\n')).toEqual([
      '1:1: error: missing required field "botflow"',
    ]);
    expect(problems('botflow: 2\nname: t\nblocks:\n  hi: { type: end }\n')).toEqual([
      '1:10: error: "botflow" must be 1',
    ]);
  });

  it('checks expose: response and env are errors, a name nothing has a warning with a suggestion', () => {
    const blocks = '  ask: { type: ask, text: Email?, save: email2 }\n';
    expect(
      problems(scriptYaml(blocks, 'variables: { plan: pro }\nexpose:\n  - plan\n  - email2\n  - channel\n')),
    ).toEqual([]);
    expect(problems(scriptYaml(blocks, 'expose: [response, emial2, env]\n'))).toEqual([
      `3:10: error: "response" cannot be exposed: it can hold a server's whole answer or the host's secrets (save the fields callers need in variables of their own, and expose those)`,
      '3:20: warning: variable "emial2" is exposed, but nothing declares or sets it (did you mean "email2"?)',
      `3:28: error: "env" cannot be exposed: it can hold a server's whole answer or the host's secrets (save the fields callers need in variables of their own, and expose those)`,
    ]);
    expect(problems(scriptYaml(blocks, 'expose: [plan-name]\n'))).toEqual([
      expect.stringMatching(/^3:10: error: /) as unknown as string,
    ]);
  });

  it('reports unknown fields with a suggestion', () => {
    expect(problems(scriptYaml('  hi:\n    type: message\n    text: a\n    nxt: hi\n'))).toEqual([
      '7:5: error: unknown field "nxt" (did you mean "next"?)',
    ]);
    expect(problems('botflow: 1\nname: t\nstrat: hi\nblocks:\n  hi: { type: end }\n')).toEqual([
      '3:1: error: unknown field "strat" (did you mean "start"?)',
    ]);
  });

  it('reports an unknown block type with a suggestion', () => {
    expect(problems(scriptYaml('  hi: { type: mesage, text: a }\n'))).toEqual([
      '4:15: error: unknown block type "mesage" (did you mean "message"?)',
    ]);
  });

  it('reports a block without a type', () => {
    expect(problems(scriptYaml('  hi: { text: a }\n'))).toEqual([
      '4:3: error: block "hi" has no type (one of message, ask, condition, request, bpl, end, random)',
    ]);
  });

  it('reports missing required fields and wrong types', () => {
    expect(problems(scriptYaml('  q: { type: ask, text: Name? }\n'))).toEqual([
      '4:6: error: missing required field "save"',
    ]);
    expect(problems(scriptYaml('  q: { type: ask, text: Name?, save: name, retries: two }\n'))).toEqual([
      '4:53: error: "retries" must be a number, not text',
    ]);
  });

  it('reports an invalid enum value with a suggestion', () => {
    expect(problems(scriptYaml('  q: { type: ask, text: Mail?, save: mail, expect: emial }\n'))).toEqual([
      '4:52: error: "expect" must be one of text, number, integer, email, phone, choice, or { pattern: \'…\' } for a regular expression the answer must match (did you mean "email"?)',
    ]);
  });

  it('reports a value that fits no form of a union that names its forms, or the deeper problem of one it nearly fits', () => {
    expect(problems(scriptYaml('  q: { type: ask, text: Tel?, save: tel, expect: telephone }\n'))).toEqual([
      '4:50: error: "expect" must be one of text, number, integer, email, phone, choice, or { pattern: \'…\' } for a regular expression the answer must match',
    ]);
    expect(
      problems(scriptYaml('  q: { type: ask, text: Tel?, save: tel, expect: { pattern: 7 } }\n'))[0],
    ).toMatch(/"pattern" must be text/);
  });

  it('reports bad block ids', () => {
    expect(problems(scriptYaml('  1st: { type: end }\n'))).toEqual([
      '4:3: error: block id "1st" is not valid (start with a letter, then letters, digits, _ or -)',
    ]);
  });

  it('reports targets that name no block, with a suggestion', () => {
    expect(
      problems(scriptYaml('  hi: { type: message, text: a, next: dnoe }\n  done: { type: end }\n')),
    ).toEqual([
      '4:39: error: no block is called "dnoe" (did you mean "done"?)',
      '5:3: warning: block "done" is never reached (point a next, branch or outcome at it, or remove it)',
    ]);
    expect(problems(scriptYaml('  hi: { type: end }\n', 'start: hey\n'))).toEqual([
      '3:8: error: no block is called "hey"',
    ]);
  });

  it('warns about unreachable blocks', () => {
    expect(problems(scriptYaml('  hi: { type: end }\n  lost: { type: end }\n'))).toEqual([
      '5:3: warning: block "lost" is never reached (point a next, branch or outcome at it, or remove it)',
    ]);
  });

  it('requires else on a condition', () => {
    const yaml = scriptYaml(
      '  c:\n    type: condition\n    branches:\n      - { if: "1 == 1", next: e }\n  e: { type: end }\n',
    );
    expect(problems(yaml)).toEqual(['5:5: error: missing required field "else"']);
  });

  it('refuses a loop that passes no ask or request', () => {
    const yaml = scriptYaml(
      '  a: { type: message, text: x, next: b }\n  b:\n    type: condition\n    branches: [{ if: "1 == 1", next: a }]\n    else: e\n  e: { type: end }\n',
    );
    expect(problems(yaml)).toEqual([
      '4:3: error: blocks a → b → a loop without an ask or request, so the conversation could never stop (route the loop through an ask or request block)',
    ]);
  });

  it('accepts a loop through an ask', () => {
    const yaml = scriptYaml(
      '  a: { type: ask, text: x, save: y, next: b }\n  b: { type: message, text: x, next: a }\n',
    );
    expect(problems(yaml)).toEqual([]);
  });

  it('reports an expression that does not parse, at the column inside it', () => {
    const yaml = scriptYaml(
      '  c:\n    type: condition\n    branches:\n      - { if: "age >= ", next: e }\n    else: e\n  e: { type: end }\n',
      'variables: { age: 0 }\n',
    );
    expect(problems(yaml)).toEqual(['8:23: error: expression: the expression ends too early']);
  });

  it('points at the value itself when escapes make columns inside it unreliable', () => {
    // The file spells the value with escapes, so the error's offset in the value is not a column.
    const yaml = scriptYaml('  hi: { type: message, text: "Say \\"hi\\" {{ 1 + }}" }\n');
    expect(problems(yaml)).toEqual([expect.stringMatching(/^4:30: error: template: /) as unknown as string]);
  });

  it('reports a template that does not parse', () => {
    expect(
      problems(scriptYaml('  hi: { type: message, text: "Hi {{ name" }\n', 'variables: { name: "" }\n')),
    ).toEqual([expect.stringMatching(/^5:3\d: error: template: /) as unknown as string]);
  });

  it('parses the expressions and templates of a block that fails its schema, in the same run', () => {
    const condition = scriptYaml(
      '  c:\n    type: condition\n    branches:\n      - { if: "age >>= 3", next: e }\n  e: { type: end }\n',
      'variables: { age: 0 }\n',
    );
    expect(problems(condition)).toEqual([
      '6:5: error: missing required field "else"',
      '8:15: error: expression: unexpected ">="',
    ]);
    const request = scriptYaml(
      '  r:\n    type: request\n    method: POST\n    url: "http://crm.test/{{ id +* }}"\n' +
        '    body: { name: "{{ first ||| }}" }\n    save: { x: "body.a >>= 1" }\n    tiemout: 5s\n',
    );
    expect(problems(request)).toEqual([
      expect.stringMatching(/^7:\d+: error: template: /) as unknown as string,
      expect.stringMatching(/^8:\d+: error: template: /) as unknown as string,
      expect.stringMatching(/^9:\d+: error: expression: /) as unknown as string,
      '10:5: error: unknown field "tiemout" (did you mean "timeout"?)',
    ]);
    // What is not text where a text belongs is the schema's to report, not parsed as well.
    const wrongType = scriptYaml(
      '  a: { type: ask, text: 5, save: x, invalid: "{{ 1 + }}", choices: oops }\n',
    );
    expect(problems(wrongType).filter((line) => line.includes('template'))).toEqual([]);
  });

  it('warns about undeclared variables, with a suggestion', () => {
    expect(
      problems(
        scriptYaml('  hi: { type: message, text: "Hi {{ frstName }}" }\n', 'variables: { firstName: "" }\n'),
      ),
    ).toEqual([
      '5:30: warning: variable "frstName" is never declared or set, so it reads as empty text (did you mean "firstName"?)',
    ]);
  });

  it('counts variables set by blocks, system variables and response fields as declared', () => {
    const yaml = scriptYaml(
      [
        '  q: { type: ask, text: "Hi {{ clientExternalId }}", save: answer, next: r }',
        '  r:',
        '    type: request',
        '    url: "https://crm.example.com/{{ answer }}"',
        '    save: { code: status, product: body.product }',
        '    next: m',
        '  m: { type: message, text: "{{ code }} {{ product }} {{ response.status }} {{ env.KEY }}" }',
        '',
      ].join('\n'),
    );
    expect(problems(yaml)).toEqual([]);
  });

  it('refuses system variables among the declared ones', () => {
    expect(problems(scriptYaml('  hi: { type: end }\n', 'variables: { phone: "" }\n'))).toEqual([
      '3:14: error: "phone" is a system variable; the engine sets it (remove it from variables)',
    ]);
  });

  it('refuses choices without expect: choice, and unsafe patterns', () => {
    expect(
      problems(scriptYaml('  q: { type: ask, text: a, save: b, expect: text, choices: [{ label: x }] }\n')),
    ).toEqual(['4:45: error: choices need expect: choice (remove expect, or the choices)']);
    expect(
      problems(scriptYaml('  q: { type: ask, text: a, save: b, expect: { pattern: "(a)\\\\1" } }\n')),
    ).toEqual([
      '4:56: error: the pattern is refused: it is not a pattern botflow can run in linear time (invalid escape sequence: `\\1`)',
    ]);
  });

  it('accepts patterns that would backtrack elsewhere: RE2 matches in linear time', () => {
    expect(
      problems(scriptYaml('  q: { type: ask, text: a, save: b, expect: { pattern: "^((a+))+$" } }\n')),
    ).toEqual([]);
    expect(
      problems(scriptYaml('  q: { type: ask, text: a, save: b, expect: { pattern: "(\\\\w|\\\\d)+$" } }\n')),
    ).toEqual([]);
  });

  it('refuses blocks that set a variable only the engine sets', () => {
    expect(problems(scriptYaml('  q: { type: ask, text: a, save: lastMessage }\n'))).toEqual([
      '4:3: error: block "q" sets "lastMessage", which only the engine sets (use a variable of your own)',
    ]);
    expect(problems(scriptYaml('  b: { type: bpl, set: { env: "1" } }\n'))).toEqual([
      '4:3: error: block "b" sets "env", which only the engine sets (use a variable of your own)',
    ]);
    // A block may fill in the client's own details.
    expect(problems(scriptYaml('  q: { type: ask, text: a, save: email, expect: email }\n'))).toEqual([]);
  });

  it('refuses a request with both a body and a form', () => {
    expect(
      problems(
        scriptYaml(
          '  r: { type: request, method: POST, url: "https://x.example", body: { a: 1 }, form: { b: "2" } }\n',
        ),
      ),
    ).toEqual(['4:85: error: a request has a JSON body or a form, not both']);
  });

  it('reports every problem of a broken script in one run, in file order', () => {
    const yaml = [
      'botflow: 1',
      'name: broken',
      'blocks:',
      '  greet: { type: message, text: "Hi {{ nme }}", nxt: ask }',
      '  ask: { type: ask, text: "Mail?", save: mail, expect: emial }',
      '  check: { type: condition, branches: [{ if: "mail ==", next: done }], else: dne }',
      '  done: { type: mesage }',
      '',
    ].join('\n');
    expect(problems(yaml).map((p) => p.split(': ').slice(0, 2).join(': '))).toEqual([
      '4:49: error',
      '5:56: error',
      '6:54: error',
      '6:78: error',
      '7:17: error',
    ]);
  });
});
