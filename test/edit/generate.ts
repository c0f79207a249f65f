import fc from 'fast-check';

/*
 * Scripts written the many ways people write YAML, with comments everywhere: above and beside
 * keys, inside blocks and after them, set apart by blank lines or not; flow and block maps and
 * lists; single and double quotes; two to four spaces of indentation; LF or CRLF; with or without a
 * final line break. Their edges point at blocks of the script and at blocks it lacks.
 */

export interface Shape {
  readonly seed: number;
  readonly blocks: number;
  readonly unit: number;
  readonly indentLists: boolean;
  readonly crlf: boolean;
  readonly finalBreak: boolean;
  readonly setApart: boolean;
  readonly quote: "'" | '"';
}

export const shapes: fc.Arbitrary<Shape> = fc.record({
  seed: fc.integer(),
  blocks: fc.integer({ min: 1, max: 10 }),
  unit: fc.integer({ min: 2, max: 4 }),
  indentLists: fc.boolean(),
  crlf: fc.boolean(),
  finalBreak: fc.boolean(),
  setApart: fc.boolean(),
  quote: fc.constantFrom("'" as const, '"' as const),
});

/** A small seeded generator (mulberry32), so one shape always gives one text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['message', 'ask', 'condition', 'request', 'bpl', 'random', 'end'] as const;

export function generatedScript(shape: Shape): string {
  const next = random(shape.seed);
  const chance = (p: number) => next() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const ids = Array.from(
    { length: shape.blocks },
    (_, i) => `${pick(['greet', 'ask', 'check', 'step'])}-${i}`,
  );
  const target = () => (chance(0.1) ? 'ghost' : pick(ids));
  const q = (text: string) => `${shape.quote}${text}${shape.quote}`;
  const pad = (level: number) => ' '.repeat(shape.unit * level);
  const list = (level: number) => (shape.indentLists ? pad(level + 1) : pad(level));
  const note = () => (chance(0.3) ? `   # note ${Math.floor(next() * 100)}` : '');
  const lines: string[] = ['# A generated script', `botflow: 1${note()}`, 'name: generated'];
  if (chance(0.5)) lines.push(`start: ${pick(ids)}${note()}`);
  if (chance(0.3)) lines.push(`on_error: ${target()}`);
  lines.push(`blocks:${note()}`);
  for (const [index, id] of ids.entries()) {
    if (index > 0 && shape.setApart) lines.push('');
    if (chance(0.2)) lines.push(`${pad(1)}# ---- section ${index} ----`, '');
    if (chance(0.5)) lines.push(`${pad(1)}# about ${id}`);
    const type = pick(TYPES);
    const field = (text: string) => {
      if (chance(0.15)) lines.push(`${pad(2)}# before ${text.split(':')[0] ?? ''}`);
      lines.push(`${pad(2)}${text}${note()}`);
    };
    if (type === 'end' && chance(0.5)) {
      lines.push(`${pad(1)}${id}: { type: end, result: ${q('done')} }${note()}`);
      continue;
    }
    lines.push(`${pad(1)}${id}:${note()}`);
    field(`type: ${type}`);
    switch (type) {
      case 'message':
        field(`text: ${q(`Hello ${index}, {{ name }}!`)}`);
        if (chance(0.5)) field(`buttons: [${q('Yes')}, No]`);
        if (chance(0.8)) field(`next: ${target()}`);
        break;
      case 'ask':
        field(`text: ${q('Your name?')}`);
        field('save: name');
        if (chance(0.5)) {
          field('choices:');
          lines.push(`${list(2)}- { label: Small, next: ${target()} }`);
          lines.push(`${list(2)}- label: ${q('Large one')}`, `${list(2)}  next: ${target()}${note()}`);
        }
        if (chance(0.7)) field(`next: ${target()}`);
        if (chance(0.5)) field(`on: { invalid: ${target()} }`);
        break;
      case 'condition':
        field('branches:');
        for (let branch = 0; branch < 1 + Math.floor(next() * 3); branch += 1) {
          if (chance(0.3)) lines.push(`${list(2)}# branch ${branch}`);
          lines.push(`${list(2)}- if: ${q(`age > ${branch}`)}`, `${list(2)}  next: ${target()}${note()}`);
        }
        field(`else: ${target()}`);
        break;
      case 'request':
        field(`url: ${q('https://crm.example/{{ id }}')}`);
        if (chance(0.5)) field(`headers: { Authorization: ${q('Bearer {{ env.TOKEN }}')} }`);
        field('on:');
        lines.push(`${pad(3)}success: ${target()}${note()}`, `${pad(3)}'404': ${target()}`);
        break;
      case 'bpl':
        field('set:');
        lines.push(`${pad(3)}total: ${q('1 + 2')}`);
        field(`next: ${target()}`);
        if (chance(0.5)) {
          field('on:');
          lines.push(`${pad(3)}error: ${target()}`);
        }
        break;
      case 'random':
        field('branches:');
        lines.push(
          `${list(2)}- { weight: 1, next: ${target()} }`,
          `${list(2)}- { weight: 2, next: ${target()} }`,
        );
        break;
      case 'end':
        field(`text: ${q('Bye')}`);
        break;
    }
    if (chance(0.3)) lines.push(`${pad(2)}# the end of ${id}`);
  }
  if (chance(0.5)) lines.push('# the last comment');
  const text = lines.join(shape.crlf ? '\r\n' : '\n');
  return shape.finalBreak ? text + (shape.crlf ? '\r\n' : '\n') : text;
}
