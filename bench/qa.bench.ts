import { createBot, loadScript, retrying, type Script } from '../engine/index.js';
import { loadCaseFile, type TestCase } from '../qa/load-cases.js';
import { MockHttp } from '../qa/mock-http.js';
import { runCase } from '../qa/run-case.js';
import { findCaseFiles } from '../qa/run-suite.js';
import type { Comparison } from './harness.js';

interface Loaded {
  readonly file: string;
  readonly script: Script;
  readonly cases: readonly TestCase[];
}

/** The sample suite, loaded once: what both sides replay. */
export async function sampleSuite(): Promise<Loaded[]> {
  const files = await findCaseFiles(['scripts']);
  return Promise.all(
    files.map(async (file) => {
      const caseFile = await loadCaseFile(file);
      return { file, script: await loadScript(caseFile.scriptFile), cases: caseFile.cases };
    }),
  );
}

/** The same conversations through the library API alone: start, the user's replies, no checks. */
async function converse(script: Script, testCase: TestCase): Promise<void> {
  const { data } = testCase;
  const bot = createBot({
    script,
    env: data.env ?? {},
    http: retrying(new MockHttp(data.http ?? []).transport, {
      random: () => 0.5,
      sleep: () => Promise.resolve(),
    }),
  });
  const start = data.start;
  await bot.start('k', {
    channel: start?.channel ?? 'test',
    ...(start?.payload !== undefined ? { payload: start.payload } : { startParam: start?.param ?? '' }),
  });
  for (const step of data.steps) if ('user' in step) await bot.send('k', step.user);
}

export function qaBenchmarks(suite: readonly Loaded[]): Comparison[] {
  const count = suite.reduce((sum, entry) => sum + entry.cases.length, 0);
  return [
    {
      name: `sample suite (${count} cases), botflow test in-process`,
      subject: async () => {
        for (const entry of suite)
          for (const testCase of entry.cases) await runCase(entry.script, entry.file, testCase);
      },
      baselineName: 'same conversations via the library API',
      baseline: async () => {
        for (const entry of suite) for (const testCase of entry.cases) await converse(entry.script, testCase);
      },
    },
  ];
}
