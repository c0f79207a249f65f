import type { ExpressionNode } from './ast.js';
import { EvaluationError } from './error.js';
import { lookupFunction } from './functions/index.js';
import { readMember } from './member.js';
import { applyBinary, applyUnary } from './operators.js';
import type { CompiledExpression, EvaluationResult, ExpressionScope } from './types.js';
import { isTruthy, ownDataProperty, toData, type ExpressionValue } from './value.js';

/**
 * Evaluates a compiled expression against the variables. Never throws: a failure (an operator
 * given the wrong kind of value, a size limit) is an `{ ok: false }` result. A variable that is
 * not in the scope is `''` (docs/expressions.md, "Variables and members"; `validate` reports it as undeclared).
 *
 * The scope is never copied as a whole and never handed out: member chains walk the host data
 * through own data properties only (member.ts), and only the values that reach an operator, a
 * function or the result are copied into plain data (toData). So no function, getter, prototype
 * or host object is ever reachable, and a large CRM body costs nothing unless it is returned.
 */
export function evaluate(compiled: CompiledExpression, scope: ExpressionScope): EvaluationResult {
  try {
    return { ok: true, value: valueOf(compiled.ast, scope) };
  } catch (error) {
    if (error instanceof EvaluationError) return { ok: false, message: error.message };
    // A RangeError from an enormous value, or a hostile Proxy in the scope: still a value.
    return { ok: false, message: `the expression could not be evaluated: ${String(error)}` };
  }
}

function valueOf(node: ExpressionNode, scope: ExpressionScope): ExpressionValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'list':
      return node.items.map((item) => valueOf(item, scope));
    case 'variable':
    case 'member':
      return toData(hostValueOf(node, scope));
    case 'call': {
      const definition = lookupFunction(node.name);
      // Checked at compile time; a tree built elsewhere could still name something else.
      if (!definition) throw new EvaluationError(`unknown function "${node.name}"`);
      return definition.call(node.args.map((arg) => valueOf(arg, scope)));
    }
    case 'unary':
      return applyUnary(node.operator, valueOf(node.operand, scope));
    case 'binary':
      return applyBinary(node.operator, valueOf(node.left, scope), valueOf(node.right, scope));
    case 'logical': {
      const left = isTruthy(valueOf(node.left, scope));
      if (node.operator === 'and' ? !left : left) return left;
      return isTruthy(valueOf(node.right, scope));
    }
    case 'conditional':
      return valueOf(isTruthy(valueOf(node.test, scope)) ? node.then : node.otherwise, scope);
  }
}

/** A variable or member chain, read from the host data without copying it. */
function hostValueOf(node: ExpressionNode, scope: ExpressionScope): unknown {
  if (node.kind === 'variable') return ownDataProperty(scope, node.name);
  if (node.kind === 'member') return readMember(hostValueOf(node.object, scope), valueOf(node.key, scope));
  return valueOf(node, scope);
}
