import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import type { LogLine } from '../../support/serve-process.js';

/** A real pino logger whose JSON lines are kept, so a test can read and wait for them. */
export class LogCapture {
  /** Every line exactly as pino wrote it. */
  readonly raw: string[] = [];
  readonly logger = pino(
    { base: null, timestamp: false },
    {
      write: (line: string) => {
        this.record(line);
      },
    },
  );
  private readonly written = new EventEmitter();

  get lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }

  /** Resolves with the first line `matches` accepts, once it has been written. */
  waitFor(matches: (line: LogLine) => boolean): Promise<LogLine> {
    return new Promise((resolve) => {
      const check = () => {
        const line = this.lines.find(matches);
        if (!line) return;
        this.written.off('line', check);
        resolve(line);
      };
      this.written.on('line', check);
      check();
    });
  }

  private record(line: string): void {
    this.raw.push(line);
    this.written.emit('line');
  }
}
