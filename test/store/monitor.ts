import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/**
 * The commands clients sent to the Redis servers on `ports` while `run` ran that name a key with
 * `prefix`, as MONITOR saw them: one a round trip. Commands a script runs inside Redis are not
 * counted (MONITOR tells them by their source, `lua`).
 */
export async function commandsSent(
  ports: readonly number[],
  prefix: string,
  run: () => Promise<unknown>,
): Promise<string[]> {
  const seen: string[] = [];
  const connections: Redis[] = [];
  const monitors = await Promise.all(
    ports.map(async (port) => {
      const connection = new Redis({ port, host: '127.0.0.1' });
      connections.push(connection);
      const monitor = await connection.monitor();
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua' && args.some((arg) => arg.includes(prefix)))
          seen.push(String(args[0]).toLowerCase());
      });
      return monitor;
    }),
  );
  try {
    await run();
    // MONITOR tells of a command after it ran, down another connection: let the last ones arrive.
    await sleep(100);
  } finally {
    for (const connection of [...monitors, ...connections]) connection.disconnect();
  }
  return seen;
}
