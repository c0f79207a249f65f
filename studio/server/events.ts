import type { ServerResponse } from 'node:http';

/** Longer than any proxy's idle timeout is likely to be short: a comment line keeps the stream open. */
const HEARTBEAT_MS = 15_000;

/** Open pages at once: a designer has a few tabs open; past this the oldest stream is closed. */
export const STREAM_LIMIT = 16;

/** Server-sent events to every open page: the current value on connect, each new one after. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) client.write(': ping\n\n');
    }, HEARTBEAT_MS).unref();
  }

  /** Takes over the response as an event stream; `first` is sent at once. */
  open(response: ServerResponse, event: string, first: unknown): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      Connection: 'keep-alive',
    });
    response.write(frame(event, first));
    this.clients.add(response);
    const [oldest] = this.clients;
    if (this.clients.size > STREAM_LIMIT && oldest) {
      this.clients.delete(oldest);
      oldest.end();
    }
    response.on('close', () => this.clients.delete(response));
  }

  send(event: string, data: unknown): void {
    const text = frame(event, data);
    for (const client of this.clients) client.write(text);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}

/** One event; JSON has no raw newline, so the data is one `data:` line. */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
