import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { ROOT } from './cli.js';

/** The parts of LSP's types the tests read. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Diagnostic {
  readonly range: { readonly start: Position; readonly end: Position };
  readonly message: string;
}

export interface CompletionItem {
  readonly label: string;
  /** LSP's CompletionItemKind: 10 for a property, 12 for a value, 7 for a whole object's snippet. */
  readonly kind?: number;
}

interface Message {
  readonly jsonrpc: '2.0';
  readonly id?: number | string;
  readonly method?: string;
  readonly params?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

interface PendingRequest {
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

const SERVER = `${ROOT}node_modules/yaml-language-server/bin/yaml-language-server`;
/** How long one answer may take: the server reads the schema on first use, on two busy cores. */
const ANSWER_TIMEOUT_MS = 10_000;
/** How long a shutdown may take before the server is killed: within a test hook's 10 seconds. */
const STOP_TIMEOUT_MS = 5_000;
const HEADER_END = '\r\n\r\n';

/**
 * The language server VS Code's YAML extension runs, spoken to over stdio with LSP's
 * `Content-Length` framing. Its settings are answered from `settings` when it asks for them
 * (`workspace/configuration`), as an editor would.
 */
export class YamlLanguageServer {
  private readonly pending = new Map<number, PendingRequest>();
  private readonly diagnosticWaiters = new Map<string, (diagnostics: Diagnostic[]) => void>();
  private readonly exited: Promise<unknown>;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private stderr = '';
  private readonly opened = new Set<string>();
  private settingsTaken: () => void = () => undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly settings: Readonly<Record<string, unknown>>,
  ) {
    this.exited = once(child, 'exit');
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.readMessages();
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // A server that died is reported by the requests it leaves unanswered, not by a write's EPIPE.
    child.stdin.on('error', () => undefined);
    void this.exited.then(() => {
      for (const request of this.pending.values())
        request.reject(new Error(`the language server exited during ${request.method}:\n${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Starts the server and initialises it with `settings` as its `yaml` section. */
  static async start(settings: Readonly<Record<string, unknown>>): Promise<YamlLanguageServer> {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: 'pipe' });
    const server = new YamlLanguageServer(child, settings);
    try {
      await server.request('initialize', {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        // Settings are pulled as in VS Code: the server asks for them when it is ready.
        capabilities: { workspace: { configuration: true } },
      });
      const configured = new Promise<void>((resolve) => (server.settingsTaken = resolve));
      server.notify('initialized', {});
      // Documents opened before the server has its settings would be checked without them.
      await server.withTimeout('the request for settings', configured);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Opens a document and answers the first diagnostics the server publishes for it. */
  open(uri: string, text: string): Promise<Diagnostic[]> {
    if (this.opened.has(uri)) throw new Error(`${uri} is open already`);
    this.opened.add(uri);
    const published = this.withTimeout(
      `the diagnostics of ${uri}`,
      new Promise<Diagnostic[]>((resolve) => this.diagnosticWaiters.set(uri, resolve)),
    );
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return published;
  }

  /** What the server offers at `position` of an open document. */
  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const answer = await this.request('textDocument/completion', { textDocument: { uri }, position });
    const items = Array.isArray(answer) ? answer : (answer as { items?: unknown } | null)?.items;
    return (items ?? []) as CompletionItem[];
  }

  /** Shuts the server down politely, and kills it when it does not exit in time. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      this.child.kill('SIGKILL');
    }
    await this.exited;
    clearTimeout(killer);
  }

  private request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject });
    });
    this.send({ jsonrpc: '2.0', id, method, params });
    return this.withTimeout(method, answer);
  }

  private notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  private send(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}${HEADER_END}`);
    this.child.stdin.write(body);
  }

  private withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer for ${what} in ${ANSWER_TIMEOUT_MS} ms:\n${this.stderr}`));
      }, ANSWER_TIMEOUT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }

  /** Takes every whole message out of the buffer; `Content-Length` counts bytes, not characters. */
  private readMessages(): void {
    for (;;) {
      const headerEnd = this.buffer.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: (\d+)/i.exec(header)?.[1]);
      if (!Number.isInteger(length)) throw new Error(`a message without Content-Length: ${header}`);
      const start = headerEnd + HEADER_END.length;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(start + length);
      this.receive(message);
    }
  }

  private receive(message: Message): void {
    if (message.method === undefined) {
      const request = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
      if (!request) return;
      this.pending.delete(message.id as number);
      if (message.error) request.reject(new Error(`${request.method}: ${message.error.message}`));
      else request.resolve(message.result);
    } else if (message.id !== undefined) {
      this.send({ jsonrpc: '2.0', id: message.id, result: this.answer(message.method, message.params) });
    } else if (message.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = message.params as { uri: string; diagnostics: Diagnostic[] };
      this.diagnosticWaiters.get(uri)?.(diagnostics);
      this.diagnosticWaiters.delete(uri);
    }
  }

  /** The server's own requests: its settings, and nothing for the rest (registrations, progress). */
  private answer(method: string, params: unknown): unknown {
    if (method !== 'workspace/configuration') return null;
    const { items } = params as { items: { section?: string }[] };
    this.settingsTaken();
    return items.map(({ section }) => (section === 'yaml' ? this.settings : null));
  }
}
