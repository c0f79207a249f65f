import { describe, expect, it } from 'vitest';
import { valueOf } from './helpers.js';

const scope = {
  body: { order: { product: 'Kettle', tags: ['new', 'sale'] }, items: [{ name: 'a' }, { name: 'b' }] },
  name: 'Zoë',
};

describe('member access', () => {
  it('reads nested own properties with . and []', () => {
    expect(valueOf('body.order.product', scope)).toBe('Kettle');
    expect(valueOf('body["order"]["product"]', scope)).toBe('Kettle');
    expect(valueOf('body.items[1].name', scope)).toBe('b');
    expect(valueOf('body.order.tags[0]', scope)).toBe('new');
  });

  it('takes computed keys and indexes', () => {
    expect(valueOf('body.items[i].name', { ...scope, i: 0 })).toBe('a');
    expect(valueOf('body.items[i].name', { ...scope, i: '1' })).toBe('b');
    expect(valueOf('body[key].product', { ...scope, key: 'order' })).toBe('Kettle');
    expect(valueOf('data[1]', { data: { 1: 'one' } })).toBe('one');
  });

  it('reads a missing member anywhere in a chain as empty text', () => {
    expect(valueOf('body.order.price', scope)).toBe('');
    expect(valueOf('body.nothing.deeper.still', scope)).toBe('');
    expect(valueOf('missing.a[0].b', scope)).toBe('');
    expect(valueOf('body.items[5]', scope)).toBe('');
    expect(valueOf('body.items[-1]', scope)).toBe('');
    expect(valueOf('body.items[0.5]', scope)).toBe('');
    expect(valueOf('body.items[true]', scope)).toBe('');
    expect(valueOf('name.first', scope)).toBe('');
    expect(valueOf('(5).x', scope)).toBe('');
  });

  it('gives the length of lists and texts (in characters)', () => {
    expect(valueOf('body.items.length', scope)).toBe(2);
    expect(valueOf('name.length', scope)).toBe(3);
    expect(valueOf('(split("a b c")).length')).toBe(3);
    expect(valueOf('obj.length', { obj: { length: 'own' } })).toBe('own');
  });

  it('indexes a list built in the expression, and lists of lists', () => {
    expect(valueOf('["a", "b"][1]')).toBe('b');
    expect(valueOf('m[1][0]', { m: [[1], [2]] })).toBe(2);
  });

  it('returns lists and objects as copies, so the scope cannot be changed through them', () => {
    const value = valueOf('body.order', scope);
    expect(value).toEqual(scope.body.order);
    expect(value).not.toBe(scope.body.order);
  });
});

describe('host values are never reachable', () => {
  it('does not see inherited members, even harmless-looking ones', () => {
    for (const member of ['toString', 'valueOf', 'hasOwnProperty', 'map', 'push']) {
      expect(valueOf(`obj.${member}`, { obj: {} })).toBe('');
      expect(valueOf(`list.${member}`, { list: [] })).toBe('');
      expect(valueOf(`text.${member}`, { text: 'abc' })).toBe('');
    }
  });

  it('reads a function, symbol or bigint as missing, and leaves it out of objects', () => {
    const hostile = { fn: () => 'pwned', symbol: Symbol('s'), big: 10n, nested: { fn: Math.max } };
    expect(valueOf('fn', hostile)).toBe('');
    expect(valueOf('symbol || big', hostile)).toBe('');
    expect(valueOf('nested', hostile)).toEqual({});
    expect(valueOf('nested.fn', hostile)).toBe('');
  });

  it('does not run getters', () => {
    let ran = false;
    const withGetter = {
      get secret(): string {
        ran = true;
        return 'secret';
      },
    };
    expect(valueOf('obj.secret', { obj: withGetter })).toBe('');
    expect(valueOf('obj', { obj: withGetter })).toEqual({});
    expect(ran).toBe(false);
  });

  it('does not run toJSON, and reads class instances, Maps and the like as missing', () => {
    class Client {
      readonly id = 7;
      toJSON(): never {
        throw new Error('toJSON ran');
      }
    }
    const hostObjects = { client: new Client(), map: new Map([['a', 1]]), error: new Error('x') };
    expect(valueOf('client', hostObjects)).toBe('');
    expect(valueOf('client.id', hostObjects)).toBe('');
    expect(valueOf('map.size || error.message', hostObjects)).toBe('');
    expect(valueOf('toText(data)', { data: { c: new Client(), list: [new Client()] } })).toBe(
      '{"list":[null]}',
    );
  });

  it('reads a Date as its ISO text', () => {
    const now = new Date(Date.UTC(2024, 4, 17, 10, 30));
    expect(valueOf('now', { now })).toBe('2024-05-17T10:30:00.000Z');
    expect(valueOf('now', { now: new Date(NaN) })).toBe('');
  });

  it('skips prototype-named keys that JSON.parse made own properties', () => {
    const parsed = JSON.parse('{"__proto__": {"admin": true}, "constructor": 1, "ok": 2}') as unknown;
    expect(valueOf('body', { body: parsed })).toEqual({ ok: 2 });
    expect(valueOf('body[key].admin', { body: parsed, key: '__proto__' })).toBe('');
    expect(valueOf('body[key]', { body: parsed, key: 'constructor' })).toBe('');
  });

  it('accepts null-prototype objects as data', () => {
    const data = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(valueOf('data.a', { data })).toBe(1);
  });

  it('only reads own variables of the scope', () => {
    const scope = Object.create({ inherited: 'from prototype' }) as Record<string, unknown>;
    expect(valueOf('inherited', scope)).toBe('');
    expect(valueOf('toString || hasOwnProperty')).toBe('');
  });

  it('reads holes in a list as null and non-finite numbers as missing', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    expect(valueOf('list', { list: sparse })).toEqual([1, null, 3]);
    expect(valueOf('n', { n: Number.NaN })).toBe('');
    expect(valueOf('n', { n: -0 })).toBe(0);
  });
});
