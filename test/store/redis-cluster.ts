import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from '../support/free-port.js';
import { RedisServer } from './redis-server.js';

const MISSING_CLI =
  'redis-cli is not installed, so the Redis Cluster tests cannot run ' +
  '(install it: apt-get install -y redis-server; CI installs it in .ci/run)';

/** How long a node may be silent before the others fail it over: short, so a crash is noticed in a test. */
const NODE_TIMEOUT_MS = 1000;

/** A node of the cluster as `CLUSTER NODES` tells it. */
interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly master: boolean;
  /** The master a replica copies. */
  readonly of: string | undefined;
  /** Whether the cluster sees it as failed. */
  readonly failed: boolean;
}

/**
 * A real Redis Cluster of the suite's own: three masters with one replica each, on free loopback
 * ports, made by `redis-cli --cluster create`. A missing redis-server or redis-cli fails.
 */
export class RedisCluster {
  private constructor(private readonly servers: readonly RedisServer[]) {}

  static async start(): Promise<RedisCluster> {
    const servers: RedisServer[] = [];
    try {
      for (let node = 0; node < 6; node++) {
        servers.push(
          await RedisServer.start({
            more: [
              '--cluster-enabled',
              'yes',
              '--cluster-config-file',
              'nodes.conf',
              '--cluster-node-timeout',
              String(NODE_TIMEOUT_MS),
              // The bus port would be the port + 10000, which may not be free (or a port at all).
              '--cluster-port',
              String(await freePort()),
            ],
          }),
        );
      }
      await create(servers.map(({ port }) => port));
      const cluster = new RedisCluster(servers);
      await cluster.settled();
      // The replicas are told whom to copy last: the failover tests need them in place.
      await cluster.replicasInSync();
      return cluster;
    } catch (error) {
      await Promise.all(servers.map((server) => server.dispose()));
      throw error;
    }
  }

  /** What `--store` takes: every node, as a client is told a few of them. */
  get url(): string {
    return `redis+cluster://${this.servers.map(({ port }) => `127.0.0.1:${port}`).join(',')}`;
  }

  get ports(): readonly number[] {
    return this.servers.map(({ port }) => port);
  }

  /** Asks the first node that answers. */
  private async ask<T>(question: (redis: Redis) => Promise<T>): Promise<T> {
    for (const server of this.servers) {
      try {
        return await admin(server.port, question);
      } catch {
        // That node is down: ask another.
      }
    }
    throw new Error('no node of the cluster answers');
  }

  /** The nodes as a live node sees them. */
  async nodes(): Promise<ClusterNode[]> {
    return parseNodes(await this.ask((redis) => redis.cluster('NODES')));
  }

  /** The slot the cluster gives `key`. */
  slotOf(key: string): Promise<number> {
    return this.ask((redis) => redis.cluster('KEYSLOT', key));
  }

  /** The port of the master serving the slot of `key`. */
  async masterOf(key: string): Promise<number> {
    const slot = await this.slotOf(key);
    const slots = await this.ask((redis) => redis.cluster('SLOTS'));
    const range = slots.find(([first, last]) => slot >= first && slot <= last);
    const port = range?.[2]?.[1];
    if (port === undefined) throw new Error(`no node of the cluster serves slot ${slot}`);
    return port;
  }

  /**
   * Has the replica of the master on `port` take over, with `CLUSTER FAILOVER`: the master stops
   * taking writes, the replica catches up, then it is promoted; nothing acknowledged is lost.
   * Resolves when the cluster serves every slot again.
   */
  async failover(port: number): Promise<void> {
    const nodes = await this.nodes();
    const master = nodes.find((node) => node.port === port);
    const replica = nodes.find((node) => node.of === master?.id);
    if (!master || !replica) throw new Error(`the node on port ${port} is not a master with a replica`);
    await admin(replica.port, (redis) => redis.cluster('FAILOVER'));
    await this.waitFor(async () =>
      (await this.nodes()).some((node) => node.port === replica.port && node.master),
    );
    await this.settled();
  }

  /** Freezes the replica of the master on `port` (SIGSTOP): it takes nothing more from it. Answers its thaw. */
  async freezeReplicaOf(port: number): Promise<() => void> {
    const nodes = await this.nodes();
    const master = nodes.find((node) => node.port === port && node.master);
    const replica = this.servers.find(
      (server) => server.port === nodes.find((node) => node.of === master?.id)?.port,
    );
    if (!replica) throw new Error(`the node on port ${port} is not a master with a replica`);
    replica.freeze();
    return () => {
      replica.thaw();
    };
  }

  /**
   * Kills the master on `port` (SIGKILL). Resolves once its replica has taken over (the others
   * fail it after the node timeout) and the cluster serves every slot again.
   */
  async crash(port: number): Promise<void> {
    const server = this.servers.find((one) => one.port === port);
    const nodes = await this.nodes();
    const master = nodes.find((node) => node.port === port && node.master);
    const replica = nodes.find((node) => node.of === master?.id);
    if (!server || !replica) throw new Error(`the node on port ${port} is not a master with a replica`);
    await server.crash();
    await this.waitFor(async () =>
      (await this.nodes()).some((node) => node.port === replica.port && node.master),
    );
    await this.settled();
  }

  /** Starts the node on `port` again after a crash: it comes back as a replica of the master that took over. */
  async restart(port: number): Promise<void> {
    const server = this.servers.find((one) => one.port === port);
    if (!server) throw new Error(`there is no node on port ${port}`);
    await server.start();
    await this.settled();
    await this.replicasInSync();
  }

  /** Waits until every replica is in sync with its master: a `WAIT` for a replica can be answered. */
  private async replicasInSync(): Promise<void> {
    await this.waitFor(async () => {
      const replicas = (await this.nodes()).filter((node) => node.of !== undefined && !node.failed);
      const links = await Promise.all(
        replicas.map((node) => admin(node.port, (redis) => redis.info('replication')).catch(() => '')),
      );
      return replicas.length === 3 && links.every((info) => info.includes('master_link_status:up'));
    });
  }

  /** Waits until every live node says `cluster_state:ok` and every slot is served. */
  async settled(): Promise<void> {
    await this.waitFor(async () => {
      const states = await Promise.all(
        this.servers.map((server) =>
          admin(server.port, (redis) => redis.cluster('INFO')).then(
            (info) => info,
            () => 'down',
          ),
        ),
      );
      const live = states.filter((state) => state !== 'down');
      return (
        live.length > 0 &&
        live.every((state) => state.includes('cluster_state:ok') && state.includes('cluster_slots_ok:16384'))
      );
    });
  }

  async dispose(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.dispose()));
  }

  private async waitFor(ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await ready())) {
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not settle within 30 s');
      await sleep(100);
    }
  }
}

/** `redis-cli --cluster create` over the nodes on `ports`: the first three masters, the rest their replicas. */
async function create(ports: readonly number[]): Promise<void> {
  const child = spawn(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(error.code === 'ENOENT' ? MISSING_CLI : `redis-cli did not start: ${error.message}`));
    });
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`redis-cli --cluster create exited with ${code ?? 'a signal'}:\n${output}`));
    });
  });
}

/** Runs `ask` on a connection of its own to the node on `port`, which fails at once if the node is down. */
async function admin<T>(port: number, ask: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await ask(redis);
  } finally {
    redis.disconnect();
  }
}

/** `CLUSTER NODES`: a line a node, `id host:port@bus flags master-id …`. */
function parseNodes(text: unknown): ClusterNode[] {
  return String(text)
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', address = '', flags = '', of = '-'] = line.split(' ');
      const roles = flags.split(',');
      return {
        id,
        port: Number(/:(\d+)@/.exec(address)?.[1]),
        master: roles.includes('master'),
        of: of === '-' ? undefined : of,
        failed: roles.includes('fail'),
      };
    });
}
