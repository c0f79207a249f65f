import { BotflowError } from '../error.js';
import { Redis } from 'ioredis';
import { holdLock, RENEW, UNLOCK, type LockCommands, type LockTimes } from './redis-lock.js';
import type { SessionStore, StoredRecord, Unlock } from './types.js';
import { StoreUnavailableError } from './unavailable.js';

export interface RedisStoreOptions {
  /** Put before every conversation key, so several bots can share one Redis (default `botflow:conv:`). */
  readonly keyPrefix?: string;
  /** Forget a conversation this long after its last write (default: keep it). */
  readonly ttlMs?: number;
  /** How long a turn holds a conversation unless renewed (default 30 s): a crashed holder's delay. */
  readonly lockTtlMs?: number;
  /** How long a turn waits for a conversation another process holds (default 60 s). */
  readonly lockWaitMs?: number;
}

/**
 * Compare-and-set on a hash {data, version, at}, atomic because Redis runs a script whole.
 * KEYS[1] the key; ARGV: data, expected version ('' = the key must be absent), ttl ms ('0' = none),
 * the time of writing (ms).
 */
const CAS_PUT = `
local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[2] == '' then
  if current then return false end
elseif current ~= ARGV[2] then
  return false
end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'at', ARGV[4])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[3] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return version
`;

interface Scripts {
  botflowCasPut(
    key: string,
    data: string,
    expected: string,
    ttlMs: string,
    writtenAt: string,
  ): Promise<number | null>;
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
const FAIL_FAST = {
  maxRetriesPerRequest: 0,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
};

const LOCK_NAMESPACE = 'lock:';

/** Conversations in Redis: the store for several engine processes sharing sessions. */
export class RedisStore implements SessionStore {
  private readonly redis: Redis & Scripts;
  private readonly owned: boolean;
  /** Where the store connects, for logs and errors: the URL without its credentials. */
  readonly where: string;
  private readonly prefix: string;
  private readonly ttl: string;
  private readonly lockTimes: LockTimes;
  private readonly lockCommands: LockCommands;

  /** `redis`: a URL (this store opens and closes the connection) or a connection the caller owns. */
  constructor(redis: Redis | string, options: RedisStoreOptions = {}) {
    this.prefix = options.keyPrefix ?? 'botflow:conv:';
    // Locks live at `lock:<prefix><key>`: a prefix that could begin such a name could let a
    // conversation's key be another conversation's lock.
    if (LOCK_NAMESPACE.startsWith(this.prefix) || this.prefix.startsWith(LOCK_NAMESPACE)) {
      throw new BotflowError(
        'store.bad-option',
        `the Redis key prefix "${this.prefix}" cannot be used: it must be set and not begin with "${LOCK_NAMESPACE}"`,
      );
    }
    this.owned = typeof redis === 'string';
    const connection = typeof redis === 'string' ? new Redis(redis, FAIL_FAST) : redis;
    // Connection errors reach callers as rejected commands; without a listener ioredis prints them.
    if (this.owned) connection.on('error', () => undefined);
    connection.defineCommand('botflowCasPut', { numberOfKeys: 1, lua: CAS_PUT });
    connection.defineCommand('botflowRenew', { numberOfKeys: 1, lua: RENEW });
    connection.defineCommand('botflowUnlock', { numberOfKeys: 1, lua: UNLOCK });
    const redisWithScripts = connection as Redis & Scripts;
    this.redis = redisWithScripts;
    this.lockCommands = {
      take: (lock, token, ttlMs) => this.call(() => redisWithScripts.set(lock, token, 'PX', ttlMs, 'NX')),
      renew: (lock, token, ttlMs) => this.call(() => redisWithScripts.botflowRenew(lock, token, ttlMs)),
      unlock: (lock, token) => this.call(() => redisWithScripts.botflowUnlock(lock, token)),
    };
    this.where = typeof redis === 'string' ? withoutCredentials(redis) : addressOf(redis);
    this.ttl = String(options.ttlMs ?? 0);
    this.lockTimes = { ttlMs: options.lockTtlMs ?? 30_000, waitMs: options.lockWaitMs ?? 60_000 };
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    const [data, version, at] = await this.call(() =>
      this.redis.hmget(this.prefix + key, 'data', 'version', 'at'),
    );
    return data == null || version == null
      ? undefined
      : { data, version: Number(version), writtenAt: Number(at) };
  }

  async put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    const version = await this.call(() =>
      this.redis.botflowCasPut(
        this.prefix + key,
        data,
        expected === undefined ? '' : String(expected),
        this.ttl,
        String(Date.now()),
      ),
    );
    return version ?? undefined;
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.prefix + key));
  }

  /**
   * Holds the conversation `key` for one turn across every process sharing this Redis.
   */
  lock(key: string): Promise<Unlock> {
    return holdLock(this.lockCommands, key, `${LOCK_NAMESPACE}${this.prefix}${key}`, this.lockTimes);
  }

  /** Closes the connection when this store opened it; a connection passed in stays the caller's. */
  async close(): Promise<void> {
    if (!this.owned) return;
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  /**
   * Turns a lost connection into one clear error. A command cut off in flight may or may not have
   * run, but never half: the script is atomic, so a retry sees either the old or the new version.
   */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      // A refusal (WRONGPASS, NOAUTH, READONLY during a failover, OOM, LOADING): its first word
      // says why; the rest can be long and is Redis's own.
      const refusal =
        error instanceof Error && error.name === 'ReplyError' ? /^\S+/.exec(error.message) : null;
      throw new StoreUnavailableError(
        refusal
          ? `the session store at ${this.where} refused the command: ${refusal[0]}`
          : `cannot reach the session store at ${this.where}`,
        { cause: error },
      );
    }
  }
}

/** The URL to name in errors: never its user name or password, nor a query (`?password=`). */
function withoutCredentials(url: string): string {
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

function addressOf(redis: Redis): string {
  const { host, port, path } = redis.options;
  return path ? `redis+unix://${path}` : `redis://${host ?? 'localhost'}:${port ?? 6379}`;
}
