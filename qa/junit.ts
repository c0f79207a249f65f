import { hostname as osHostname } from 'node:os';
import { basename } from 'node:path';
import type { CaseResult } from './run-case.js';

/** The cases of one case file, as run. */
export interface JUnitSuite {
  readonly file: string;
  readonly results: readonly CaseResult[];
}

export interface JUnitOptions {
  /** When the run began; `now` by default. Written in UTC without a zone, as JUnit readers expect. */
  readonly timestamp?: Date;
  /** `os.hostname()` by default, `localhost` when that is empty. */
  readonly hostname?: string;
}

/**
 * Characters XML 1.0 cannot carry at all, not even as references: C0 controls other than tab,
 * newline and carriage return, lone surrogates, U+FFFE and U+FFFF. They are dropped.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // References keep these through the parser's line-end and attribute-value normalisation.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Text for an attribute value (in double quotes): every special character and line break escaped. */
function attr(value: string | number): string {
  return String(value)
    .replace(NOT_XML, '')
    .replace(/[&<>"'\t\n\r]/g, (c) => ENTITIES[c] ?? c);
}

/** Text for element content; `>` too, so `]]>` can never appear. Newlines and tabs stay as they are. */
function text(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>\r]/g, (c) => ENTITIES[c] ?? c);
}

/** A duration that can be added up: a negative or non-finite one counts as 0. */
const duration = (ms: number) => (Number.isFinite(ms) && ms > 0 ? ms : 0);

/** Milliseconds as seconds with three decimals (`xs:decimal`-shaped: never negative, NaN or exponent). */
const seconds = (ms: number) => (duration(ms) / 1000).toFixed(3);

/** The case file's base name without `.cases.yaml` (or `.yaml`/`.yml`): `order-status`. */
function className(file: string): string {
  const base = basename(file);
  const stem = base.replace(/\.cases\.ya?ml$/i, '').replace(/\.ya?ml$/i, '');
  return stem === '' ? base : stem;
}

/** The failure's text: where, what was expected and what came, then the conversation so far. */
function failureText(result: CaseResult): { message: string; body: string } {
  const failure = result.failure;
  if (!failure) {
    return {
      message: 'the case failed',
      body: `the case failed\n\ntranscript:\n${result.transcript.join('\n')}`,
    };
  }
  const { file, line, column } = failure.position;
  const where = `${failure.step === undefined ? 'case' : `step ${failure.step}`} (${file}:${line}:${column})`;
  const message = `${where}: ${failure.message}`;
  const lines = [message];
  if (failure.expected !== undefined) lines.push(`expected: ${failure.expected}`);
  if (failure.got !== undefined) lines.push(`got: ${failure.got}`);
  lines.push('', 'transcript:', ...result.transcript);
  return { message, body: lines.join('\n') };
}

function testCase(result: CaseResult, classname: string): string {
  const open = `    <testcase name="${attr(result.name)}" classname="${attr(classname)}" time="${seconds(result.durationMs)}">`;
  const parts = [open];
  if (!result.passed) {
    const { message, body } = failureText(result);
    parts.push(`      <failure message="${attr(message)}" type="AssertionError">${text(body)}</failure>`);
  }
  const transcript = result.transcript.length > 0 ? `${result.transcript.join('\n')}\n` : '';
  parts.push(`      <system-out>${text(transcript)}</system-out>`, '    </testcase>');
  return parts.join('\n');
}

const totalMs = (results: readonly CaseResult[]) =>
  results.reduce((sum, r) => sum + duration(r.durationMs), 0);

/**
 * The JUnit XML report of a `botflow test` run: one `<testsuite>` per case file, one `<testcase>`
 * per case, a `<failure>` for each failed case and the transcript as `<system-out>`. The shape is
 * the one Jenkins' xUnit plugin validates JUnit reports against (its junit-10.xsd, kept in
 * test/fixtures/junit/ and checked with xmllint by the tests).
 */
export function toJUnitXml(suites: readonly JUnitSuite[], options: JUnitOptions = {}): string {
  const timestamp = (options.timestamp ?? new Date()).toISOString().slice(0, 19);
  const host = options.hostname ?? osHostname();
  const hostname = host.trim() === '' ? 'localhost' : host;
  const all = suites.flatMap((suite) => suite.results);
  const failures = (results: readonly CaseResult[]) => results.filter((r) => !r.passed).length;

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="botflow" tests="${all.length}" failures="${failures(all)}" errors="0" time="${seconds(totalMs(all))}">`,
  ];
  for (const suite of suites) {
    const classname = className(suite.file);
    lines.push(
      `  <testsuite name="${attr(suite.file)}" tests="${suite.results.length}" failures="${failures(suite.results)}"` +
        ` errors="0" skipped="0" time="${seconds(totalMs(suite.results))}" timestamp="${timestamp}" hostname="${attr(hostname)}">`,
      ...suite.results.map((result) => testCase(result, classname)),
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
