import { describe, expect, it } from 'vitest';
import { problems, yaml } from '../support/scripts.js';

/** The type checks of docs/expressions.md, "Types": one fixture each, with its exact message and position. */
describe('types checked at load', () => {
  it('catches the trial’s mistake: a CRM text compared with a number, naming the variable, its type and where it comes from', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: trial
        variables:
          product: ''
        blocks:
          lookup:
            type: request
            url: 'https://crm.example.com/clients/{{ clientExternalId }}'
            save:
              product: body.order.product
            next: check
          check:
            type: condition
            branches:
              - if: 'product >= 18'
                next: done
            else: done
          done: { type: end }
      `),
    ).toEqual([
      '15:14: error: product is text (its default under variables, line 4; block lookup, line 10, saves body.order.product), ' +
        'and 18 is a number: >= compares numbers with numbers, and text with text (convert it with toNumber(product))',
    ]);
  });

  it('takes a split part as text until it is converted, and a union when it is both', () => {
    const script = (set: string) => yaml`
      botflow: 1
      name: split
      variables: { cl_data: '' }
      blocks:
        unpack:
          type: bpl
          split: { from: cl_data, into: [firstName, age] }${set}
          next: check
        check:
          type: condition
          branches: [{ if: 'age >= 18', next: done }]
          else: done
        done: { type: end }
    `;
    expect(problems(script(''))).toEqual([
      '11:23: error: age is text (block unpack, line 7, a part split from cl_data), and 18 is a number: ' +
        '>= compares numbers with numbers, and text with text (convert it with toNumber(age))',
    ]);
    // Set to toNumber(age) as well: a number or text, which may compare.
    expect(problems(script("\n          set: { age: 'toNumber(age)' }"))).toEqual([]);
  });

  it('says equality between a number and text is always false', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: eq
        blocks:
          ask:
            type: ask
            text: 'How old are you?'
            save: age
            expect: number
            next: check
          check:
            type: condition
            branches: [{ if: "age == '18'", next: done }]
            else: done
          done: { type: end }
      `),
    ).toEqual([
      '12:23: error: age is a number (block ask, line 7, asks with expect: number), and "18" is text: ' +
        '== never converts, so it is always false (write the number without quotes: 18)',
    ]);
  });

  it('checks arithmetic, function arguments and the `in` operator, in templates too', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: calls
        variables: { name: Ann, tags: '', vip: false }
        blocks:
          hi:
            type: message
            text: '{{ round(name) }} {{ name * 2 }} {{ "a" in vip }} {{ "Hi " + name }}'
            next: done
          done: { type: end }
      `),
    ).toEqual([
      '7:21: error: name is text (its default under variables, line 3), but round takes a number as its first argument (convert it with toNumber(name))',
      '7:33: error: name is text (its default under variables, line 3), but * needs numbers (convert it with toNumber(name))',
      '7:55: error: vip is a boolean (its default under variables, line 3), but in looks inside a list, an object or text',
      '7:66: error: "Hi " is text, but + needs numbers (join text with ||)',
    ]);
  });

  it('types the choices’ values, system variables and env', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: kinds
        env: [LIMIT]
        blocks:
          size:
            type: ask
            text: Size?
            save: size
            choices: [{ label: Small, value: 1 }, { label: Large, value: 2 }]
            next: check
          check:
            type: condition
            branches:
              - if: 'size > 1 and length(phone) > 3 and now > "2024-01-01"'
                next: done
              - if: 'env.LIMIT > 3'
                next: done
            else: done
          done: { type: end }
      `),
    ).toEqual([
      '16:14: error: env.LIMIT is text, and 3 is a number: > compares numbers with numbers, and text with text',
    ]);
  });

  it('never errs on an unknown type: a CRM body, a link’s variable, a response', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: unknown
        blocks:
          lookup:
            type: request
            url: 'https://crm.example.com/x'
            save: { total: body.total }
            next: check
          check:
            type: condition
            branches: [{ if: 'total > 100 and fromLink * 2 > 1 and response.x == 1', next: done }]
            else: done
          done: { type: end }
      `),
    ).toEqual([
      '11:22: warning: variable "fromLink" is never declared or set, so it reads as empty text (declare it under variables: with a default)',
    ]);
  });

  it('follows a set through others, to a fixed point', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: chain
        blocks:
          calc:
            type: bpl
            set: { a: 'b', b: 'c', c: "'text'" }
            next: check
          check:
            type: condition
            branches: [{ if: 'a > 1', next: done }]
            else: done
          done: { type: end }
      `),
    ).toEqual([
      '10:23: error: a is text (block calc, line 6, set to b), and 1 is a number: > compares numbers with numbers, and text with text (convert it with toNumber(a))',
    ]);
  });

  it('suggests the function meant by a misspelt name', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: typo
        variables: { name: Ann }
        blocks:
          hi: { type: end, text: '{{ lenght(name) }}' }
      `),
    ).toEqual(['5:30: error: template: unknown function "lenght" (did you mean length?)']);
  });

  it('takes variables named like an object’s methods as variables', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: methods
        variables: { toString: '', valueOf: 0 }
        blocks:
          calc: { type: bpl, set: { hasOwnProperty: 'valueOf + 1' }, next: done }
          done: { type: end, text: '{{ toString }} {{ hasOwnProperty * 2 }}' }
      `),
    ).toEqual([]);
  });

  it('lets any variable be compared with empty text (not set yet), and + convert text', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: set-yet
        variables: { cl_data: '' }
        blocks:
          qty:
            type: ask
            text: How many?
            save: qty
            expect: number
            next: unpack
          unpack:
            type: bpl
            split: { from: cl_data, into: [first, age] }
            set: { next_age: '+age + 1' }
            next: check
          check:
            type: condition
            branches: [{ if: "qty != '' and next_age > 18", next: done }]
            else: done
          done: { type: end }
      `),
    ).toEqual([]);
  });

  it('points at the name itself, not at a longer name that starts like it', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: columns
        variables: { agent: 0, age: '' }
        blocks:
          check:
            type: condition
            branches: [{ if: 'agent > 1 and age > 1', next: done }]
            else: done
          done: { type: end }
      `),
    ).toEqual([
      '7:37: error: age is text (its default under variables, line 3), and 1 is a number: > compares numbers with numbers, and text with text (convert it with toNumber(age))',
    ]);
  });

  it('follows a long chain of sets to the end, in any order', () => {
    const chain = Array.from({ length: 25 }, (_, i) => `a${i}: 'a${i + 1}'`).join(', ');
    expect(
      problems(yaml`
        botflow: 1
        name: chain
        blocks:
          calc: { type: bpl, set: { ${chain}, a25: "'t'" }, next: other }
          other: { type: bpl, set: { a0: '1' }, next: check }
          check:
            type: condition
            branches: [{ if: "a0 == 't'", next: done }]
            else: done
          done: { type: end }
      `),
    ).toEqual([]);
  });

  it('refuses a number in quotes against text, and says to drop the quotes', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: quoted
        variables: { product: '' }
        blocks:
          a: { type: ask, text: Age?, save: age, expect: number, next: check }
          check:
            type: condition
            branches: [{ if: 'product >= "18" or age == "18"', next: done }]
            else: done
          done: { type: end }
      `),
    ).toEqual([
      '8:23: error: product is text (its default under variables, line 3), and "18" is text: >= orders two texts alphabetically ("9" comes after "18") (compare numbers: toNumber(product) and 18 without quotes)',
      '8:42: error: age is a number (block a, line 5, asks with expect: number), and "18" is text: == never converts, so it is always false (write the number without quotes: 18)',
    ]);
  });

  it('checks the other expressions when one does not parse', () => {
    expect(
      problems(yaml`
        botflow: 1
        name: both
        variables: { name: Ann }
        blocks:
          calc: { type: bpl, set: { n: 'lenght(name)' }, next: done }
          done: { type: end, text: '{{ round(name) }} {{ n * 2 }}' }
      `),
    ).toEqual([
      '5:33: error: expression: unknown function "lenght" (did you mean length?)',
      '6:38: error: name is text (its default under variables, line 3), but round takes a number as its first argument (convert it with toNumber(name))',
    ]);
  });
});
