import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { loadScript, scriptEdges } from '../../engine/index.js';
import type { StudioModel } from '../../studio/protocol.js';
import { LABEL_LIMIT, MAX_DRAWN_BLOCKS, ModelBuilder } from '../../studio/server/model.js';

const FILE = 'scripts/order-status.yaml';
const build = async (text: string, builder = new ModelBuilder()) => (await builder.build(FILE, text)).model;
const places = (model: StudioModel) => model.nodes.map((node) => [node.id, node.x, node.y]);

describe('the studio’s model of a script', () => {
  test('has a node per block, every edge of the script routed, and the start and on_error markers', async () => {
    const script = await loadScript(FILE);
    const model = await build(await readFile(FILE, 'utf8'));
    expect(model.loads).toBe(true);
    expect(model.nodes.filter((node) => node.kind === 'block').map((node) => node.id)).toEqual([
      ...script.blocks.keys(),
    ]);
    const edges = scriptEdges(script).map(({ from, edge }) => [from, edge.target, edge.label ?? '']);
    expect(
      model.edges.filter((edge) => !edge.from.startsWith('$')).map((e) => [e.from, e.target, e.label]),
    ).toEqual(edges);
    expect(model.edges.find((edge) => edge.from === '$start')?.to).toBe(script.start);
    expect(model.edges.find((edge) => edge.from === '$on_error')).toMatchObject({
      to: 'crm-down',
      label: 'on_error',
    });
    for (const edge of model.edges) expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
    for (const node of model.nodes) {
      expect(node.x + node.width, node.id).toBeLessThanOrEqual(model.width);
      expect(node.y + node.height, node.id).toBeLessThanOrEqual(model.height);
    }
  });

  test('the same script always gets the same picture, and an edit of a text moves nothing', async () => {
    const text = await readFile(FILE, 'utf8');
    const first = await build(text);
    expect(places(await build(text))).toEqual(places(first));
    const edited = await build(text.replace('Sorry, try later.', 'Sorry, please try again in an hour.'));
    expect(places(edited)).toEqual(places(first));
  });

  test('a new branch or block does not reshuffle: every block keeps its place left or right of every other', async () => {
    const text = await readFile(FILE, 'utf8');
    const first = await build(text);
    const order = (model: StudioModel) => {
      const x = new Map(model.nodes.map((node) => [node.id, node.x]));
      return first.nodes.flatMap((a) =>
        first.nodes.map((b) => Math.sign((x.get(a.id) ?? 0) - (x.get(b.id) ?? 0))),
      );
    };
    const branched = await build(
      text.replace(
        '        next: show\n',
        '        next: show\n      - if: "status == \'late\'"\n        next: thanks\n',
      ),
    );
    expect(branched.edges.some((edge) => edge.label === "status == 'late'")).toBe(true);
    expect(order(branched)).toEqual(order(first));
    const added = await build(`${text}  extra: { type: end, text: Bye }\n`);
    expect(added.nodes.some((node) => node.id === 'extra')).toBe(true);
    expect(order(added)).toEqual(order(first));
  });

  test('an edge to a block the script lacks ends at a missing node, and long conditions are shortened on the edge', async () => {
    const model = await build(
      [
        'botflow: 1',
        'name: gaps',
        'blocks:',
        '  check:',
        '    type: condition',
        '    branches:',
        `      - if: "lower(trim(answer)) == 'yes please, send me the offers'"`,
        '        next: offers',
        '    else: nowhere',
        '  offers: { type: end }',
      ].join('\n'),
    );
    expect(model.loads).toBe(false);
    expect(model.nodes.find((node) => node.kind === 'missing')).toMatchObject({
      id: '$missing:nowhere',
      summary: 'nowhere',
    });
    expect(model.edges.find((edge) => edge.label === 'else')?.to).toBe('$missing:nowhere');
    const label = model.edges.find((edge) => edge.to === 'offers')?.label ?? '';
    expect(label).toHaveLength(LABEL_LIMIT);
    expect(label.endsWith('…')).toBe(true);
    expect(
      model.nodes.find((node) => node.id === 'check')?.problems.map((i) => model.problems[i]?.code),
    ).toEqual(['variable.undeclared', 'block.unknown-target']);
  });
});

describe('long edges', () => {
  test('in a large script, an edge crossing more than three columns ends at a "go to" node beside its source, naming its target', async () => {
    const lines = ['botflow: 1', 'name: chain', 'blocks:'];
    for (let i = 0; i < 30; i++)
      lines.push(`  b${i}: { type: ask, text: "Q${i}?", save: answer, next: c${i} }`);
    for (let i = 0; i < 30; i++) {
      lines.push(
        `  c${i}:`,
        '    type: condition',
        `    branches: [{ if: "answer == 'stop'", next: done }]`,
        `    else: ${i < 29 ? `b${i + 1}` : 'done'}`,
      );
    }
    lines.push('  done: { type: end }');
    const model = await build(`${lines.join('\n')}\n`);
    const jumps = model.nodes.filter((node) => node.kind === 'jump');
    const long = model.edges.filter((edge) => edge.to.startsWith('$jump:'));
    expect(jumps.length).toBeGreaterThan(0);
    expect(long.map((edge) => edge.to)).toEqual(jumps.map((node) => node.id));
    for (const edge of long) {
      expect(edge.target).toBe('done');
      expect(model.nodes.find((node) => node.id === edge.to)).toMatchObject({
        summary: 'done',
        goesTo: 'done',
      });
    }
    // Short edges still reach their block: the last condition's branch is one column from done.
    // (A small script draws every edge whole: see the sample scripts.)
    expect(model.edges.find((edge) => edge.id === 'c29 branches[0].next')?.to).toBe('done');
    expect(model.edges.find((edge) => edge.id === 'c0 branches[0].next')?.to).toBe(
      '$jump:c0 branches[0].next',
    );
  });
});

describe('bounds', () => {
  test('a script with more blocks than the studio draws lists its problems and draws nothing', async () => {
    const blocks = Array.from({ length: MAX_DRAWN_BLOCKS + 1 }, (_, i) => `  b${i}: { type: end }`);
    const model = await build(['botflow: 1', 'name: huge', 'blocks:', ...blocks].join('\n'));
    expect(model.nodes).toEqual([]);
    expect(model.edges).toEqual([]);
    expect(model.problems[0]).toMatchObject({
      code: 'studio.too-many-blocks',
      message: `the script has ${MAX_DRAWN_BLOCKS + 1} blocks; the studio draws at most ${MAX_DRAWN_BLOCKS}`,
    });
    expect(model.problems.filter((problem) => problem.code === 'block.unreachable')).toHaveLength(
      MAX_DRAWN_BLOCKS,
    );
  });
});

describe('ids', () => {
  test('a marker never takes the id of a block, even of an invalid one named like it', async () => {
    const model = await build(
      [
        'botflow: 1',
        'name: odd',
        'on_error: $on_error',
        'blocks:',
        '  $start: { type: end }',
        '  $on_error: { type: end }',
        '  b: { type: message, text: Hi, next: $missing:x }',
      ].join('\n'),
    );
    const ids = model.nodes.map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(model.nodes.filter((node) => node.kind === 'start').map((node) => node.id)).toEqual(['$start~']);
    expect(model.edges.find((edge) => edge.path === 'start')).toMatchObject({
      from: '$start~',
      to: '$start',
    });
    expect(model.edges.find((edge) => edge.path === 'on_error')).toMatchObject({
      from: '$on_error~',
      to: '$on_error',
    });
  });
});
