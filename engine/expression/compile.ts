import { BuildProblem, buildTree } from './build.js';
import { LruCache } from './cache.js';
import { COMPILE_CACHE_SIZE, MAX_EXPRESSION_LENGTH, MAX_NESTING } from './limits.js';
import { tooDeepAt } from './nesting.js';
import { parseInstructions } from './parser.js';
import { readsOf } from './paths.js';
import type { CompiledExpression, ExpressionProblem } from './types.js';

const cache = new LruCache<string, CompiledExpression | ExpressionProblem>(COMPILE_CACHE_SIZE);

/**
 * Parses and checks an expression once (docs/expressions.md); the same source is answered from a
 * bounded cache, so a script reloaded or shared by many conversations is not parsed again. Never
 * throws: a source that is not an allowed expression gives an `{ ok: false }` problem whose
 * `offset` (0-based, when known) points into the source.
 */
export function compileExpression(source: string): CompiledExpression | ExpressionProblem {
  if (typeof source !== 'string') return problem('an expression must be text');
  // Over-long sources are refused before any work, and not cached, so they cannot evict others.
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return problem(
      `The expression is ${source.length} characters long, over the limit of ${MAX_EXPRESSION_LENGTH}; ` +
        'split the work into several steps (a BPL block’s set runs in order)',
      MAX_EXPRESSION_LENGTH,
    );
  }
  const cached = cache.get(source);
  if (cached) return cached;
  const compiled = compileUncached(source);
  cache.set(source, compiled);
  return compiled;
}

export function isExpressionProblem(
  value: CompiledExpression | ExpressionProblem,
): value is ExpressionProblem {
  return !value.ok;
}

/** The root variable names the expression reads, in order of first use, without functions. */
export function variablesOf(compiled: CompiledExpression): readonly string[] {
  return compiled.variables;
}

/** The member paths the expression reads, such as `body.order.product` (see paths.ts). */
export function expressionPaths(compiled: CompiledExpression): readonly string[] {
  return compiled.paths;
}

function problem(message: string, offset?: number): ExpressionProblem {
  return Object.freeze(offset === undefined ? { ok: false, message } : { ok: false, message, offset });
}

function compileUncached(source: string): CompiledExpression | ExpressionProblem {
  if (source.trim() === '') return problem('the expression is empty', 0);
  const deepAt = tooDeepAt(source);
  if (deepAt !== undefined) {
    return problem(`the expression nests brackets more than ${MAX_NESTING} levels deep`, deepAt);
  }
  const parsed = parseInstructions(source);
  if (!parsed.ok) return Object.freeze(parsed);
  try {
    const ast = buildTree(parsed.instructions);
    const { variables, paths } = readsOf(ast);
    return Object.freeze({
      ok: true,
      source,
      ast,
      variables: Object.freeze(variables),
      paths: Object.freeze(paths),
    });
  } catch (error) {
    if (error instanceof BuildProblem) {
      const at = error.near === undefined ? -1 : source.indexOf(error.near);
      return problem(error.message, at < 0 ? undefined : at);
    }
    // Not expected; still a value, so that no script can make loading throw.
    return problem(`the expression could not be read: ${String(error)}`);
  }
}
