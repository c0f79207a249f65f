import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

interface Connection {
  readonly client: Socket;
  readonly upstream: Socket;
  /** The server's answers on this connection no longer reach the client. */
  swallowed: boolean;
}

/**
 * A TCP proxy on a free loopback port in front of a server, that can swallow the server's answers
 * and break connections: a command then runs on the server while its answer is lost, as when a
 * connection breaks between the two. A connection made later is forwarded both ways again.
 */
export class AnswerProxy {
  private readonly connections = new Set<Connection>();

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number): Promise<AnswerProxy> {
    const server = createServer();
    const proxy = new AnswerProxy(server);
    server.on('connection', (client) => {
      proxy.forward(client, targetPort);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** From now on, the answers on every connection open now are dropped. */
  swallowAnswers(): void {
    for (const connection of this.connections) connection.swallowed = true;
  }

  /** Breaks every connection open now. */
  cut(): void {
    for (const { client, upstream } of this.connections) {
      client.destroy();
      upstream.destroy();
    }
  }

  async close(): Promise<void> {
    this.cut();
    this.server.close();
    await once(this.server, 'close');
  }

  private forward(client: Socket, targetPort: number): void {
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
    const connection: Connection = { client, upstream, swallowed: false };
    this.connections.add(connection);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!connection.swallowed) client.write(chunk);
    });
    // Either side ending ends both, as a broken connection does.
    const end = () => {
      this.connections.delete(connection);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('close', end);
      socket.on('error', end);
    }
  }
}
