import {
  compileExpression,
  evaluate,
  type CompiledExpression,
  type EvaluationResult,
  type ExpressionProblem,
  type ExpressionScope,
  type ExpressionValue,
} from '../../engine/expression/index.js';

/** Compiles a source the test expects to be valid; a problem fails the test with its message. */
export function compiled(source: string): CompiledExpression {
  const result = compileExpression(source);
  if (!result.ok) throw new Error(`${JSON.stringify(source)} did not compile: ${result.message}`);
  return result;
}

/** The problem for a source the test expects to be refused at load time. */
export function problemOf(source: string): ExpressionProblem {
  const result = compileExpression(source);
  if (result.ok) throw new Error(`${JSON.stringify(source)} compiled, but should have been refused`);
  return result;
}

export function run(source: string, scope: ExpressionScope = {}): EvaluationResult {
  return evaluate(compiled(source), scope);
}

/** The value of a source the test expects to evaluate. */
export function valueOf(source: string, scope: ExpressionScope = {}): ExpressionValue {
  const result = run(source, scope);
  if (!result.ok) throw new Error(`${JSON.stringify(source)} failed: ${result.message}`);
  return result.value;
}

/** The message of an evaluation the test expects to fail. */
export function failureOf(source: string, scope: ExpressionScope = {}): string {
  const result = run(source, scope);
  if (result.ok) throw new Error(`${JSON.stringify(source)} evaluated to ${JSON.stringify(result.value)}`);
  return result.message;
}
