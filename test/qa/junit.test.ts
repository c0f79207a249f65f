import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { toJUnitXml, type JUnitSuite } from '../../qa/junit.js';
import type { CaseResult } from '../../qa/run-case.js';

/** Jenkins xUnit plugin's junit-10.xsd, verbatim; test/fixtures/junit/README.md says where from. */
const XSD = fileURLToPath(new URL('../fixtures/junit/junit-10.xsd', import.meta.url));

/**
 * Validates with the real xmllint. Never skipped: a machine without it fails here, and
 * .ci/run installs it (Debian package libxml2-utils).
 */
function xmllint(xml: string): { valid: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--schema', XSD, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) {
    throw new Error(`these tests need xmllint (Debian: apt-get install libxml2-utils): ${run.error.message}`);
  }
  return { valid: run.status === 0, output: run.stderr };
}

const { DOMParser } = new JSDOM('').window;

function parse(xml: string): Document {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
  return doc;
}

const children = (parent: Element, tag: string) =>
  [...parent.children].filter((child) => child.tagName === tag);

function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`there is no item ${index} of ${list.length}`);
  return item;
}

function only(parent: Element, tag: string): Element {
  const found = children(parent, tag);
  expect(found, `one <${tag}> in <${parent.tagName}>`).toHaveLength(1);
  return nth(found, 0);
}

const testcases = (doc: Document) => [...doc.getElementsByTagName('testcase')];

/** XML 1.0's Char production: what survives, everything else is dropped. */
const xmlSafe = (s: string) => s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');

const ORDER = 'cases/order-status.cases.yaml';
const LEAD = 'cases/lead.cases.yaml';

const passed = (name: string, file: string, transcript: string[], durationMs: number): CaseResult => ({
  name,
  file,
  passed: true,
  transcript,
  trace: [
    { block: 'start', edge: 'next' },
    { block: 'greet', edge: 'next' },
  ],
  durationMs,
});

const HOSTILE_NAME = 'a & b <c> "d" \'e\' ]]> \u0000\u0007\u000B\u000C\u001F\uFFFE tab\there 🙂 Привет';
const HOSTILE_TRANSCRIPT = [
  'bot: ]]> <![CDATA[ not a section ]]> &amp; </system-out>',
  'user: \u0001\u0008 😀👍🏽 Здравствуйте & <b>bold</b>',
  'bot: line\r\nbreak \uD800 lone surrogate',
];

const suites: JUnitSuite[] = [
  {
    file: ORDER,
    results: [
      passed(
        'known client from a Telegram link',
        ORDER,
        ['bot: Your order: Kettle', 'user: thanks'],
        12.3456,
      ),
      {
        name: 'unknown client',
        file: ORDER,
        passed: false,
        failure: {
          step: 2,
          position: { file: ORDER, line: 14, column: 9, path: 'cases[1].steps[1]' },
          message: 'the bot did not say what was expected',
          expected: '"Your order: Kettle"',
          got: '"We could not find you"',
        },
        transcript: ['bot: Hello!', 'bot: We could not find you'],
        trace: [{ block: 'start', edge: 'next' }],
        durationMs: 3.5,
      },
    ],
  },
  {
    file: LEAD,
    results: [
      passed(HOSTILE_NAME, LEAD, HOSTILE_TRANSCRIPT, 1000),
      {
        name: 'lead is stored',
        file: LEAD,
        passed: false,
        failure: {
          position: { file: LEAD, line: 3, column: 5, path: 'cases[1]' },
          message: 'the final result differs',
          expected: '"ok"',
          got: 'null',
        },
        transcript: ['bot: What is your name?', 'user: Ann <ann@example.com>'],
        trace: [],
        durationMs: Number.NaN,
      },
    ],
  },
];

const TIMESTAMP = new Date('2024-05-06T07:08:09.123Z');
const xml = toJUnitXml(suites, { timestamp: TIMESTAMP, hostname: 'ci-runner' });

describe('toJUnitXml', () => {
  it('writes one testsuite per case file and one testcase per case, with their counts and times', () => {
    const root = parse(xml).documentElement;
    expect(root.tagName).toBe('testsuites');
    expect(root.getAttribute('name')).toBe('botflow');
    expect(root.getAttribute('tests')).toBe('4');
    expect(root.getAttribute('failures')).toBe('2');
    expect(root.getAttribute('time')).toBe('1.016'); // 12.3456 + 3.5 + 1000 ms (NaN counts as 0)

    const [order, lead] = children(root, 'testsuite');
    expect(children(root, 'testsuite')).toHaveLength(2);
    for (const [suite, name, time] of [
      [order, ORDER, '0.016'],
      [lead, LEAD, '1.000'],
    ] as const) {
      expect(suite?.getAttribute('name')).toBe(name);
      expect(suite?.getAttribute('tests')).toBe('2');
      expect(suite?.getAttribute('failures')).toBe('1');
      expect(suite?.getAttribute('errors')).toBe('0');
      expect(suite?.getAttribute('skipped')).toBe('0');
      expect(suite?.getAttribute('time')).toBe(time);
      expect(suite?.getAttribute('timestamp')).toBe('2024-05-06T07:08:09');
      expect(suite?.getAttribute('hostname')).toBe('ci-runner');
    }

    const cases = testcases(root.ownerDocument);
    expect(cases.map((c) => [c.getAttribute('classname'), c.getAttribute('time')])).toEqual([
      ['order-status', '0.012'],
      ['order-status', '0.004'],
      ['lead', '1.000'],
      ['lead', '0.000'],
    ]);
    expect(cases.map((c) => children(c, 'failure').length)).toEqual([0, 1, 0, 1]);
    // Every case carries its transcript.
    expect(cases.map((c) => only(c, 'system-out').textContent)).toEqual([
      'bot: Your order: Kettle\nuser: thanks\n',
      'bot: Hello!\nbot: We could not find you\n',
      `${xmlSafe(HOSTILE_TRANSCRIPT.join('\n'))}\n`,
      'bot: What is your name?\nuser: Ann <ann@example.com>\n',
    ]);
  });

  it('says in a failure which step failed and where, what was expected, what came, and the transcript', () => {
    const cases = testcases(parse(xml));
    const failure = only(nth(cases, 1), 'failure');
    expect(failure.getAttribute('type')).toBe('AssertionError');
    expect(failure.getAttribute('message')).toBe(
      `step 2 (${ORDER}:14:9): the bot did not say what was expected`,
    );
    expect(failure.textContent).toBe(
      [
        `step 2 (${ORDER}:14:9): the bot did not say what was expected`,
        'expected: "Your order: Kettle"',
        'got: "We could not find you"',
        '',
        'transcript:',
        'bot: Hello!',
        'bot: We could not find you',
      ].join('\n'),
    );

    // A failure outside the steps (the final expectations) points at the case.
    const final = only(nth(cases, 3), 'failure');
    expect(final.getAttribute('message')).toBe(`case (${LEAD}:3:5): the final result differs`);
    expect(final.textContent).toContain(
      'expected: "ok"\ngot: null\n\ntranscript:\nbot: What is your name?\nuser: Ann <ann@example.com>',
    );
  });

  it('escapes markup and drops what XML 1.0 cannot carry, keeping emoji, Cyrillic and line breaks', () => {
    // Nothing forbidden reaches the text, and `]]>` only ever appears escaped.
    expect(xml).toBe(xmlSafe(xml));
    expect(xml).not.toContain(']]>');
    expect(xml).not.toContain('<![CDATA[');
    expect(xml).toContain('🙂 Привет');

    const hostile = nth(testcases(parse(xml)), 2);
    expect(hostile.getAttribute('name')).toBe(xmlSafe(HOSTILE_NAME));
    expect(hostile.getAttribute('name')).toBe('a & b <c> "d" \'e\' ]]>  tab\there 🙂 Привет');
    const out = only(hostile, 'system-out').textContent;
    expect(out).toContain(']]> <![CDATA[ not a section ]]> &amp; </system-out>');
    expect(out).toContain('user:  😀👍🏽 Здравствуйте & <b>bold</b>');
    expect(out).toContain('line\r\nbreak  lone surrogate'); // the \r survives as &#13;
    expect(children(hostile, 'failure')).toHaveLength(0);
  });

  it('keeps any text intact but for the characters XML forbids, and stays valid (property)', () => {
    const generated: JUnitSuite[] = [];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string({ unit: 'binary', maxLength: 40 }),
            file: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
            line: fc.string({ unit: 'binary', maxLength: 40 }),
            message: fc.string({ unit: 'binary', maxLength: 40 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (cases) => {
          const suites = cases.map(({ name, file, line, message }) => ({
            file,
            results: [
              {
                name,
                file,
                passed: false,
                failure: { position: { file, line: 1, column: 1, path: 'cases[0]' }, message },
                transcript: [line],
                trace: [],
                durationMs: 1,
              },
            ],
          }));
          const found = testcases(parse(toJUnitXml(suites)));
          expect(found.map((c) => c.getAttribute('name'))).toEqual(cases.map((c) => xmlSafe(c.name)));
          expect(found.map((c) => only(c, 'system-out').textContent)).toEqual(
            cases.map((c) => `${xmlSafe(c.line)}\n`),
          );
          expect(found.map((c) => only(c, 'failure').getAttribute('message'))).toEqual(
            cases.map((c) => xmlSafe(`case (${c.file}:1:1): ${c.message}`)),
          );
          generated.push(...suites);
        },
      ),
      { numRuns: 200 },
    );
    // Every generated suite in one report: one xmllint process instead of two hundred.
    const check = xmllint(toJUnitXml(generated));
    expect(check.valid, check.output).toBe(true);
  });

  it('defaults to now, in UTC without a zone, and to this machine’s name', () => {
    const before = new Date().toISOString().slice(0, 19);
    const suite = parse(toJUnitXml([{ file: ORDER, results: [] }])).documentElement.firstElementChild;
    const timestamp = suite?.getAttribute('timestamp') ?? '';
    expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(timestamp >= before).toBe(true);
    expect(suite?.getAttribute('hostname')).toBe(hostname() || 'localhost');
    expect(suite?.getAttribute('tests')).toBe('0');
  });
});

describe('the report against the published JUnit XSD (xmllint)', () => {
  it('has xmllint to validate with', () => {
    const run = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
    expect(run.error, 'install xmllint: apt-get install libxml2-utils').toBeUndefined();
    expect(run.status).toBe(0);
  });

  it('accepts the report, an empty run and a file with no cases', () => {
    for (const report of [
      xml,
      toJUnitXml([], { timestamp: TIMESTAMP, hostname: 'h' }),
      toJUnitXml([{ file: ORDER, results: [] }], { timestamp: TIMESTAMP, hostname: 'h' }),
    ]) {
      const check = xmllint(report);
      expect(check.output).toContain('- validates');
      expect(check.valid).toBe(true);
    }
  });

  it('rejects invalid documents, so the check above is real', () => {
    const invalid = {
      'a testsuite without its required tests attribute': xml.replace(
        /(<testsuite [^>]*?) tests="\d+"/,
        '$1',
      ),
      'an element the schema does not know': xml.replace('<system-out>', '<stdout/><system-out>'),
      'a testcase outside a testsuite': '<testsuites><testcase name="x"/></testsuites>',
      'a testcase without a name': xml.replace(/<testcase name="[^"]*"/, '<testcase'),
      'unescaped markup in a name': xml.replace('name="botflow"', 'name="a <b> & c"'),
      'a raw control character': xml.replace('Привет', 'При\u0001вет'),
    };
    for (const [what, document] of Object.entries(invalid)) {
      expect(document, what).not.toBe(xml);
      const check = xmllint(document);
      expect(check.valid, what).toBe(false);
      expect(check.output, what).toMatch(/fails to validate|parser error/);
    }
  });
});
