import {
  createBot,
  retrying,
  type Bot,
  type RetryOptions,
  type Script,
  type StartOptions,
  type Transport,
  type Turn,
} from '../engine/index.js';
import { Recording, recordedStart, type CaseOptions, type RecordedCase } from './record.js';
import { LOCAL_KEY } from './run-case.js';

export interface ChatSessionOptions {
  readonly script: Script;
  readonly env: Readonly<Record<string, string>>;
  readonly draws: Readonly<Record<string, number>>;
  /** One attempt of a Server Request (the network's, or a case's mocks); every attempt is recorded. */
  readonly transport: Transport;
  readonly retry?: RetryOptions;
  readonly start: StartOptions;
  /** The invitation link `start` came from: a saved case starts from the link itself. */
  readonly link?: string;
  /**
   * What the script reads as `now`: the system clock; or fixed at each (re)start, so a saved case
   * replays what was said; or fixed at a given time (a case's `clock`).
   */
  readonly clock: 'system' | 'fixed' | Date;
  /** Put the blocks entered and branches taken on each turn. */
  readonly trace?: boolean;
}

/**
 * One conversation with a live bot, as `botflow chat` and the studio's simulator hold it: the real
 * engine under the conversation key `botflow test` uses, recorded step by step (every HTTP attempt
 * too) so that it can be saved as a case file that replays it.
 */
export class ChatSession {
  readonly bot: Bot;
  private readonly recording: Recording;
  private last: Turn | undefined;

  constructor(private readonly options: ChatSessionOptions) {
    this.recording = new Recording(this.startTime());
    this.bot = createBot({
      script: options.script,
      env: options.env,
      draws: options.draws,
      http: retrying(this.recording.wrap(options.transport), options.retry),
      ...(options.clock !== 'system' && { clock: this.recording.clock }),
      ...(options.trace === true && { trace: true }),
    });
  }

  /** The last turn; undefined before the first start. */
  get turn(): Turn | undefined {
    return this.last;
  }

  /** Starts the conversation, or starts it over: the recording starts over with it. */
  async start(): Promise<Turn> {
    this.recording.restart(this.startTime());
    return this.took(await this.bot.start(LOCAL_KEY, this.options.start));
  }

  /** Sends the user's reply. */
  async send(text: string): Promise<Turn> {
    this.recording.userSaid(text);
    return this.took(await this.bot.send(LOCAL_KEY, text));
  }

  /** The conversation so far as a case file, secrets replaced by placeholders. */
  toCase(options: Pick<CaseOptions, 'caseFile' | 'scriptFile' | 'keepEnv' | 'recordedWith'>): RecordedCase {
    return this.recording.toCase({
      ...options,
      start: recordedStart(this.options.start, this.options.link),
      env: this.options.env,
      draws: this.options.draws,
    });
  }

  private took(turn: Turn): Turn {
    this.recording.botSaid(turn);
    this.last = turn;
    return turn;
  }

  private startTime(): Date {
    return this.options.clock instanceof Date ? this.options.clock : new Date();
  }
}
