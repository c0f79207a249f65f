import {
  createBot,
  createHttpClient,
  parseScript,
  type Bot,
  type BotOptions,
  type HttpOptions,
} from '../../engine/index.js';

/** A script around the given blocks (YAML, indented under `blocks:`), with optional top-level lines. */
export function script(blocks: string, top = ''): string {
  return `botflow: 1\nname: request-test\n${top}blocks:\n${blocks}`;
}

/** A real bot over a real HTTP client allowed to reach 127.0.0.1, with a fixed jitter. */
export function botOf(
  yaml: string,
  options: {
    env?: Record<string, string>;
    http?: HttpOptions;
    store?: BotOptions['store'];
    maxVariableBytes?: number;
  } = {},
): Bot {
  return createBot({
    script: parseScript(yaml),
    env: options.env ?? {},
    http: createHttpClient({ allowHosts: ['127.0.0.1'], random: () => 0.5, ...options.http }),
    ...(options.store && { store: options.store }),
    ...(options.maxVariableBytes !== undefined && { maxVariableBytes: options.maxVariableBytes }),
  });
}

/** Diagnostic codes of a turn, in order. */
export function codes(turn: { diagnostics: readonly { code: string }[] }): string[] {
  return turn.diagnostics.map((d) => d.code);
}
