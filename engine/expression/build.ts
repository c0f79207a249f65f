import { isPrototypeKey } from '../names.js';
import { BINARY_OPERATORS, type BinaryOperator, type ExpressionNode, type UnaryOperator } from './ast.js';
import { closest } from '../script/suggest.js';
import { FUNCTION_NAMES, lookupFunction } from './functions/index.js';

/**
 * Turns the parser's reverse-Polish instructions into a checked tree, refusing at load time
 * everything the language does not allow: calling anything but a registered function (by its
 * name), reading `constructor`, `__proto__` or `prototype`, statements separated by `;`, and any
 * instruction this module does not know (assignment and function definition are already
 * refused by the parser's options; a new library version could add others).
 */
export class BuildProblem extends Error {
  constructor(
    message: string,
    /** Source text to point at; its first occurrence is used (instructions carry no positions). */
    readonly near?: string,
  ) {
    super(message);
  }
}

interface Instruction {
  readonly type: string;
  readonly value: unknown;
}

/** An `IEXPR` operand: the right side of `and`/`or` or a branch of `?:` (or a stray `;`). */
interface Deferred {
  readonly deferred: ExpressionNode;
}

type StackEntry = ExpressionNode | Deferred;

const BINARY: ReadonlySet<string> = new Set(BINARY_OPERATORS);
const UNARY: ReadonlySet<string> = new Set<UnaryOperator>(['-', '+', 'not']);

function isInstruction(value: unknown): value is Instruction {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

function node<T extends ExpressionNode>(value: T): T {
  return Object.freeze(value);
}

function refuseName(name: string, what: string): void {
  if (isPrototypeKey(name)) {
    throw new BuildProblem(
      `"${name}" cannot be read: ${what} may not be constructor, __proto__ or prototype`,
      name,
    );
  }
}

export function buildTree(instructions: unknown): ExpressionNode {
  if (!Array.isArray(instructions)) throw new BuildProblem('the parser gave no program');
  const stack: StackEntry[] = [];
  const pop = (): ExpressionNode => {
    const entry = stack.pop();
    if (entry === undefined) throw new BuildProblem('the expression is incomplete');
    if ('deferred' in entry) throw new BuildProblem('only one expression is allowed: remove the ";"', ';');
    return entry;
  };
  const popDeferred = (): ExpressionNode => {
    const entry = stack.pop();
    if (entry === undefined || !('deferred' in entry)) {
      throw new BuildProblem('the expression is incomplete');
    }
    return entry.deferred;
  };

  for (const instruction of instructions as unknown[]) {
    if (!isInstruction(instruction)) throw new BuildProblem('the parser gave an unknown instruction');
    const { type, value } = instruction;
    switch (type) {
      case 'INUMBER':
        stack.push(literal(value));
        break;
      case 'IVAR':
        stack.push(variable(value));
        break;
      case 'IMEMBER': {
        const name = String(value);
        refuseName(name, 'a member name');
        stack.push(node({ kind: 'member', object: pop(), key: node({ kind: 'literal', value: name }) }));
        break;
      }
      case 'IARRAY': {
        const items = Array.from({ length: Number(value) }, pop).reverse();
        stack.push(node({ kind: 'list', items: Object.freeze(items) }));
        break;
      }
      case 'IFUNCALL': {
        const args = Array.from({ length: Number(value) }, pop).reverse();
        stack.push(call(pop(), args));
        break;
      }
      case 'IOP1': {
        const operator = String(value);
        if (!UNARY.has(operator)) throw new BuildProblem(`unknown operator "${operator}"`, operator);
        stack.push(node({ kind: 'unary', operator: operator as UnaryOperator, operand: pop() }));
        break;
      }
      case 'IOP2':
        stack.push(binary(String(value), pop, popDeferred));
        break;
      case 'IOP3': {
        if (value !== '?') throw new BuildProblem(`unknown operator "${String(value)}"`);
        const otherwise = popDeferred();
        const then = popDeferred();
        stack.push(node({ kind: 'conditional', test: pop(), then, otherwise }));
        break;
      }
      case 'IEXPR':
        stack.push({ deferred: buildTree(value) });
        break;
      case 'IENDSTATEMENT':
        throw new BuildProblem('only one expression is allowed: remove the ";"', ';');
      default:
        // IVARNAME and IFUNDEF (assignment, function definition) land here if ever enabled.
        throw new BuildProblem(`"${type}" is not allowed in an expression`);
    }
  }
  const root = pop();
  if (stack.length > 0) throw new BuildProblem('only one expression is allowed: is an operator missing?');
  return root;
}

function literal(value: unknown): ExpressionNode {
  if (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  ) {
    return node({ kind: 'literal', value });
  }
  throw new BuildProblem('the expression has a value that is not text, a number or a boolean');
}

function variable(value: unknown): ExpressionNode {
  const name = String(value);
  if (UNARY.has(name)) throw new BuildProblem(`"${name}" needs something after it`, name);
  refuseName(name, 'a variable');
  return node({ kind: 'variable', name });
}

function call(callee: ExpressionNode, args: ExpressionNode[]): ExpressionNode {
  if (callee.kind !== 'variable') {
    throw new BuildProblem('only the built-in functions can be called, by their name (such as lower(name))');
  }
  const { name } = callee;
  const definition = lookupFunction(name);
  if (!definition) {
    const near = closest(name, FUNCTION_NAMES);
    const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
    throw new BuildProblem(`unknown function "${name}"${hint}`, name);
  }
  const { minArgs, maxArgs } = definition;
  if (args.length < minArgs || args.length > maxArgs) {
    const expected =
      minArgs === maxArgs
        ? `${minArgs}`
        : maxArgs === Infinity
          ? `at least ${minArgs}`
          : `${minArgs} to ${maxArgs}`;
    const plural = minArgs === 1 && (maxArgs === 1 || maxArgs === Infinity) ? '' : 's';
    throw new BuildProblem(`${name} takes ${expected} argument${plural}, not ${args.length}`, name);
  }
  return node({ kind: 'call', name, args: Object.freeze(args) });
}

function binary(
  operator: string,
  pop: () => ExpressionNode,
  popDeferred: () => ExpressionNode,
): ExpressionNode {
  if (operator === 'and' || operator === 'or') {
    const right = popDeferred();
    return node({ kind: 'logical', operator, left: pop(), right });
  }
  const right = pop();
  const left = pop();
  if (operator === '[') {
    if (right.kind === 'literal' && typeof right.value === 'string') refuseName(right.value, 'a member name');
    return node({ kind: 'member', object: left, key: right });
  }
  if (!BINARY.has(operator)) throw new BuildProblem(`unknown operator "${operator}"`, operator);
  return node({ kind: 'binary', operator: operator as BinaryOperator, left, right });
}
