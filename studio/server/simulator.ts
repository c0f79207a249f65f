import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import * as z from 'zod';
import { CHANNEL_NAMES, LinkError, startFromLink } from '../../channels/index.js';
import { HttpError } from '../../channels/http/errors.js';
import { parseBody } from '../../channels/http/schemas.js';
import {
  BotflowError,
  createTransport,
  KeyedQueue,
  missingEnv,
  missingEnvMessage,
  REPLY_LIMIT,
  type StartOptions,
  type Turn,
} from '../../engine/index.js';
import { ChatSession } from '../../qa/chat-session.js';
import type { TestCase } from '../../qa/load-cases.js';
import { MockHttp } from '../../qa/mock-http.js';
import { checkRecordTarget, writeCaseFile } from '../../qa/record.js';
import { CASE_ENV_HINT, CASE_RETRY, caseStartOptions } from '../../qa/run-case.js';
import type {
  SimulatorSaved,
  SimulatorSent,
  SimulatorSetup,
  SimulatorStart,
  SimulatorStarted,
  SimulatorTurn,
} from '../protocol.js';
import { findCase, listCases, takeCaseFile } from './cases.js';
import { runnable, STUDIO_ENV_HINT, type StudioContext, type StudioRoute } from './context.js';
import { fileSystemReason } from './disk.js';

/** The channels a simulated conversation may report: the messengers', the terminal's and the studio's own. */
const CHANNELS: readonly string[] = [...CHANNEL_NAMES, 'cli', 'studio'];

/** Conversations kept at once; a new one past this drops the oldest (each holds a bot and its recording). */
const SESSION_LIMIT = 20;

const startBody = z.strictObject({
  start: z
    .union([
      z.strictObject({ link: z.string().max(2048) }),
      z.strictObject({ payload: z.unknown() }),
      z.strictObject({ param: z.string().max(2048) }),
    ])
    .exactOptional(),
  channel: z.enum(CHANNELS as [string, ...string[]]).exactOptional(),
  case: z.strictObject({ file: z.string().max(4096), name: z.string().max(4096) }).exactOptional(),
});

const sendBody = z.strictObject({ session: z.string().max(64), text: z.string().max(REPLY_LIMIT) });

// The name's own rules (CASE_FILE_NAME) give the clear message; this only bounds the body.
const saveBody = z.strictObject({ session: z.string().max(64), file: z.string().max(4096) });

/** A plain file name: no folder, no hidden file, nothing a shell or a YAML list would quote. */
const CASE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.cases\.yaml$/;
const CASE_FILE_NAME_LIMIT = 200;

interface Session {
  readonly chat: ChatSession;
  /** The script's revision it runs: a conversation outlives no change of the file. */
  readonly revision: number;
  /** A case's mocks, when they answer its Server Requests. */
  readonly mocks: MockHttp | undefined;
  /** The conversation failed in the simulator (a request no mock matched), whatever the engine says. */
  failed: boolean;
}

/**
 * The simulator: conversations with the real engine, held as `botflow chat` holds one (the loaded
 * script, the studio's env, `--allow-host` and `--draw`), or answered by a case's mocks, env, draws
 * and clock as `botflow test` replays it; saved as a case file as `botflow chat --record` does.
 */
export function simulatorRoutes(context: StudioContext): StudioRoute[] {
  const sessions = new Map<string, Session>();

  const sessionOf = (id: string): Session => {
    const session = sessions.get(id);
    if (!session)
      throw new HttpError('studio.no-session', 'there is no such conversation (any more); start one');
    if (session.revision !== context.current().model.revision) {
      sessions.delete(id);
      throw new HttpError(
        'studio.no-session',
        'the script changed since this conversation started; start it again',
      );
    }
    return session;
  };

  // A conversation's turns and saves run one at a time, in order, so a recording never interleaves.
  const turns = new KeyedQueue();

  const turnOf = (session: Session, turn: Turn): SimulatorTurn => {
    const unmatched = session.mocks?.unmatched[0];
    const diagnostics = [...turn.diagnostics];
    if (unmatched !== undefined) {
      session.failed = true;
      diagnostics.push({
        severity: 'error',
        code: 'studio.unmatched-request',
        message: session.chat.bot.redact(
          `an HTTP call matched no mock of the case: ${unmatched.method} ${unmatched.url}`,
        ),
      });
    }
    const trace = turn.trace ?? [];
    return {
      messages: turn.messages.map((message) => ({
        text: message.text,
        buttons: [...(message.buttons ?? [])],
      })),
      status: session.failed ? 'error' : turn.status,
      block: turn.block,
      variables: turn.variables,
      result: turn.result,
      diagnostics,
      blocks: trace.filter((event) => event.edge === '').map((event) => event.block),
      edges: trace.filter((event) => event.edge !== '').map((event) => `${event.block} ${event.edge}`),
    };
  };

  return [
    {
      method: 'GET',
      path: '/api/chat/setup',
      handle: (): SimulatorSetup => ({
        channels: CHANNELS,
        start:
          context.start.payload !== undefined
            ? { payload: context.start.payload }
            : { param: context.start.startParam ?? '' },
        channel: context.start.channel,
      }),
    },
    { method: 'GET', path: '/api/cases', handle: () => listCases(context) },
    {
      method: 'POST',
      path: '/api/chat/start',
      handle: async ({ body }): Promise<SimulatorStarted> => {
        const input = parseBody(startBody, body);
        const testCase = input.case && (await findCase(context, input.case));
        // Read after the case file: the script and its revision must be the ones the session runs.
        const script = runnable(context);
        const revision = context.current().model.revision;
        const { start, link } = startFrom(input.start, input.channel, testCase, context.start);
        const mocks = testCase && new MockHttp(testCase.data.http ?? []);
        const clock = testCase?.data.clock;
        const env = testCase ? (testCase.data.env ?? {}) : context.env;
        // The script may have come to declare a name since the studio started (or the case lacks one).
        const missing = missingEnv(script, env);
        if (missing.length > 0) {
          const how = testCase ? CASE_ENV_HINT : STUDIO_ENV_HINT;
          throw new HttpError('studio.env-missing', missingEnvMessage(missing, how));
        }
        const session: Session = {
          chat: new ChatSession({
            script,
            env,
            linkSecrets: context.linkSecrets,
            draws: testCase ? (testCase.data.draws ?? {}) : context.draws,
            transport: mocks?.transport ?? createTransport({ allowHosts: context.allowHosts }),
            ...(mocks && { retry: CASE_RETRY }),
            start,
            ...(link !== undefined && { link }),
            clock: clock === undefined ? 'fixed' : new Date(clock),
            trace: true,
          }),
          revision,
          mocks,
          failed: false,
        };
        const turn = turnOf(session, await session.chat.start());
        const id = randomBytes(18).toString('base64url');
        sessions.set(id, session);
        for (const oldest of sessions.keys()) {
          if (sessions.size <= SESSION_LIMIT) break;
          sessions.delete(oldest);
        }
        return { session: id, turn };
      },
    },
    {
      method: 'POST',
      path: '/api/chat/send',
      handle: async ({ body }): Promise<SimulatorSent> => {
        const input = parseBody(sendBody, body);
        const session = sessionOf(input.session);
        return turns.run(input.session, async () => {
          if (session.failed || session.chat.turn?.status !== 'waiting')
            throw new HttpError('studio.conversation-over', 'the conversation is over; restart it');
          const turn = turnOf(session, await session.chat.send(input.text));
          return { said: session.chat.bot.redact(input.text), turn };
        });
      },
    },
    {
      method: 'POST',
      path: '/api/chat/save',
      handle: async ({ body }): Promise<SimulatorSaved> => {
        const input = parseBody(saveBody, body);
        const session = sessionOf(input.session);
        const target = caseFileTarget(context.file, input.file);
        const recorded = await turns
          .run(input.session, async () => {
            const written = session.chat.toCase({
              caseFile: target,
              scriptFile: context.file,
              recordedWith: 'botflow studio',
            });
            await checkRecordTarget(target, false);
            await writeCaseFile(target, written.text, false, 'discard');
            return written;
          })
          .catch((error: unknown) => {
            throw saveError(error, target);
          });
        // A file the designer named, in the script's folder: a case file of the studio from now on.
        takeCaseFile(context, target);
        return { file: target, steps: recorded.steps, warnings: recorded.warnings };
      },
    },
  ];
}

/**
 * How the conversation starts: the page's start and channel; else, for a case, the case's own
 * start; else the command line's (with the page's channel, when it names one).
 */
function startFrom(
  given: SimulatorStart | undefined,
  channel: string | undefined,
  testCase: TestCase | undefined,
  commandLine: StartOptions,
): { start: StartOptions; link?: string | undefined } {
  try {
    if (given === undefined) {
      if (testCase) return { start: caseStartOptions(testCase.data.start), link: testCase.data.start?.link };
      return { start: channel === undefined ? commandLine : { ...commandLine, channel } };
    }
    if ('link' in given) return { start: startFromLink(given.link, channel), link: given.link };
    const chosen = channel ?? 'studio';
    if ('payload' in given) return { start: { payload: given.payload, channel: chosen } };
    return { start: { startParam: given.param, channel: chosen } };
  } catch (error) {
    if (error instanceof LinkError || (error instanceof BotflowError && error.code === 'qa.bad-start'))
      throw new HttpError('studio.bad-start', error.message);
    throw error;
  }
}

/**
 * Where "Save as test case" writes: a new file of a plain name in the script's folder, named as the
 * command line names the script's folder. Anything else is refused.
 */
function caseFileTarget(scriptFile: string, name: string): string {
  const folder = dirname(scriptFile);
  if (name.length > CASE_FILE_NAME_LIMIT || !CASE_FILE_NAME.test(name)) {
    throw new HttpError(
      'studio.bad-case-file',
      `name the case file NAME.cases.yaml, with letters, digits, "_", "." and "-" only and at most ${CASE_FILE_NAME_LIMIT} characters; it is saved in the script's folder (${folder})`,
    );
  }
  return join(folder, name);
}

/** Why a save failed, in the page's words: a file or folder in the way, or what the file system said. */
function saveError(error: unknown, target: string): unknown {
  if (error instanceof BotflowError) {
    switch (error.code) {
      case 'record.exists':
        return new HttpError('studio.case-file-exists', `${target} already exists; choose another name`);
      case 'record.is-folder':
        return new HttpError('studio.cannot-save', `${target} is a folder; choose another name`);
      case 'record.no-folder':
        return new HttpError('studio.cannot-save', `the script's folder ${dirname(target)} is gone`);
    }
    return error;
  }
  const reason = fileSystemReason(error);
  return reason === undefined
    ? error
    : new HttpError('studio.cannot-save', `cannot write ${target}: ${reason}`);
}
