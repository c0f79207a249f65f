import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { missingEnv, readScriptFile, ScriptError, type StartOptions } from '../../engine/index.js';
import { readJson } from '../../channels/http/body.js';
import { errorReply, notFound } from '../../channels/http/errors.js';
import { listenOn } from '../../channels/http/listen.js';
import { send, type Reply } from '../../channels/http/reply.js';
import { SCRIPT_EVENT } from '../protocol.js';
import { CONTENT_SECURITY_POLICY, pageHtml, readAssets } from './assets.js';
import { caseFileBeside } from './cases.js';
import type { Loaded, ReportSource, StudioContext, StudioRoute } from './context.js';
import { readDisk } from './disk.js';
import { EventHub } from './events.js';
import { Guard } from './guard.js';
import { ModelBuilder, withPins } from './model.js';
import { PinFile } from './pins.js';
import { featureRoutes } from './routes.js';
import { watchFile } from './watch.js';

export interface StudioOptions {
  readonly file: string;
  /** Default 127.0.0.1: reaching the studio from another machine is a choice. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly linkSecrets?: readonly string[];
  readonly allowHosts?: readonly string[];
  /** By default, the case file beside the script (`x.cases.yaml`) whenever it exists. */
  readonly caseFiles?: readonly string[];
  readonly start?: StartOptions;
  readonly draws?: Readonly<Record<string, number>>;
  /** Strict mode (`--strict`): the script's warnings are errors, and its failed expressions fail their blocks. */
  readonly strict?: boolean;
  /** The session store whose funnel the Funnel tab lays over the graph; the studio only reads it. */
  readonly reports?: ReportSource;
  /** Told of a failure of the studio's own (a 500): the command line prints it. */
  readonly onFailure?: (error: unknown) => void;
}

export interface Studio {
  /** The page's address, with the run's token: what `botflow studio` prints. */
  readonly url: string;
  /**
   * The names the script declared under `env:` when the studio started that its env gives no
   * value: the simulator refuses a live conversation until they have one (a case brings its own).
   */
  readonly missingEnv: readonly string[];
  close(): Promise<void>;
}

/** A studio call's body is a few fields: a reply, a link's parts, a case file's name. */
const BODY_LIMIT = 64 * 1024;

/**
 * Serves the studio for one script: the page, its API and the event stream that pushes the script
 * to the page each time the file changes on disk.
 */
export async function startStudio(options: StudioOptions): Promise<Studio> {
  const assets = await readAssets();
  const pins = new PinFile(options.file, () => {
    loaded = { ...loaded, model: withPins(pins, loaded.model) };
  });
  const builder = new ModelBuilder(pins, options.strict === true);
  const events = new EventHub();
  const read = async (): Promise<Loaded> => {
    await pins.read();
    let text: string;
    try {
      text = await readScriptFile(options.file);
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      return builder.unreadable(options.file, error.problems, (await readDisk(options.file)).hash);
    }
    return builder.build(options.file, text);
  };
  let loaded = await read();
  let reading: Promise<unknown> = Promise.resolve();
  const reload = (written?: string): Promise<Loaded> => {
    // One read at a time, in order: the page must never get an older file after a newer one.
    const done = reading.then(async () => {
      loaded = written === undefined ? await read() : await builder.build(options.file, written);
      events.send(SCRIPT_EVENT, loaded.model);
      return loaded;
    });
    // A failed read is told and the chain goes on: the next save is read again.
    reading = done.catch((error: unknown) => options.onFailure?.(error));
    return done;
  };
  // Watching before listening: a folder that cannot be watched stops the studio before it serves.
  const watcher = watchFile(options.file, () => {
    // The chain tells the failure; the watcher has no one else to tell.
    reload().catch(() => undefined);
  });

  const context: StudioContext = {
    file: options.file,
    env: options.env ?? {},
    linkSecrets: options.linkSecrets ?? [],
    allowHosts: options.allowHosts ?? [],
    caseFiles: [...(options.caseFiles ?? [])],
    casesBeside: options.caseFiles === undefined ? caseFileBeside(options.file) : undefined,
    start: options.start ?? { channel: 'studio' },
    draws: options.draws ?? {},
    strict: options.strict === true,
    pins,
    reports: options.reports,
    current: () => loaded,
    reload,
    draft: (text) => builder.draft(text, loaded.model),
  };
  const routes = new Map<string, StudioRoute>(
    featureRoutes(context).map((route) => [`${route.method} ${route.path}`, route]),
  );

  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (request, response) => {
    answer(request, response).catch((error: unknown) => {
      const failed = errorReply(error, (value) => value);
      if (failed.failure !== undefined) options.onFailure?.(failed.failure);
      if (!response.headersSent) reply(response, failed);
    });
  });
  const host = options.host ?? '127.0.0.1';
  const { port } = await listenOn(server, options.port ?? 0, host);
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const token = randomBytes(18).toString('base64url');
  const guard = new Guard(authority, token);

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    guard.checkHost(request);
    const url = new URL(request.url ?? '/', guard.origin);
    const method = request.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/') {
      reply(response, page(pageHtml(loaded.model.name || options.file)));
      return;
    }
    if (method === 'GET' && url.pathname.startsWith('/assets/')) {
      const asset = assets.get(url.pathname.slice('/assets/'.length));
      if (!asset) throw notFound();
      reply(response, { status: 200, body: asset.body, contentType: asset.type });
      return;
    }
    if (!url.pathname.startsWith('/api/')) throw notFound();
    const stream = method === 'GET' && url.pathname === '/api/events';
    guard.checkToken(request, stream ? url.searchParams : undefined);
    if (stream) {
      events.open(response, SCRIPT_EVENT, loaded.model);
      return;
    }
    if (method !== 'GET') guard.checkOrigin(request);
    const route = routes.get(`${method} ${url.pathname}`);
    if (!route) throw notFound();
    const body = method === 'POST' ? await readJson(request, route.bodyLimit ?? BODY_LIMIT) : undefined;
    const value = await route.handle({ body, query: url.searchParams });
    reply(response, {
      status: 200,
      body: JSON.stringify(value),
      contentType: 'application/json; charset=utf-8',
    });
  }

  return {
    url: `${guard.origin}/?token=${token}`,
    missingEnv: loaded.script ? missingEnv(loaded.script, context.env) : [],
    close: async () => {
      watcher.close();
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

function page(html: string): Reply {
  return { status: 200, body: html, contentType: 'text/html; charset=utf-8' };
}

function reply(response: ServerResponse, answer: Reply): void {
  send(response, answer, {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    // The page's URL carries the token: no link may pass it on.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });
}
