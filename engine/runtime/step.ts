import type { Diagnostic } from '../diagnostic.js';
import { BotflowError } from '../error.js';
import { isPrototypeKey } from '../names.js';
import { evaluate, type CompiledExpression, type ExpressionScope } from '../expression/index.js';
import { tryRenderTemplate, type Template } from '../template/index.js';
import type { HttpRequest } from '../http/types.js';
import type { LimitBreach } from './limits.js';
import { formatPath, type YamlPath } from '../script/yaml-path.js';
import type {
  BlockState,
  ConversationContext,
  OutgoingMessage,
  TraceEvent,
  Value,
  Variables,
} from './types.js';
import { END, FAILED } from './types.js';

/** What a running block may see of the host: read-only env and the clock. */
export interface StepRuntime {
  readonly env: Readonly<Record<string, string>>;
  readonly now: () => Date;
  readonly stepCap: number;
  /** Whether the turn records the blocks entered and branches taken (for coverage). */
  readonly tracing: boolean;
  /** The draw of conversation `key` at `block` (see Step.draw). */
  readonly draw: (key: string, block: string) => number;
  /** How `vars` would break the conversation's variable limits, if they would. */
  readonly variablesOver: (vars: Readonly<Record<string, Value>>) => LimitBreach | undefined;
  /** In strict mode, where a failed expression goes (the script's `on_error`, or the failed end). */
  readonly strictFailure?: string;
}

/**
 * The one thing block behaviours act through: read and set variables, evaluate, say, note a
 * diagnostic and choose where to go. It works on a copy of the context and hands back the next
 * context, so a behaviour stays a plain function and the machine's `assign` stays pure.
 */
export class Step {
  private vars: Record<string, Value> | undefined;
  // The turn's lists are copied only when this step adds to them (most steps add to one at most).
  private outbox: readonly OutgoingMessage[];
  private notes: readonly Diagnostic[];
  private trace: readonly TraceEvent[];
  private route: string | null = null;
  private blockState: BlockState;
  private result: string | null;
  private pending: HttpRequest | null;
  /** Extra names expressions may read here (a response's `status`, `body`…). */
  private locals: Readonly<Record<string, Value>> = {};
  /** The scope, built once and rebuilt only after a variable changes. */
  private cachedScope: ExpressionScope | undefined;
  /** A strict-mode failure happened: the block says nothing more and goes nowhere else. */
  private failedStrictly = false;

  constructor(
    private readonly context: ConversationContext,
    private readonly runtime: StepRuntime,
    /** The block being run, named in diagnostics. */
    readonly block: string,
  ) {
    this.outbox = context.outbox;
    this.notes = context.notes;
    this.trace = context.trace;
    this.blockState = context.state;
    this.result = context.result;
    this.pending = context.pending;
  }

  get(name: string): Value {
    const vars = this.vars ?? this.context.vars;
    return Object.hasOwn(vars, name) ? (vars[name] as Value) : '';
  }

  set(name: string, value: Value): void {
    // Schemas refuse such names already; a block that let one through must not reach a prototype.
    if (isPrototypeKey(name)) {
      throw new BotflowError('internal.variable-name', `block "${this.block}" set the variable "${name}"`);
    }
    this.vars ??= { ...this.context.vars };
    this.vars[name] = value;
    this.cachedScope = undefined;
  }

  /** Lets the expressions evaluated from now on read `locals` too. */
  expose(locals: Readonly<Record<string, Value>>): void {
    this.locals = locals;
    this.cachedScope = undefined;
  }

  /** Variables, then the system's `now` and `env`, then the block's locals. */
  scope(): ExpressionScope {
    // Object.assign, not spread: V8 copies a spread fast but then adds `now` and `env` slowly, and
    // this runs for most blocks. Variable names are never `__proto__` (the schemas refuse it), and
    // expressions read own data properties only, so [[Set]] semantics change nothing here.
    this.cachedScope ??= Object.assign(
      {},
      this.vars ?? this.context.vars,
      { now: this.runtime.now().toISOString(), env: this.runtime.env },
      this.locals,
    );
    return this.cachedScope;
  }

  evaluate(expression: CompiledExpression): { ok: true; value: Value } | { ok: false; message: string } {
    return evaluate(expression, this.scope());
  }

  /**
   * Renders a template; a placeholder that fails renders empty, with a warning — or, in strict
   * mode, fails the block.
   */
  render(template: Template): string {
    const rendered = tryRenderTemplate(template, this.scope());
    if (!rendered.ok) {
      const message = `a placeholder could not be rendered: ${rendered.message}`;
      if (!this.failStrictly('template.failed', message)) this.note('warning', 'template.failed', message);
    }
    return rendered.text;
  }

  /**
   * In strict mode (docs/script-language.md, "Strict mode"), fails the block for an expression
   * that could not be evaluated, and answers true: the block then says and routes nothing more.
   * Otherwise answers false, and the block goes on as it would (taken as false, rendered empty).
   */
  failStrictly(code: Diagnostic['code'], message: string): boolean {
    const target = this.runtime.strictFailure;
    if (target === undefined) return false;
    if (!this.failedStrictly) this.fail(code, `${message} (strict mode)`, target);
    this.failedStrictly = true;
    return true;
  }

  /** Queues a message; buttons that render empty are left out, since messengers refuse them. */
  say(text: string, buttons?: readonly string[]): void {
    if (this.failedStrictly) return;
    const shown = buttons?.filter((button) => button.trim() !== '');
    this.outbox = [...this.outbox, shown && shown.length > 0 ? { text, buttons: shown } : { text }];
  }

  /**
   * A number in [0, 1), the same each time this conversation reaches this block (seeded by the
   * script's name, the conversation's key and the block's id), unless the host fixed the block's draw (QA cases do,
   * to take a chosen branch).
   */
  draw(): number {
    return this.runtime.draw(this.context.key, this.block);
  }

  /** How the variables as they stand now would break the conversation's limits, if they would. */
  overLimits(): LimitBreach | undefined {
    return this.runtime.variablesOver(this.vars ?? this.context.vars);
  }

  /** Remembers the variables now; the function returned puts them back (a block that is all or nothing). */
  savepoint(): () => void {
    const saved = this.vars && { ...this.vars };
    return () => {
      this.vars = saved;
      this.cachedScope = undefined;
    };
  }

  note(severity: Diagnostic['severity'], code: Diagnostic['code'], message: string): void {
    this.notes = [...this.notes, { severity, code, message: `block "${this.block}": ${message}` }];
  }

  /** Goes to `target`, through the block's edge at `edge` (for coverage) when it is one. */
  go(target: string, edge?: YamlPath): void {
    if (this.failedStrictly) return;
    this.route = target;
    if (edge) this.took(edge);
  }

  /** Goes on at the block's `next`, or ends the conversation when it has none. */
  goNext(next: string | undefined): void {
    if (next === undefined) this.go(END);
    else this.go(next, ['next']);
  }

  /** Notes that the block took the branch at `edge` (a choice, a re-prompt), for coverage. */
  took(edge: YamlPath): void {
    if (this.runtime.tracing) this.trace = [...this.trace, { block: this.block, edge: formatPath(edge) }];
  }

  /** Ends the conversation with an error, noting why (docs/script-language.md, "Top-level fields": `on_error`). */
  fail(code: Diagnostic['code'], message: string, target: string = FAILED, edge?: YamlPath): void {
    this.note('error', code, message);
    this.go(target, edge);
  }

  /**
   * What this block keeps between turns, in a shape of its own (an ask's count of bad replies).
   * The engine stores it with the conversation without reading it, and clears it when the
   * conversation enters a block; a block reads it back as untrusted data (a stored record can be
   * old or edited).
   */
  get state(): BlockState {
    return this.blockState;
  }

  set state(state: BlockState) {
    this.blockState = state;
  }

  setPending(request: HttpRequest | null): void {
    this.pending = request;
  }

  finish(result?: string | null): void {
    if (result !== undefined) this.result = result;
  }

  /** The next context; `steps` counts this block against the step cap. */
  next(steps: number): ConversationContext {
    return {
      key: this.context.key,
      vars: this.vars ?? this.context.vars,
      state: this.blockState,
      result: this.result,
      at: this.block,
      pending: this.pending,
      steps,
      route: this.route,
      outbox: this.outbox,
      notes: this.notes,
      trace: this.trace,
    };
  }
}

export type { Variables };
