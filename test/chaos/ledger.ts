import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { ServeProcess } from '../support/serve-process.js';

/**
 * What a client learnt of one message it sent: `applied` (answered 200), `maybe` (answered
 * `store.uncertain`, or no answer at all: the process died), `refused` (a 409 or another 503, each
 * of which promises that nothing was applied). Any other answer fails the run: a `500 internal`
 * promises nothing.
 */
type Fate = 'applied' | 'maybe' | 'refused';

const RANK: Readonly<Record<Fate, number>> = { refused: 0, maybe: 1, applied: 2 };

/** The pause between two messages of one conversation's sender, so a run sends a few hundred at most. */
const SEND_PAUSE_MS = 40;

/** How often a message with an id is sent again after `store.uncertain`, and the pause between. */
const UNCERTAIN_RETRIES = 10;
const RETRY_PAUSE_MS = 200;

/**
 * Sends numbered messages (`m0`, `m1`, …) to conversations of the collector script, whose `log`
 * variable lists every reply it applied, and keeps what each answer said of each message, to
 * check the logs against: every message answered 200 is in its conversation's log exactly once,
 * and nothing else is there but messages whose fate the client could not know.
 */
export class Ledger {
  private readonly fates = new Map<string, Map<string, Fate>>();

  /**
   * One sender per conversation, until `running` says to stop; conversation `i`'s message `n`
   * (`${prefix}${n}`: a prefix per run keeps the names of several runs apart) goes to `pick(i + n)`. Every other message carries a message id (and is sent again with it while the
   * answer is `store.uncertain`); the rest carry none, as a client without ids would send them.
   */
  sendAll(
    keys: readonly string[],
    pick: (index: number) => ServeProcess,
    running: () => boolean,
    prefix = 'm',
  ): Promise<void> {
    let failed = false;
    const senders = Promise.all(
      keys.map(async (key, i) => {
        try {
          for (let n = 0; running() && !failed; n++) {
            const item = `${prefix}${n}`;
            await this.send(pick(i + n), key, item, n % 2 === 0 ? `${key}/${item}` : undefined);
            await sleep(SEND_PAUSE_MS);
          }
        } catch (error) {
          failed = true; // an answer the ledger cannot file stops every sender
          throw error;
        }
      }),
    ).then(() => undefined);
    // The caller awaits it once its scenario is over; a failure meanwhile is not unhandled.
    senders.catch(() => undefined);
    return senders;
  }

  /** Sends one message (with `messageId`, again while the answer is uncertain) and returns its fate. */
  async send(serving: ServeProcess, key: string, item: string, messageId?: string): Promise<Fate> {
    const body = { text: item, ...(messageId !== undefined && { messageId }) };
    for (let attempt = 1; ; attempt++) {
      const fate = await this.post(serving, key, body);
      this.record(key, item, fate);
      const known = this.fateOf(key, item);
      if (known !== 'maybe' || messageId === undefined || attempt >= UNCERTAIN_RETRIES) return known;
      await sleep(RETRY_PAUSE_MS);
    }
  }

  /** Checks a conversation's stored log (`m0,m3,…,`) against what its answers said. */
  expectLogMatches(key: string, log: string): void {
    const items = log.split(',').slice(0, -1);
    expect(items.length, `no message applied twice in ${key}`).toBe(new Set(items).size);
    const fates = this.fates.get(key) ?? new Map<string, Fate>();
    const applied = [...fates].filter(([, fate]) => fate === 'applied').map(([item]) => item);
    expect(items, `every message answered 200 is in ${key}`).toEqual(expect.arrayContaining(applied));
    const unexpected = items.filter((item) => fates.get(item) === 'refused' || !fates.has(item));
    expect(unexpected, `messages answered "not applied" that were applied in ${key}`).toEqual([]);
  }

  /** How many messages ended in each fate, for a failure message that shows what the run did. */
  counts(): Record<Fate, number> {
    const counts: Record<Fate, number> = { applied: 0, maybe: 0, refused: 0 };
    for (const fates of this.fates.values()) for (const fate of fates.values()) counts[fate] += 1;
    return counts;
  }

  private async post(serving: ServeProcess, key: string, body: object): Promise<Fate> {
    let answer: Awaited<ReturnType<ServeProcess['post']>>;
    try {
      answer = await serving.post(`/conversations/${key}/messages`, body);
    } catch {
      return 'maybe'; // the process died with the request in hand
    }
    if (answer.status === 200) return 'applied';
    const { error } = answer.body as { error?: { code?: string } };
    if (answer.status === 503 && error?.code === 'store.uncertain') return 'maybe';
    if (answer.status === 409 || answer.status === 503) return 'refused';
    throw new Error(
      `${key}: an answer that says nothing of what was applied: ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  }

  /** Keeps the most a message's answers said: one 200 outweighs an earlier uncertain answer. */
  private record(key: string, item: string, fate: Fate): void {
    const fates = this.fates.get(key) ?? new Map<string, Fate>();
    this.fates.set(key, fates);
    const known = fates.get(item);
    if (known === undefined || RANK[fate] > RANK[known]) fates.set(item, fate);
  }

  private fateOf(key: string, item: string): Fate {
    return this.fates.get(key)?.get(item) ?? 'refused';
  }
}
