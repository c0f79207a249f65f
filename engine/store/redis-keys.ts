import { createHash } from 'node:crypto';
import { BotflowError } from '../error.js';

/**
 * How many shards a store on Redis Cluster spreads its conversations (and its link records) over.
 * Fixed for good: a conversation's shard is part of its key in Redis, so another number would lose
 * every stored conversation. 48 divides evenly among 2, 3, 4, 6, 8, 12, 16, 24 or 48 masters.
 */
export const CLUSTER_SHARDS = 48;

/** The slots of Redis Cluster, which a key's hash tag picks one of (CRC16 of the tag, mod 16384). */
const CLUSTER_SLOTS = 16384;

/** Locks live at `lock:` + the conversation's key in Redis. */
export const LOCK_NAMESPACE = 'lock:';

/** The index of link ids, by creation time, in a shard of links: `~` is in no link id. */
const LINK_INDEX = '~index';

/**
 * One shard of a store's keys: with plain Redis the only one, the prefix itself; on a cluster the
 * prefix and a hash tag, so every key of the shard lives in one slot and one script can touch them.
 */
export interface Shard {
  /** What the shard's conversation keys (and link ids) follow. */
  readonly conversations: string;
  /** The sorted set of the shard's conversation keys by update time. */
  readonly index: string;
  /** The hash of the shard's funnel counters. */
  readonly funnel: string;
  readonly links: string;
  /** The sorted set of the shard's link ids by creation time. */
  readonly linkIndex: string;
}

/**
 * Where a store's keys live. Plain Redis keeps one shard with no hash tag, the layout RedisStore
 * always had: `<prefix><key>`, `lock:<prefix><key>`, `<prefix>\0updated`, `<prefix>\0funnel`,
 * `<linkPrefix><id>`, `<linkPrefix>~index`. On a cluster, a key's shard (a hash of it, mod
 * CLUSTER_SHARDS) puts a hash tag after each prefix: `<prefix>{<tag>}<key>` and so on, so a turn's
 * record, lock, index entry and funnel counters share a slot.
 */
export class KeyLayout {
  readonly shards: readonly Shard[];
  /** Plain Redis's one shard, which every key is in. */
  private readonly only: Shard | undefined;

  constructor(prefix: string, linkPrefix: string, clustered: boolean) {
    if (clustered && /[{}]/.test(prefix + linkPrefix)) {
      throw new BotflowError(
        'store.bad-option',
        'a Redis Cluster key prefix cannot hold "{" or "}": the store puts its own hash tag after it',
      );
    }
    const tags = clustered ? clusterTags() : [undefined];
    this.shards = tags.map((tag) => {
      const conversations = tag === undefined ? prefix : `${prefix}{${tag}}`;
      const links = tag === undefined ? linkPrefix : `${linkPrefix}{${tag}}`;
      // After a NUL, which no conversation key holds (a key has no control characters).
      return {
        conversations,
        index: `${conversations}\u0000updated`,
        funnel: `${conversations}\u0000funnel`,
        links,
        linkIndex: links + LINK_INDEX,
      };
    });
    this.only = clustered ? undefined : this.shards[0];
  }

  /** The shard of the conversation `key` (or link id). */
  shardOf(key: string): Shard {
    return this.only ?? this.tagged(createHash('sha1').update(key).digest().readUInt32BE(0) % CLUSTER_SHARDS);
  }

  private tagged(shard: number): Shard {
    const found = this.shards[shard];
    if (found === undefined) throw new RangeError(`there is no shard ${shard}`);
    return found;
  }

  record(key: string): string {
    return this.shardOf(key).conversations + key;
  }

  lock(key: string): string {
    return LOCK_NAMESPACE + this.record(key);
  }
}

let tags: readonly string[] | undefined;

/**
 * The hash tags of the cluster shards: for shard i the smallest number whose slot lies in the i-th
 * of CLUSTER_SHARDS equal ranges of slots, so shards spread evenly over masters that split the
 * slots in equal ranges (as `redis-cli --cluster create` does).
 */
export function clusterTags(): readonly string[] {
  if (tags) return tags;
  const found: (string | undefined)[] = new Array<string | undefined>(CLUSTER_SHARDS).fill(undefined);
  let missing = CLUSTER_SHARDS;
  for (let candidate = 0; missing > 0; candidate++) {
    const range = Math.floor(crc16(String(candidate)) / (CLUSTER_SLOTS / CLUSTER_SHARDS));
    if (found[range] === undefined) {
      found[range] = String(candidate);
      missing -= 1;
    }
  }
  tags = found.map(String);
  return tags;
}

/** CRC16-CCITT (XMODEM) mod 16384: the slot Redis Cluster gives a key (here a hash tag). */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % CLUSTER_SLOTS;
}
