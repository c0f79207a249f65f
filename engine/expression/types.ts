import type { ExpressionNode } from './ast.js';
import type { ExpressionValue } from './value.js';

/** An expression parsed and checked once; immutable, shared through the compile cache. */
export interface CompiledExpression {
  readonly ok: true;
  readonly source: string;
  readonly ast: ExpressionNode;
  /** Root variable names read, in order of first use (function names excluded). */
  readonly variables: readonly string[];
  /** Member paths read, such as `body.order.product` or `items[0].name`. */
  readonly paths: readonly string[];
}

/** Why a source is not an expression; `offset` is 0-based in the source, when known. */
export interface ExpressionProblem {
  readonly ok: false;
  readonly message: string;
  readonly offset?: number;
}

/** The variables an expression reads: names to (JSON-like) values. */
export type ExpressionScope = Readonly<Record<string, unknown>>;

export type EvaluationResult =
  { readonly ok: true; readonly value: ExpressionValue } | { readonly ok: false; readonly message: string };
