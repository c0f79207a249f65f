import {
  createBot,
  MemoryStore,
  retrying,
  type Bot,
  type HttpClient,
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
  /** The link secrets signed start values are checked with. */
  readonly linkSecrets?: readonly string[];
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
  private current: Bot;
  private readonly recording: Recording;
  /** Outlives the bot: a reloaded script goes on with the conversation stored here. */
  private readonly store = new MemoryStore();
  private readonly http: HttpClient;
  private last: Turn | undefined;

  constructor(private readonly options: ChatSessionOptions) {
    this.recording = new Recording(this.startTime());
    this.http = retrying(this.recording.wrap(options.transport), options.retry);
    this.current = this.botFor(options.script);
  }

  /** The bot of the script loaded last. */
  get bot(): Bot {
    return this.current;
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

  /**
   * Goes on under another version of the script, by the rule a bot serving a store follows after
   * a deploy: the conversation says its question again, as the new script words it, when its block
   * still waits for a reply there; otherwise undefined, and the caller starts it again. What is
   * said is not recorded: a recording replays against one script.
   */
  async reload(script: Script): Promise<Turn | undefined> {
    this.current = this.botFor(script);
    const turn = await this.current.resume(LOCAL_KEY);
    if (turn) this.last = turn;
    return turn;
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

  private botFor(script: Script): Bot {
    return createBot({
      script,
      store: this.store,
      env: this.options.env,
      draws: this.options.draws,
      ...(this.options.linkSecrets && { linkSecrets: this.options.linkSecrets }),
      http: this.http,
      ...(this.options.clock !== 'system' && { clock: this.recording.clock }),
      ...(this.options.trace === true && { trace: true }),
    });
  }

  private startTime(): Date {
    return this.options.clock instanceof Date ? this.options.clock : new Date();
  }
}
