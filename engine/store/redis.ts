import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { BotflowError } from '../error.js';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { holdLock, RENEW, TAKE, UNLOCK, type LockCommands, type LockTimes } from './redis-lock.js';
import { KeyLayout, LOCK_NAMESPACE, type Shard } from './redis-keys.js';
import {
  checkLinkRecord,
  isLive,
  type LinkRecord,
  type LinkStore,
  type LinkTimes,
  type ListedLink,
} from './links.js';
import { counterName, countsOf } from './funnel-key.js';
import {
  isStatus,
  LIST_PAGE,
  passes,
  type FunnelCount,
  type Hold,
  type ListedConversation,
  type ListFilter,
  type ReportingStore,
  type StoredRecord,
  type TurnSummary,
  type Unlock,
} from './types.js';
import { StoreUncertainError, StoreUnavailableError } from './unavailable.js';

export interface RedisStoreOptions {
  /** Put before every conversation key, so several bots can share one Redis (default `botflow:conv:`). */
  readonly keyPrefix?: string;
  /** Forget a conversation this long after its last write (default: keep it). */
  readonly ttlMs?: number;
  /**
   * Put before every start token and short link (default `botflow:link:`). Neither it nor the
   * conversations' prefix may begin the other, so a link can never be read as a conversation.
   */
  readonly linkPrefix?: string;
  /** How long a turn holds a conversation unless renewed (default 30 s): a crashed holder's delay. */
  readonly lockTtlMs?: number;
  /** How long a turn waits for a conversation another process holds (default 60 s). */
  readonly lockWaitMs?: number;
  /**
   * How long a write whose answer was lost keeps asking Redis whether it was applied (default 5 s)
   * before the turn fails with `store.uncertain`: a stall shorter than this still gets a definite answer.
   */
  readonly readBackMs?: number;
  /**
   * How many replicas must have each write before it counts as done (Redis `WAIT`, default 0):
   * Redis replicates after it answers, so a master that crashes can take its last writes with it
   * unless they waited. A write no replica confirmed within a second fails with `store.uncertain`.
   * A URL takes it as `?wait=1`.
   */
  readonly waitReplicas?: number;
}

/**
 * Compare-and-set on a hash {data, version, at, writer}, atomic because Redis runs a script whole.
 * KEYS: the key, the update-time index, the funnel counters, the conversation's lock. ARGV: data,
 * expected version ('' = the key must be absent), ttl ms ('0' = none), the time of writing (ms), a
 * token naming this write (read back when its answer is lost), the conversation's key (its index
 * member), its status ('' = no summary: the last one stays), its summary (JSON of channel, block
 * and result), '1' when it begins a conversation, the token of the turn's hold ('' = none: the
 * lock is not touched), then funnel counter names and counts, in pairs. An applied write gives
 * back the hold it names, in the same step; a refused one keeps it, for the turn to run again.
 * Safe to run twice: a connection that broke before the answer came sends the write again
 * (ioredis's autoResendUnfulfilledCommands), and the second copy answers what the first did, so
 * its funnel counts are not added twice either.
 */
const CAS_PUT = `
local function unlock()
  if ARGV[10] ~= '' and redis.call('GET', KEYS[4]) == ARGV[10] then redis.call('DEL', KEYS[4]) end
end
if redis.call('HGET', KEYS[1], 'writer') == ARGV[5] then
  unlock()
  return tonumber(redis.call('HGET', KEYS[1], 'version'))
end
local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[2] == '' then
  if current then return false end
elseif current ~= ARGV[2] then
  return false
end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'at', ARGV[4], 'writer', ARGV[5])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[3] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'status', ARGV[7], 'summary', ARGV[8]) end
if ARGV[9] == '1' then redis.call('HSET', KEYS[1], 'started', ARGV[4]) end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[6])
if ARGV[3] ~= '0' then
  -- Entries written longer ago than the ttl (and a second, for the writers' clocks) are of expired
  -- conversations: dropped here, so the index stays as small as the store without a listing.
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (tonumber(ARGV[4]) - tonumber(ARGV[3]) - 1000))
end
for i = 11, #ARGV, 2 do redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1]) end
unlock()
return version
`;

/** How many of {@link CAS_PUT}'s arguments are keys. */
const CAS_PUT_KEYS = 4;

/**
 * Saves a new link record {data, createdAt, expiresAt?, clicks, writer} and adds its id to the
 * index, in one step. KEYS[1] the record, KEYS[2] the index; ARGV: data, now (ms), expiry ('' =
 * none), ttl ms ('0' = none), a token naming this write, the id. A record expired by the caller's
 * clock is replaced. Safe to run twice, as CAS_PUT is: the second copy answers what the first did.
 */
const CREATE_LINK = `
local writer = redis.call('HGET', KEYS[1], 'writer')
if writer == ARGV[5] then return 1 end
if writer then
  local expires = redis.call('HGET', KEYS[1], 'expiresAt')
  if not expires or tonumber(expires) > tonumber(ARGV[2]) then return 0 end
  redis.call('DEL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'createdAt', ARGV[2], 'clicks', 0, 'writer', ARGV[5])
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'expiresAt', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[6])
return 1
`;

/**
 * Counts a visit of a live link record (HINCRBY, atomic) and returns {data, createdAt, expiresAt
 * or '', clicks}; nil for a record absent or expired by the caller's clock. KEYS[1] the record;
 * ARGV[1] now (ms).
 */
const VISIT_LINK = `
local fields = redis.call('HMGET', KEYS[1], 'data', 'createdAt', 'expiresAt')
if not fields[1] then return false end
if fields[3] and tonumber(fields[3]) <= tonumber(ARGV[1]) then return false end
local clicks = redis.call('HINCRBY', KEYS[1], 'clicks', 1)
return { fields[1], fields[2], fields[3] or '', tostring(clicks) }
`;

/**
 * Drops an index entry whose conversation is gone (it expired), unless it is back: checked and
 * removed in one script, so a conversation written meanwhile keeps its entry.
 * KEYS: the index, the conversation's key in Redis; ARGV: the index member.
 */
const PRUNE = `
if redis.call('EXISTS', KEYS[2]) == 0 then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

/**
 * Deletes a conversation that ended (or failed) before a time, with its index entry; an entry
 * whose conversation expired goes too. KEYS: the conversation's key in Redis, the index; ARGV:
 * the index member, the time (ms). Answers 1 when it deleted a conversation, 0 when it kept one
 * that stays before that time (still going), 2 when the entry left that range (gone, or written since).
 */
const PURGE = `
local at = redis.call('HGET', KEYS[1], 'at')
if not at then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 2
end
if tonumber(at) >= tonumber(ARGV[2]) then return 2 end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'ended' and status ~= 'error' then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/** The compare-and-set script, answering `R`: a promise, or a pipeline to add more commands to. */
interface CasPut<R> {
  botflowCasPut(
    key: string,
    index: string,
    funnel: string,
    lock: string,
    data: string,
    expected: string,
    ttlMs: string,
    writtenAt: string,
    writer: string,
    member: string,
    status: string,
    summary: string,
    begins: string,
    holder: string,
    ...counts: string[]
  ): R;
}

interface Scripts extends CasPut<Promise<number | null>> {
  botflowCreateLink(
    record: string,
    index: string,
    data: string,
    now: string,
    expiresAt: string,
    ttlMs: string,
    writer: string,
    id: string,
  ): Promise<number>;
  botflowVisitLink(record: string, now: string): Promise<[string, string, string, string] | null>;
  botflowPrune(index: string, key: string, member: string): Promise<number>;
  botflowPurge(key: string, index: string, member: string, before: string): Promise<number>;
  botflowTake(lock: string, token: string, ttlMs: number): Promise<'OK' | null>;
  botflowTakeAndRead(lock: string, key: string, token: string, ttlMs: number): Promise<RecordFields | null>;
  botflowRenew(lock: string, token: string, ttlMs: number): Promise<number>;
  botflowUnlock(lock: string, token: string): Promise<number>;
}

/**
 * Options for a connection this store opens. The offline queue lets the first command wait for
 * the first connect; `maxRetriesPerRequest: 0` then rejects every waiting or in-flight command
 * as soon as a connection attempt fails, and the short retry delay and connect timeout bound that
 * wait, so a turn fails in about a second instead of hanging while Redis is down. The command
 * timeout bounds a Redis that is connected but does not answer (stopped, or swapping).
 */
const FAIL_FAST = Object.freeze({
  maxRetriesPerRequest: 0,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
});

/** A conversation's hash fields data, version and at, as a turn reads them. */
type RecordFields = [string | null, string | null, string | null];

/** What ioredis rejects a command with when its own `commandTimeout` runs out. */
const COMMAND_TIMED_OUT = 'Command timed out';

/** How long a write waits for its replicas (`waitReplicas`): within the command timeout. */
const WAIT_MS = 1000;

/** How long a write whose answer was lost is read back by default (`readBackMs`). */
export const DEFAULT_READ_BACK_MS = 5000;

/** How long a lock is held unless renewed by default (`lockTtlMs`). */
export const DEFAULT_LOCK_TTL_MS = 30_000;

/** The pause between two read-backs of a write whose answer was lost, while Redis does not answer. */
const READ_BACK_PAUSE_MS = 200;

/**
 * Where the connection stood when a command was issued, to tell afterwards whether the command can
 * have reached Redis, and whether a later command went down the same connection behind it.
 */
interface Issued {
  /** Not connected: ioredis queues the command until the connection is ready. */
  readonly queued: boolean;
  readonly closes: number;
  readonly readies: number;
}

/**
 * ioredis, loaded when a store opens its own connection rather than with the engine: most programs
 * that import the engine (and every botflow command but `serve`) never open a Redis store.
 */
const ioredis = () =>
  createRequire(import.meta.url)('ioredis') as { Redis: typeof Redis; Cluster: typeof Cluster };

/** The scheme of a URL naming a Redis Cluster by some of its nodes (`rediss+cluster:` with TLS). */
const CLUSTER_URL = /^(rediss?)\+cluster:\/\//i;

/** The connection a URL names: one Redis, or a Redis Cluster. */
function connect(url: string): Redis | Cluster {
  const cluster = CLUSTER_URL.exec(url);
  if (cluster === null) return new (ioredis().Redis)(checkedUrl(url), FAIL_FAST);
  const { nodes, username, password } = clusterNodes(url.slice(cluster[0].length));
  const { retryStrategy, ...failFast } = FAIL_FAST;
  return new (ioredis().Cluster)(nodes, {
    clusterRetryStrategy: retryStrategy,
    redisOptions: {
      ...failFast,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
      ...(cluster[1]?.toLowerCase() === 'rediss' ? { tls: {} } : {}),
    },
  });
}

/**
 * The nodes, user and password of a cluster URL's rest (`[user:password@]host:port,host:port[/][?wait=N]`),
 * or a BotflowError that says what is wrong without quoting it (it can hold a password).
 */
function clusterNodes(rest: string): {
  nodes: { host: string; port: number }[];
  username: string | undefined;
  password: string | undefined;
} {
  // The nodes end where the path or the query (`?wait=1`) begins.
  const authority = rest.replace(/[/?#].*$/s, '');
  const at = authority.lastIndexOf('@');
  const credentials = at === -1 ? undefined : authority.slice(0, at);
  const [user = '', secret] = credentials?.split(/:(.*)/s) ?? [];
  if (![user, secret ?? ''].every(isDecodable)) {
    throw new BotflowError(
      'store.bad-option',
      'the user name or password in the Redis Cluster URL has a "%" that does not start an escape such as %25; write a "%" in it as %25',
    );
  }
  const nodes = authority
    .slice(at + 1)
    .split(',')
    .map((node) => /^([^\s:/?#@,]+|\[[0-9a-f:.]+\]):(\d{1,5})$/i.exec(node));
  if (nodes.length === 0 || nodes.some((node) => node === null)) {
    throw new BotflowError(
      'store.bad-option',
      'the Redis Cluster URL must list its nodes as host:port, separated by commas, as in redis+cluster://10.0.0.1:7000,10.0.0.2:7000',
    );
  }
  return {
    nodes: nodes.map((node) => ({ host: node?.[1] ?? '', port: Number(node?.[2]) })),
    username: user === '' ? undefined : decodeURIComponent(user),
    password: secret === undefined ? undefined : decodeURIComponent(secret),
  };
}

/** Conversations in Redis: the store for several engine processes sharing sessions. */
export class RedisStore implements ReportingStore, LinkStore {
  private readonly redis: (Redis | Cluster) & Scripts;
  private readonly owned: boolean;
  /** Where the store connects, for logs and errors: the URL without its credentials. */
  readonly where: string;
  /** Where every key lives: under the prefixes, in one shard per hash tag on a cluster. */
  private readonly keys: KeyLayout;
  private readonly ttl: string;
  private readonly lockTimes: LockTimes;
  private readonly lockCommands: LockCommands<'OK'>;
  private readonly readBackMs: number;
  private readonly waitReplicas: number;
  /**
   * One connection runs its commands in order, which tells what a lost answer did (see
   * {@link behindWrite}); a cluster's commands go down one connection per node and move with the
   * slots, so only a write's own token proves anything there.
   */
  private readonly inOrder: boolean;
  /** How often the connection closed and became ready: see {@link Issued}. */
  private closes = 0;
  private readies = 0;
  /** `closes` when the connection last became ready: no close since means that connection still serves. */
  private closesAtReady = 0;

  /**
   * The ioredis options of a connection the store opens from a URL, to start a connection of your
   * own from: `new Redis(url, { ...RedisStore.connectionOptions, commandTimeout: 5000 })`.
   */
  static readonly connectionOptions = FAIL_FAST;

  /**
   * `redis`: a URL (this store opens and closes the connection) or a connection the caller owns.
   * A `redis+cluster://host:port,host:port` URL, or an ioredis Cluster, stores on Redis Cluster.
   */
  constructor(redis: Redis | Cluster | string, options: RedisStoreOptions = {}) {
    const prefix = options.keyPrefix ?? 'botflow:conv:';
    // Locks live at `lock:<prefix><key>`: a prefix that could begin such a name could let a
    // conversation's key be another conversation's lock.
    if (LOCK_NAMESPACE.startsWith(prefix) || prefix.startsWith(LOCK_NAMESPACE)) {
      throw new BotflowError(
        'store.bad-option',
        `the Redis key prefix "${prefix}" cannot be used: it must be set and not begin with "${LOCK_NAMESPACE}"`,
      );
    }
    const linkPrefix = options.linkPrefix ?? 'botflow:link:';
    const prefixes = [prefix, linkPrefix, LOCK_NAMESPACE];
    if (prefixes.some((one, i) => prefixes.some((other, j) => i !== j && other.startsWith(one)))) {
      throw new BotflowError(
        'store.bad-option',
        `the Redis link prefix "${linkPrefix}" cannot be used: it must be set, and neither it nor the conversation prefix "${prefix}" nor "${LOCK_NAMESPACE}" may begin another`,
      );
    }
    const connection = typeof redis === 'string' ? connect(redis) : redis;
    this.inOrder = !isCluster(connection);
    this.keys = new KeyLayout(prefix, linkPrefix, !this.inOrder);
    this.owned = typeof redis === 'string';
    // Connection errors reach callers as rejected commands; without a listener ioredis prints them.
    if (this.owned) connection.on('error', () => undefined);
    connection.on('close', this.countClose);
    connection.on('ready', this.countReady);
    connection.defineCommand('botflowCasPut', { numberOfKeys: CAS_PUT_KEYS, lua: CAS_PUT });
    connection.defineCommand('botflowCreateLink', { numberOfKeys: 2, lua: CREATE_LINK });
    connection.defineCommand('botflowVisitLink', { numberOfKeys: 1, lua: VISIT_LINK });
    connection.defineCommand('botflowPrune', { numberOfKeys: 2, lua: PRUNE });
    connection.defineCommand('botflowPurge', { numberOfKeys: 2, lua: PURGE });
    connection.defineCommand('botflowTake', { numberOfKeys: 1, lua: TAKE });
    connection.defineCommand('botflowTakeAndRead', { numberOfKeys: 2, lua: TAKE });
    connection.defineCommand('botflowRenew', { numberOfKeys: 1, lua: RENEW });
    connection.defineCommand('botflowUnlock', { numberOfKeys: 1, lua: UNLOCK });
    const redisWithScripts = connection as (Redis | Cluster) & Scripts;
    this.redis = redisWithScripts;
    this.lockCommands = this.lockCommandsTaking((lock, token, ttlMs) =>
      redisWithScripts.botflowTake(lock, token, ttlMs),
    );
    this.readBackMs = options.readBackMs ?? DEFAULT_READ_BACK_MS;
    this.waitReplicas = options.waitReplicas ?? (typeof redis === 'string' ? waitOf(redis) : 0);
    this.where = typeof redis === 'string' ? withoutCredentials(redis) : addressOf(redis);
    this.ttl = String(options.ttlMs ?? 0);
    this.lockTimes = {
      ttlMs: options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
      waitMs: options.lockWaitMs ?? 60_000,
    };
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    const fields = await this.call(() => this.redis.hmget(this.keys.record(key), 'data', 'version', 'at'));
    return recordOf(fields as RecordFields);
  }

  /**
   * A write whose answer is lost (Redis stalled past the command timeout, or the connection broke)
   * may still run once Redis goes on, so it is not reported as "not applied" unless reading the
   * conversation back proves it: applied (the write's token is stored), refused (another write
   * came first), or, when the read-back cannot tell within `readBackMs`, `store.uncertain`.
   */
  put(
    key: string,
    data: string,
    expected: number | undefined,
    summary?: TurnSummary,
  ): Promise<number | undefined> {
    return this.write(key, data, expected, summary, '');
  }

  /** {@link put}, giving back the hold `holder` names when applied ('' = none). */
  private async write(
    key: string,
    data: string,
    expected: number | undefined,
    summary: TurnSummary | undefined,
    holder: string,
  ): Promise<number | undefined> {
    const writer = randomUUID();
    const issued = this.issued();
    const expectedArg = expected === undefined ? '' : String(expected);
    const shard = this.keys.shardOf(key);
    const record = shard.conversations + key;
    try {
      const casPut = <R>(target: CasPut<R>): R =>
        target.botflowCasPut(
          record,
          shard.index,
          shard.funnel,
          LOCK_NAMESPACE + record,
          data,
          expectedArg,
          this.ttl,
          String(Date.now()),
          writer,
          key,
          summary?.status ?? '',
          summary ? encodeSummary(summary) : '',
          summary?.begins === true ? '1' : '0',
          holder,
          ...(summary?.counts ?? []).flatMap(({ block, edge, count }) => [
            counterName(block, edge),
            String(count),
          ]),
        );
      if (this.waitReplicas === 0) return (await casPut(this.redis)) ?? undefined;
      // WAIT goes down the write's connection, to the write's node, in the same round trip. The
      // script goes whole (EVAL): a node without it in its cache (a replica just promoted) would
      // refuse EVALSHA, and ioredis would send the script again outside the pipeline, behind WAIT.
      const pipeline = this.redis.pipeline();
      const whole: CasPut<ChainableCommander> = {
        botflowCasPut: (...keysAndArgs) => pipeline.eval(CAS_PUT, CAS_PUT_KEYS, ...keysAndArgs),
      };
      const [[writeError, version] = [], [waitError, replicas] = []] =
        (await casPut(whole).wait(this.waitReplicas, WAIT_MS).exec()) ?? [];
      if (writeError) throw writeError;
      const applied = version as number | null;
      if (applied === null || (!waitError && Number(replicas) >= this.waitReplicas))
        return applied ?? undefined;
    } catch (error) {
      if (!this.mayHaveRun(error, issued)) throw this.unavailable(error);
      return this.readBack(key, expected, writer, issued, error);
    }
    // Applied on the master, which answered; not (yet) on enough replicas to outlive its crash.
    throw new StoreUncertainError(
      `the session store at ${this.where} applied a write to conversation "${key}", but not the ${this.waitReplicas} replica(s) it waits for within ${WAIT_MS} ms: it may be lost if its master fails`,
    );
  }

  /** A delete whose answer is lost may still run: `store.uncertain` (deleting again is harmless). */
  async delete(key: string): Promise<void> {
    const issued = this.issued();
    const shard = this.keys.shardOf(key);
    try {
      await this.redis
        .multi()
        .del(shard.conversations + key)
        .zrem(shard.index, key)
        .exec();
    } catch (error) {
      if (!this.mayHaveRun(error, issued)) throw this.unavailable(error);
      throw new StoreUncertainError(
        `the session store at ${this.where} did not answer a delete of conversation "${key}", which may have been applied`,
        { cause: error },
      );
    }
  }

  /**
   * Each shard's conversations in the order of its index, merged by (update time, key): with one
   * shard (plain Redis) its index alone. Entries whose conversation expired are pruned.
   */
  conversations(filter: ListFilter = {}): AsyncIterable<ListedConversation> {
    const min = filter.since === undefined ? '-inf' : String(filter.since);
    const max = filter.until === undefined ? '+inf' : `(${filter.until}`;
    return merged(this.keys.shards.map((shard) => this.shardConversations(shard, min, max, filter)));
  }

  /** The conversations of one shard whose index entry lies from `min` to `max`, that pass `filter`. */
  private async *shardConversations(
    shard: Shard,
    min: string,
    max: string,
    filter: ListFilter,
  ): AsyncGenerator<Ranked<ListedConversation>, void> {
    for await (const entries of this.indexPages(shard.index, min, max)) {
      const records = await this.readPage(
        shard,
        entries.map(({ member }) => member),
      );
      for (const [i, { member, score }] of entries.entries()) {
        const listed = records[i];
        if (listed !== undefined && passes(filter, listed.updated, listed.status)) {
          yield { score, member, item: { key: member, ...listed } };
        }
      }
    }
  }

  /**
   * Pages through a sorted set by (score, member): a page starts past the last one read, first the
   * rest of its score's members (Redis orders them by their bytes), then the higher scores. A
   * cursor, not an offset: a member written while the listing runs moves to the end (and may be
   * listed twice) without making the listing skip another.
   */
  private async *indexPages(index: string, from: string, max: string): AsyncGenerator<IndexEntry[]> {
    let min = from;
    let after: IndexEntry | undefined;
    for (;;) {
      if (after !== undefined) {
        const { score, member } = after;
        const last = Buffer.from(member);
        const tied = await this.call(() => this.redis.zrangebyscore(index, score, score));
        const rest = tied.filter((other) => Buffer.compare(Buffer.from(other), last) > 0);
        for (let first = 0; first < rest.length; first += LIST_PAGE) {
          yield rest.slice(first, first + LIST_PAGE).map((member) => ({ member, score }));
        }
        min = `(${score}`;
      }
      const page = await this.call(() =>
        this.redis.zrangebyscore(index, min, max, 'WITHSCORES', 'LIMIT', 0, LIST_PAGE),
      );
      const entries: IndexEntry[] = [];
      for (let i = 0; i < page.length; i += 2) {
        entries.push({ member: page[i] ?? '', score: Number(page[i + 1]) });
      }
      if (entries.length > 0) yield entries;
      if (entries.length < LIST_PAGE) return;
      after = entries.at(-1);
    }
  }

  async funnelCounts(): Promise<FunnelCount[]> {
    const shards = await Promise.all(
      this.keys.shards.map((shard) => this.call(() => this.redis.hgetall(shard.funnel))),
    );
    const sums = new Map<string, number>();
    for (const counters of shards) {
      for (const [name, count] of Object.entries(counters))
        sums.set(name, (sums.get(name) ?? 0) + Number(count));
    }
    return countsOf([...sums]);
  }

  /** Each shard's index entries older than `before`, a page at a time; each is checked and deleted by one script. */
  async purgeEnded(before: number): Promise<number> {
    const purged = await Promise.all(this.keys.shards.map((shard) => this.purgeShard(shard, before)));
    return purged.reduce((sum, count) => sum + count, 0);
  }

  private async purgeShard(shard: Shard, before: number): Promise<number> {
    let purged = 0;
    let kept = 0;
    for (;;) {
      const members = await this.call(() =>
        this.redis.zrangebyscore(shard.index, '-inf', `(${before}`, 'LIMIT', kept, LIST_PAGE),
      );
      for (const member of members) {
        const outcome = await this.call(() =>
          this.redis.botflowPurge(shard.conversations + member, shard.index, member, String(before)),
        );
        if (outcome === 1) purged += 1;
        else if (outcome === 0) kept += 1;
      }
      if (members.length < LIST_PAGE) return purged;
    }
  }

  /**
   * The listed fields of each member's conversation in `shard`, in one round trip (one slot, so
   * one node of a cluster); undefined for one whose conversation is gone (it expired), whose entry
   * is pruned.
   */
  private async readPage(
    shard: Shard,
    members: readonly string[],
  ): Promise<(Omit<ListedConversation, 'key'> | undefined)[]> {
    if (members.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const member of members)
      pipeline.hmget(shard.conversations + member, 'data', 'at', 'started', 'status', 'summary');
    const replies = (await this.call(() => pipeline.exec())) ?? [];
    return Promise.all(
      members.map(async (member, i) => {
        const [error, fields] = replies[i] ?? [null, null];
        if (error) throw this.unavailable(error);
        const [data, at, started, status, summary = null] = (fields ?? []) as (string | null)[];
        if (data == null || at == null) {
          await this.call(() => this.redis.botflowPrune(shard.index, shard.conversations + member, member));
          return undefined;
        }
        const { channel = null, block = null, result = null } = decodeSummary(summary);
        return {
          data,
          started: started == null ? null : Number(started),
          updated: Number(at),
          channel,
          status: isStatus(status) ? status : null,
          block,
          result,
        };
      }),
    );
  }

  /**
   * Holds the conversation `key` for one turn across every process sharing this Redis.
   */
  async lock(key: string): Promise<Unlock> {
    return (await holdLock(this.lockCommands, key, this.keys.lock(key), this.lockTimes)).unlock;
  }

  /**
   * Holds the conversation `key` and reads it in one script, and writes it and gives it back in
   * one more ({@link CAS_PUT} with the hold's token): a turn in two round trips.
   */
  async hold(key: string): Promise<Hold> {
    const record = this.keys.record(key);
    const commands = this.lockCommandsTaking((lock, token, ttlMs) =>
      this.redis.botflowTakeAndRead(lock, record, token, ttlMs),
    );
    const held = await holdLock(commands, key, LOCK_NAMESPACE + record, this.lockTimes);
    return {
      record: recordOf(held.taken),
      put: async (data, expected, summary) => {
        const version = await this.write(key, data, expected, summary, held.token);
        if (version !== undefined) held.given();
        return version;
      },
      unlock: held.unlock,
    };
  }

  /** The lock's calls, taking with `take`: a bare take, or one that reads the conversation too. */
  private lockCommandsTaking<Taken>(
    take: (lock: string, token: string, ttlMs: number) => Promise<Taken | null>,
  ): LockCommands<Taken> {
    return {
      take: (lock, token, ttlMs) => this.call(() => take(lock, token, ttlMs)),
      renew: (lock, token, ttlMs) => this.call(() => this.redis.botflowRenew(lock, token, ttlMs)),
      unlock: (lock, token) => this.call(() => this.redis.botflowUnlock(lock, token)),
    };
  }

  async createLink(id: string, data: string, times: LinkTimes): Promise<boolean> {
    checkLinkRecord(id, data, times);
    const { now, expiresAt } = times;
    const shard = this.keys.shardOf(id);
    const created = await this.call(() =>
      this.redis.botflowCreateLink(
        shard.links + id,
        shard.linkIndex,
        data,
        String(now),
        expiresAt === undefined ? '' : String(expiresAt),
        expiresAt === undefined ? '0' : String(expiresAt - now),
        randomUUID(),
        id,
      ),
    );
    return created === 1;
  }

  async readLink(id: string, now: number): Promise<LinkRecord | undefined> {
    const fields = await this.call(() =>
      this.redis.hmget(this.keys.shardOf(id).links + id, 'data', 'createdAt', 'expiresAt', 'clicks'),
    );
    return liveLink(fields, now);
  }

  async visitLink(id: string, now: number): Promise<LinkRecord | undefined> {
    const fields = await this.call(() =>
      this.redis.botflowVisitLink(this.keys.shardOf(id).links + id, String(now)),
    );
    return fields === null ? undefined : liveLink(fields, now);
  }

  /** Each shard's links by creation time, merged; ids whose record Redis has expired are dropped from the index on the way. */
  listLinks(now: number): AsyncIterable<ListedLink> {
    return merged(this.keys.shards.map((shard) => this.shardLinks(shard, now)));
  }

  private async *shardLinks(shard: Shard, now: number): AsyncGenerator<Ranked<ListedLink>, void> {
    const gone: string[] = [];
    for await (const entries of this.indexPages(shard.linkIndex, '-inf', '+inf')) {
      const pipeline = this.redis.pipeline();
      for (const { member } of entries)
        pipeline.hmget(shard.links + member, 'data', 'createdAt', 'expiresAt', 'clicks');
      const answers = (await this.call(() => pipeline.exec())) ?? [];
      for (const [i, { member, score }] of entries.entries()) {
        const [error, fields] = answers[i] ?? [];
        if (error) throw this.unavailable(error);
        const record = liveLink(fields as (string | null)[], now);
        if (record) yield { score, member, item: { id: member, ...record } };
        else if ((fields as (string | null)[])[0] == null) gone.push(member);
      }
    }
    if (gone.length > 0) await this.call(() => this.redis.zrem(shard.linkIndex, ...gone));
  }

  /** Closes the connection when this store opened it; a connection passed in stays the caller's. */
  async close(): Promise<void> {
    if (!this.owned) {
      this.redis.off('close', this.countClose);
      this.redis.off('ready', this.countReady);
      return;
    }
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  private readonly countClose = () => {
    this.closes += 1;
  };

  private readonly countReady = () => {
    this.readies += 1;
    this.closesAtReady = this.closes;
  };

  private issued(): Issued {
    return { queued: this.redis.status !== 'ready', closes: this.closes, readies: this.readies };
  }

  /**
   * Whether a failed command can have run (or still run) in Redis. Not when Redis refused it, nor
   * when it waited in ioredis's offline queue, no connection became ready since, and it was
   * dropped from that queue (a failed connect): the queue is written out only on `ready`. But a
   * command whose own timer ran out ("Command timed out") stays where it was, in that queue or on
   * its connection, and may still run once Redis answers.
   */
  private mayHaveRun(error: unknown, issued: Issued): boolean {
    if (error instanceof Error && error.name === 'ReplyError') return false;
    if (error instanceof Error && error.message === COMMAND_TIMED_OUT) return true;
    return !(this.inOrder && issued.queued && this.readies === issued.readies);
  }

  /**
   * Whether a read answered now came down the same connection as the write `issued` describes,
   * behind it: for a write sent at once, no close since; for a queued one, the connection of the
   * first ready after it (the queue is written out then, in order) and no close since.
   */
  private behindWrite(issued: Issued): boolean {
    if (!this.inOrder) return false;
    return issued.queued
      ? this.readies === issued.readies + 1 && this.closes === this.closesAtReady
      : this.closes === issued.closes;
  }

  /**
   * Reads back the conversation a compare-and-set lost its answer for. Redis runs one
   * connection's commands in order, so a read-back answered on the connection the write went down
   * comes after the write: the write ran (its token is stored) or was refused, and cannot run
   * later. After a reconnect the write may still sit unread on the old connection, so only its own
   * token proves anything.
   */
  private async readBack(
    key: string,
    expected: number | undefined,
    writer: string,
    issued: Issued,
    lost: unknown,
  ): Promise<number | undefined> {
    const deadline = Date.now() + this.readBackMs;
    let stored = await this.lastWrite(key);
    while (stored === undefined && Date.now() < deadline) {
      await sleep(READ_BACK_PAUSE_MS);
      stored = await this.lastWrite(key);
    }
    if (stored?.writer === writer) return stored.version;
    if (stored !== undefined && this.behindWrite(issued)) {
      // Behind the write on its connection, the version after the expected one is another's: that
      // write came first and this one was refused. A later version may cover this one up.
      if (stored?.version === (expected ?? 0) + 1) return undefined;
      // A queued write that is not there when the read behind it is answered was dropped before it
      // left (the queue was flushed), or it would be: it never ran, and never will.
      if (issued.queued && (stored?.version ?? 0) === (expected ?? 0)) throw this.unavailable(lost);
    }
    throw new StoreUncertainError(
      `the session store at ${this.where} did not confirm a write to conversation "${key}", which may have been applied`,
      { cause: lost },
    );
  }

  /** The version and writer token of a conversation; null when absent, undefined when Redis did not answer. */
  private async lastWrite(
    key: string,
  ): Promise<{ version: number; writer: string | null } | null | undefined> {
    try {
      const [version, writer] = await this.redis.hmget(this.keys.record(key), 'version', 'writer');
      return version == null ? null : { version: Number(version), writer: writer ?? null };
    } catch {
      return undefined;
    }
  }

  /** Runs a command that applies no turn: a read, or a lock's own calls. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    const issued = this.issued();
    try {
      return await command();
    } catch (error) {
      throw this.unavailable(error, this.mayHaveRun(error, issued));
    }
  }

  /** Turns a lost connection or a refusal into one clear error. */
  private unavailable(error: unknown, mayHaveRun = false): StoreUnavailableError {
    // A refusal (WRONGPASS, NOAUTH, READONLY during a failover, OOM, LOADING): its first word
    // says why; the rest can be long and is Redis's own.
    const refusal = error instanceof Error && error.name === 'ReplyError' ? /^\S+/.exec(error.message) : null;
    return new StoreUnavailableError(
      refusal
        ? `the session store at ${this.where} refused the command: ${refusal[0]}`
        : `cannot reach the session store at ${this.where}`,
      { cause: error, mayHaveRun },
    );
  }
}

/** A link record from its hash fields (data, createdAt, expiresAt, clicks); undefined when absent or expired. */
function liveLink(fields: readonly (string | null)[], now: number): LinkRecord | undefined {
  const [data, createdAt, expires, clicks] = fields;
  if (data == null) return undefined;
  const expiresAt = expires == null || expires === '' ? undefined : Number(expires);
  if (!isLive(expiresAt, now)) return undefined;
  return { data, createdAt: Number(createdAt), expiresAt, clicks: Number(clicks ?? 0) };
}

/** The summary fields the hash keeps as one JSON field beside `status` (which a script reads). */
interface StoredSummary {
  readonly channel?: string;
  readonly block?: string;
  readonly result?: string | null;
}

function encodeSummary({ channel, block, result }: TurnSummary): string {
  return JSON.stringify({ channel, block, result } satisfies StoredSummary);
}

function decodeSummary(json: string | null): StoredSummary {
  if (json === null) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/**
 * A `redis://` or `rediss://` URL as ioredis can read it, or a BotflowError that says what is wrong
 * without quoting the URL, which can hold a password. Anything else (a socket path) goes to ioredis.
 */
function checkedUrl(url: string): string {
  if (!/^rediss?:\/\//i.test(url)) return url;
  const parsed = URL.parse(url);
  if (parsed === null) {
    throw new BotflowError(
      'store.bad-option',
      'the Redis URL is not a valid URL; it takes the form redis://[user:password@]host[:port][/db]',
    );
  }
  // ioredis decodes both, and a "%" not followed by two hex digits makes that throw URIError.
  if (![parsed.username, parsed.password].every(isDecodable)) {
    throw new BotflowError(
      'store.bad-option',
      'the user name or password in the Redis URL has a "%" that does not start an escape such as %25; write a "%" in it as %25',
    );
  }
  if (!/^\/?(\d+)?$/.test(parsed.pathname)) {
    throw new BotflowError(
      'store.bad-option',
      'the database in the Redis URL must be a number, as in redis://127.0.0.1:6379/0',
    );
  }
  return url;
}

function isDecodable(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

/** The URL to name in errors: never its user name or password, nor a query (`?password=`). */
function withoutCredentials(url: string): string {
  const cluster = CLUSTER_URL.exec(url);
  if (cluster) {
    const nodes = url.slice(cluster[0].length).replace(/[/?#].*$/s, '');
    return `${cluster[0]}${nodes.slice(nodes.lastIndexOf('@') + 1)}`;
  }
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return 'the configured Redis URL';
  }
}

function addressOf(redis: Redis | Cluster): string {
  if (isCluster(redis)) return 'a Redis Cluster';
  const { host, port, path } = redis.options;
  return path ? `redis+unix://${path}` : `redis://${host ?? 'localhost'}:${port ?? 6379}`;
}

/** The replicas a URL's `?wait=N` asks each write to wait for; 0 without it. */
function waitOf(url: string): number {
  const wait = /[?&]wait=([^&#]*)/.exec(url)?.[1];
  if (wait === undefined) return 0;
  if (!/^\d{1,2}$/.test(wait)) {
    throw new BotflowError(
      'store.bad-option',
      'the wait in the Redis URL must be a number of replicas, as in ?wait=1',
    );
  }
  return Number(wait);
}

function isCluster(redis: Redis | Cluster): redis is Cluster {
  return redis.isCluster;
}

/** A conversation from its hash fields data, version and at; undefined when it is not stored. */
function recordOf([data, version, at]: RecordFields): StoredRecord | undefined {
  return data == null || version == null
    ? undefined
    : { data, version: Number(version), writtenAt: Number(at) };
}

/** A member of a sorted set (an index of conversations or links) and its score. */
interface IndexEntry {
  readonly member: string;
  readonly score: number;
}

/** What one shard lists, with the index entry it was listed from: its place in the merged listing. */
interface Ranked<T> extends IndexEntry {
  readonly item: T;
}

/**
 * The items of every shard's listing, each in (score, member) order, merged into that order. Each
 * shard's first page is read at once; then a shard is read on only when its head is taken.
 */
async function* merged<T>(shards: readonly AsyncIterator<Ranked<T>, void>[]): AsyncGenerator<T> {
  const firsts = await Promise.all(shards.map(async (shard) => ({ shard, next: await shard.next() })));
  const live = firsts.flatMap(({ shard, next }) => (next.done === true ? [] : [{ shard, head: next.value }]));
  while (live.length > 0) {
    const earliest = live.reduce((one, other) => (ranksBefore(other.head, one.head) ? other : one));
    yield earliest.head.item;
    const next = await earliest.shard.next();
    if (next.done === true) live.splice(live.indexOf(earliest), 1);
    else earliest.head = next.value;
  }
}

function ranksBefore(one: IndexEntry, other: IndexEntry): boolean {
  if (one.score !== other.score) return one.score < other.score;
  return Buffer.compare(Buffer.from(one.member), Buffer.from(other.member)) < 0;
}
