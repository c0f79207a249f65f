import { pino, type Logger } from 'pino';

/**
 * One JSON line per event on stdout, written at once (a log read by a supervisor or a test
 * should not lag behind what happened), with every secret masked as `***` before it is written.
 */
export function serveLogger(mask: <T>(value: T) => T): Logger {
  return pino(
    {
      base: { pid: process.pid },
      hooks: {
        logMethod(args, write) {
          write.apply(this, args.map((arg) => mask(arg)) as Parameters<typeof write>);
        },
      },
    },
    pino.destination({ sync: true }),
  );
}
