import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotflowError } from '../../engine/index.js';

const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'another process uses that port',
  EACCES: 'this user may not use that port',
  EADDRNOTAVAIL: 'this machine has no such address',
  ENOTFOUND: 'no such host',
};

/** Starts listening; an address that cannot be used is one sentence (`serve.listen`), not a Node error. */
export function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const why = LISTEN_ERRORS[error.code ?? ''];
      reject(
        why === undefined
          ? error
          : new BotflowError('serve.listen', `cannot listen on ${host}:${port}: ${why}`),
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve(server.address() as AddressInfo);
    });
  });
}
