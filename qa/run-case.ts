import { channels, isChannelName, startFromLink } from '../channels/index.js';
import {
  BotflowError,
  compilePattern,
  createBot,
  requireEnv,
  retrying,
  type OutgoingMessage,
  type RetryOptions,
  type Position,
  type Script,
  type StartOptions,
  type TraceEvent,
  type Turn,
} from '../engine/index.js';
import type { CaseData, MessageMatcher } from './case-schema.js';
import type { TestCase } from './load-cases.js';
import { containsValue, MockHttp } from './mock-http.js';

export interface CaseFailure {
  /** 1-based step number, when a step failed. */
  readonly step?: number;
  readonly position: Position;
  readonly message: string;
  readonly expected?: string;
  readonly got?: string;
}

export interface CaseResult {
  readonly name: string;
  readonly file: string;
  readonly passed: boolean;
  readonly failure?: CaseFailure;
  /** What was said, in order: `bot: …` and `user: …` lines. */
  readonly transcript: readonly string[];
  readonly trace: readonly TraceEvent[];
  readonly durationMs: number;
}

/**
 * The conversation key of a case, and of `botflow run` and `botflow chat` too: a random block
 * draws by key, so the three take the same branch and a chat recording replays the same way.
 */
export const LOCAL_KEY = 'local';

/** What a case is told to do about the names its script declares under `env:` and it gives no value. */
export const CASE_ENV_HINT = "give them values in the case's env";

/** A case retries at once, with a fixed jitter: a replay never waits and never varies. */
export const CASE_RETRY: RetryOptions = { random: () => 0.5, sleep: () => Promise.resolve() };

/** A case failed: thrown inside the runner, turned into the result at its edge. */
class Failure extends Error {
  constructor(readonly failure: CaseFailure) {
    super(failure.message);
  }
}

const show = (message: OutgoingMessage) =>
  message.buttons ? `${message.text} [${message.buttons.join(' | ')}]` : message.text;

function describeMatcher(matcher: MessageMatcher): string {
  if (typeof matcher === 'string') return JSON.stringify(matcher);
  return Object.entries(matcher)
    .map(([key, value]) => `${key} ${JSON.stringify(value)}`)
    .join(', ');
}

function matches(message: OutgoingMessage, matcher: MessageMatcher): boolean {
  if (typeof matcher === 'string') return message.text === matcher;
  if (matcher.text !== undefined && message.text !== matcher.text) return false;
  if (matcher.contains !== undefined && !message.text.includes(matcher.contains)) return false;
  if (matcher.matches !== undefined) {
    const pattern = compilePattern(matcher.matches);
    if (typeof pattern === 'string')
      throw new BotflowError('qa.bad-pattern', `the pattern is refused: ${pattern}`);
    if (!pattern.test(message.text)) return false;
  }
  return (
    matcher.buttons === undefined || JSON.stringify(message.buttons ?? []) === JSON.stringify(matcher.buttons)
  );
}

/** How a case's `start` starts the bot; a start the channels refuse throws a BotflowError saying why. */
export function caseStartOptions(start: CaseData['start']): StartOptions {
  if (!start) return { channel: 'test' };
  const channel = start.channel ?? 'test';
  if (start.link !== undefined) return startFromLink(start.link, start.channel);
  if (start.payload !== undefined) return { payload: start.payload, channel };
  if (start.update !== undefined) {
    if (!isChannelName(channel))
      throw new BotflowError('qa.bad-start', `"${channel}" is not a channel botflow knows`);
    const options = start.username === undefined ? {} : { botUsername: start.username };
    const event = channels[channel]
      .parseUpdate(start.update, options)
      .find((e) => e.startParam !== undefined);
    if (!event) throw new BotflowError('qa.bad-start', `the ${channel} update starts no conversation`);
    return { startParam: event.startParam ?? '', channel };
  }
  return { startParam: start.param ?? '', channel };
}

/**
 * Replays one case against the script in this process: the bot's messages are checked step by
 * step, HTTP calls are answered by the case's mocks (an unmatched one fails the case), and the
 * final state is compared with `expect`. Every bot message must be matched by a `bot` step before
 * the user speaks again; messages after the last step need not be.
 */
export async function runCase(
  script: Script,
  file: string,
  testCase: TestCase,
  /** The link secrets signed start values are checked with (`botflow test` reads BOTFLOW_LINK_SECRET). */
  linkSecrets: readonly string[] = [],
): Promise<CaseResult> {
  const began = performance.now();
  const { data } = testCase;
  const transcript: string[] = [];
  const trace: TraceEvent[] = [];
  const http = new MockHttp(data.http ?? []);
  const clock = data.clock === undefined ? undefined : new Date(data.clock);
  let pending: OutgoingMessage[] = [];
  let turn: Turn | undefined;

  const took = (next: Turn, step: number | undefined, position: Position) => {
    turn = next;
    trace.push(...(next.trace ?? []));
    transcript.push(...next.messages.map((message) => `bot: ${show(message)}`));
    pending = [...next.messages];
    const call = http.unmatched[0];
    if (call) {
      const body = call.body === undefined ? '' : ` with ${JSON.stringify(call.body)}`;
      throw new Failure({
        ...(step !== undefined && { step }),
        position,
        message: `an HTTP call matched no mock: ${call.method} ${call.url}${body}`,
      });
    }
  };

  try {
    // Made here, so a case whose env or draws the bot refuses fails alone, before any turn.
    requireEnv(script, data.env ?? {}, CASE_ENV_HINT);
    const bot = createBot({
      script,
      env: data.env ?? {},
      linkSecrets: data.linkSecrets ?? linkSecrets,
      ...(clock && { clock: () => clock }),
      ...(data.draws && { draws: data.draws }),
      http: retrying(http.transport, CASE_RETRY),
      trace: true,
    });
    took(await bot.start(LOCAL_KEY, caseStartOptions(data.start)), undefined, testCase.position);
    for (const [index, step] of data.steps.entries()) {
      const number = index + 1;
      const position = testCase.stepPositions[index] ?? testCase.position;
      if ('user' in step) {
        const unread = pending[0];
        if (unread) {
          throw new Failure({
            step: number,
            position,
            message: 'the bot said more before the user’s reply',
            got: JSON.stringify(show(unread)),
          });
        }
        if (turn?.status !== 'waiting') {
          throw new Failure({
            step: number,
            position,
            message: `the conversation has ${turn?.status === 'error' ? 'failed' : 'ended'}, so the user cannot reply`,
          });
        }
        transcript.push(`user: ${step.user}`);
        took(await bot.send(LOCAL_KEY, step.user), number, position);
        continue;
      }
      const expected = Array.isArray(step.bot) ? step.bot : [step.bot];
      if (expected.length === 0 && pending[0]) {
        throw new Failure({
          step: number,
          position,
          message: 'expected the bot to say nothing',
          expected: '(nothing)',
          got: JSON.stringify(show(pending[0])),
        });
      }
      for (const matcher of expected) {
        const message = pending.shift();
        if (!message || !matches(message, matcher)) {
          throw new Failure({
            step: number,
            position,
            message: 'the bot did not say what was expected',
            expected: describeMatcher(matcher),
            got: message ? JSON.stringify(show(message)) : '(nothing)',
          });
        }
      }
    }
    checkExpectations(data.expect, turn, testCase.position);
    return {
      name: testCase.name,
      file,
      passed: true,
      transcript,
      trace,
      durationMs: performance.now() - began,
    };
  } catch (error) {
    const failure: CaseFailure =
      error instanceof Failure
        ? error.failure
        : { position: testCase.position, message: error instanceof Error ? error.message : String(error) };
    return {
      name: testCase.name,
      file,
      passed: false,
      failure,
      transcript,
      trace,
      durationMs: performance.now() - began,
    };
  }
}

function checkExpectations(expect: CaseData['expect'], turn: Turn | undefined, position: Position): void {
  if (!expect || !turn) return;
  const mismatch = (what: string, expected: unknown, got: unknown) =>
    new Failure({
      position,
      message: `the final ${what} differs`,
      expected: JSON.stringify(expected),
      got: JSON.stringify(got),
    });
  if (expect.status !== undefined && expect.status !== turn.status)
    throw mismatch('status', expect.status, turn.status);
  if (expect.result !== undefined && expect.result !== turn.result)
    throw mismatch('result', expect.result, turn.result);
  if (expect.block !== undefined && expect.block !== turn.block)
    throw mismatch('block', expect.block, turn.block);
  for (const [name, value] of Object.entries(expect.variables ?? {})) {
    const actual = Object.hasOwn(turn.variables, name) ? turn.variables[name] : undefined;
    if (!containsValue(actual, value) || !containsValue(value, actual))
      throw mismatch(`variable ${name}`, value, actual ?? null);
  }
}
