import { describe, expect, it } from 'vitest';
import { createBot, MissingEnvError } from '../../engine/index.js';
import { problems, scriptOf, yaml } from '../support/scripts.js';

/** The trial's script: a CRM lookup whose url and header read env, with `env:` written by each test. */
const crm = (env: string) => yaml`
  botflow: 1
  name: crm
  ${env}
  blocks:
    lookup:
      type: request
      url: '{{ env.CRM_URL }}/clients/{{ clientExternalId }}'
      headers: { Authorization: 'Bearer {{ env.CRM_TOKEN }}' }
      on: { error: down, success: done }
    down: { type: end, text: 'Our CRM is down', result: error }
    done: { type: end, result: ok }
`;

describe('env: at the top of a script', () => {
  it('may be a list of names or a map of names to descriptions; the script keeps them in order', () => {
    expect([...scriptOf(crm('env: [CRM_URL, CRM_TOKEN]')).env]).toEqual([
      ['CRM_URL', ''],
      ['CRM_TOKEN', ''],
    ]);
    const described = scriptOf(crm("env: { CRM_URL: the CRM's address, CRM_TOKEN: its API token }"));
    expect([...described.env]).toEqual([
      ['CRM_URL', "the CRM's address"],
      ['CRM_TOKEN', 'its API token'],
    ]);
    expect(described.warnings).toEqual([]);
  });

  it('reading env.X that is not declared is an error at its line and column, with or without env:', () => {
    expect(problems(crm(''))).toEqual([
      '7:14: error: env.CRM_URL is not declared (add env: [CRM_URL, CRM_TOKEN] at the top of the script)',
      '8:42: error: env.CRM_TOKEN is not declared (add env: [CRM_URL, CRM_TOKEN] at the top of the script)',
    ]);
    expect(problems(crm('env: [CRM_URL]'))).toEqual([
      '8:42: error: env.CRM_TOKEN is not declared (add CRM_TOKEN under env:)',
    ]);
  });

  it('suggests the declared name closest to a misspelt one, and warns of the declared name never read', () => {
    expect(problems(crm('env: [CRM_URL, CRM_TOKEN]').replace('env.CRM_URL', 'env.CRM_ULR'))).toEqual([
      '3:7: warning: env.CRM_URL is declared but never read (read it as env.CRM_URL, or remove it from env:)',
      '7:14: error: env.CRM_ULR is not declared (did you mean env.CRM_URL?)',
    ]);
    expect(problems(crm('env: { CRM_URL: a, CRM_TOKEN: b, SPARE: c }'))).toEqual([
      '3:34: warning: env.SPARE is declared but never read (read it as env.SPARE, or remove it from env:)',
    ]);
  });

  it('reads in expressions count too, and env read whole or by a computed name is refused', () => {
    const text = yaml`
      botflow: 1
      name: reads
      env: [TIER]
      blocks:
        check:
          type: condition
          branches: [{ if: "env.TIER == 'vip' or env.LEVEL == '2'", next: done }]
          else: done
        done: { type: end, text: '{{ env[tierName] }}' }
    `;
    expect(problems(text)).toEqual([
      '7:44: error: env.LEVEL is not declared (add LEVEL under env:)',
      '9:28: warning: variable "tierName" is never declared or set, so it reads as empty text (declare it under variables: with a default)',
      '9:32: error: env is read whole or by a computed name, so what the script needs cannot be checked (read each value by its name, as env.NAME)',
    ]);
  });

  it('takes names as identifiers, each once, at most 100', () => {
    const many = Array.from({ length: 101 }, (_, i) => `N${i}`).join(', ');
    expect(problems(crm('env: [CRM_URL, CRM_TOKEN, CRM_URL, 2FA]'))).toEqual([
      '3:27: error: item 3 is not valid: CRM_URL is listed twice',
      '3:36: error: item 4 is not valid: an env name is letters, digits and _, not starting with a digit',
    ]);
    expect(problems(crm(`env: [${many}]`))).toEqual([
      '3:6: error: "env" is not valid: it declares more than 100 names',
    ]);
  });
});

describe('createBot with a script whose declared env has no value', () => {
  it('refuses it, naming every missing or empty name in one sentence', () => {
    const script = scriptOf(crm('env: [CRM_URL, CRM_TOKEN]'));
    const create = () => createBot({ script, env: { CRM_TOKEN: '' } });
    expect(create).toThrow(MissingEnvError);
    expect(create).toThrow(
      'env.CRM_URL and env.CRM_TOKEN have no value: give values in the env option of createBot',
    );
    expect(() =>
      createBot({ script, env: { CRM_URL: 'https://crm.example', CRM_TOKEN: 't' } }),
    ).not.toThrow();
  });
});
