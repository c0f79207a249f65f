import type { BinaryOperator, ExpressionNode } from './ast.js';
import { lookupFunction } from './functions/index.js';
import {
  BOOLEAN,
  describeType,
  LIST,
  mayBe,
  NUMBER,
  TEXT,
  typeOf,
  typeOfValue,
  union,
  UNKNOWN,
  type Kind,
  type ValueType,
} from './kinds.js';
import { numberOf } from './number.js';
import type { CompiledExpression } from './types.js';

/** What the check knows of a variable: its type, and where that type comes from, for messages. */
export interface VariableType {
  readonly type: ValueType;
  /** "block lookup, line 14, saves body.order.product": said in brackets after the type. */
  readonly origin?: string;
  /** The type of its members (`env.CRM_URL` is text), when they all have one. */
  readonly members?: ValueType;
}

/** A type mistake: the message, a hint, and the text it is about, to point at. */
export interface TypeProblem {
  readonly message: string;
  readonly hint?: string;
  readonly near?: string;
}

const ARITHMETIC: ReadonlySet<BinaryOperator> = new Set(['+', '-', '*', '/', '%', '^']);
const ORDERING: ReadonlySet<BinaryOperator> = new Set(['<', '<=', '>', '>=']);
const TEXTUAL: readonly Kind[] = typeOf('text', 'date');
const CONTAINERS: readonly Kind[] = typeOf('list', 'object', 'text', 'date');

interface Typed {
  readonly type: ValueType;
  readonly node: ExpressionNode;
  /** "product is text (…)": the node named with its type, for a message. */
  readonly said: string;
  readonly near?: string;
}

/**
 * The type of an expression, given its variables' types, and the mistakes that make it unable
 * to work whatever the values (docs/expressions.md, "Types"): an operator or a function given a
 * value of a known type it cannot use. A type that is unknown, or that may be one that works, is
 * never a mistake: the check only says what is certain.
 */
export function checkExpressionTypes(
  compiled: CompiledExpression,
  variable: (name: string) => VariableType,
): { type: ValueType; problems: TypeProblem[] } {
  const problems: TypeProblem[] = [];

  const said = (node: ExpressionNode, type: ValueType, side?: string): Typed => {
    switch (node.kind) {
      case 'literal':
        return {
          type,
          node,
          said: `${JSON.stringify(node.value)} is ${describeType(type)}`,
          near: String(node.value),
        };
      case 'variable': {
        const { origin } = variable(node.name);
        const from = origin === undefined ? '' : ` (${origin})`;
        return { type, node, said: `${node.name} is ${describeType(type)}${from}`, near: node.name };
      }
      case 'call':
        return { type, node, said: `${node.name}(…) gives ${describeType(type)}`, near: node.name };
      case 'member': {
        const path = pathOf(node);
        if (path !== undefined) return { type, node, said: `${path} is ${describeType(type)}`, near: path };
        break;
      }
    }
    return { type, node, said: `${side ?? 'the value'} is ${describeType(type)}` };
  };

  const visit = (node: ExpressionNode, side?: string): Typed => {
    switch (node.kind) {
      case 'literal':
        return said(node, typeOfValue(node.value));
      case 'list':
        node.items.forEach((item) => visit(item));
        return said(node, LIST, side);
      case 'variable':
        return said(node, variable(node.name).type);
      case 'member':
        return said(node, memberType(node), side);
      case 'call':
        return said(node, callType(node.name, node.args), side);
      case 'unary': {
        const operand = visit(node.operand, 'the operand');
        if (node.operator === 'not') return said(node, BOOLEAN, side);
        // Unary + is the documented conversion of decimal text to a number: only - needs a number.
        if (node.operator === '-') needNumber('unary -', operand);
        else if (!mayBe(operand.type, typeOf('number', 'text'))) needNumber('unary +', operand);
        return said(node, NUMBER, side);
      }
      case 'binary':
        return said(
          node,
          binaryType(node.operator, visit(node.left, 'the left side'), visit(node.right, 'the right side')),
          side,
        );
      case 'logical':
        visit(node.left, 'the left side');
        visit(node.right, 'the right side');
        return said(node, BOOLEAN, side);
      case 'conditional': {
        visit(node.test, 'the condition');
        return said(node, union(visit(node.then).type, visit(node.otherwise).type), side);
      }
    }
  };

  const memberType = (node: Extract<ExpressionNode, { kind: 'member' }>): ValueType => {
    const object =
      node.object.kind === 'variable' ? variable(node.object.name) : { type: visit(node.object).type };
    visit(node.key);
    if (node.key.kind === 'literal' && node.key.value === 'length') {
      return object.type !== UNKNOWN &&
        object.type.every((kind) => kind !== 'object' && CONTAINERS.includes(kind))
        ? NUMBER
        : UNKNOWN;
    }
    return object.members ?? UNKNOWN;
  };

  const callType = (name: string, args: readonly ExpressionNode[]): ValueType => {
    const typed = args.map((arg) => visit(arg));
    const definition = lookupFunction(name);
    if (!definition) return UNKNOWN;
    typed.forEach((arg, i) => {
      const accepted = definition.params[Math.min(i, definition.params.length - 1)] ?? [];
      if (mayBe(arg.type, accepted) || numericLiteral(arg, accepted)) return;
      problems.push({
        message: `${arg.said}, but ${name} takes ${describeType(accepted)} as its ${ordinal(i)} argument`,
        ...hintFor(arg, accepted),
        ...(arg.near !== undefined && { near: arg.near }),
      });
    });
    const { returns } = definition;
    return typeof returns === 'function' ? returns(typed.map((arg) => arg.type)) : returns;
  };

  const needNumber = (operator: string, operand: Typed): boolean => {
    if (mayBe(operand.type, NUMBER) || numericLiteral(operand, NUMBER)) return true;
    const joins = operator === '+' && mayBe(operand.type, TEXTUAL);
    problems.push({
      message: `${operand.said}, but ${operator} needs numbers`,
      ...(joins ? { hint: 'join text with ||' } : hintFor(operand, NUMBER)),
      ...(operand.near !== undefined && { near: operand.near }),
    });
    return false;
  };

  const binaryType = (operator: BinaryOperator, left: Typed, right: Typed): ValueType => {
    if (ARITHMETIC.has(operator)) {
      if (needNumber(operator, left)) needNumber(operator, right);
      return NUMBER;
    }
    if (ORDERING.has(operator)) {
      if (!orderable(left, right)) {
        mismatch(`${operator} compares numbers with numbers, and text with text`, left, right);
      } else if (quotedNumberAgainstText(left, right) || quotedNumberAgainstText(right, left)) {
        // "9" >= "18" is true: two texts order alphabetically, which is never what a quoted number means.
        mismatch(`${operator} orders two texts alphabetically ("9" comes after "18")`, left, right);
      }
      return BOOLEAN;
    }
    if (operator === '==' || operator === '!=') {
      if (!comparable(left, right)) {
        mismatch(
          `${operator} never converts, so it is always ${operator === '==' ? 'false' : 'true'}`,
          left,
          right,
        );
      }
      return BOOLEAN;
    }
    if (operator === 'in') {
      if (!mayBe(right.type, CONTAINERS)) {
        problems.push({
          message: `${right.said}, but in looks inside a list, an object or text`,
          ...(right.near !== undefined && { near: right.near }),
        });
      }
      return BOOLEAN;
    }
    // `||` joins as text, or two lists into one.
    if (left.type === UNKNOWN || right.type === UNKNOWN) return union(TEXT, LIST);
    return left.type.includes('list') && right.type.includes('list') ? union(TEXT, LIST) : TEXT;
  };

  const mismatch = (why: string, left: Typed, right: Typed): void => {
    // Point at the side that is a variable: that is what the designer will change.
    const subject = left.node.kind === 'variable' || right.node.kind !== 'variable' ? left : right;
    const other = subject === left ? right : left;
    problems.push({
      message: `${left.said}, and ${right.said}: ${why}`,
      ...hintFor(subject, other.type === UNKNOWN ? [] : other.type, other),
      ...(subject.near !== undefined && { near: subject.near }),
    });
  };

  const type = visit(compiled.ast).type;
  return { type, problems };
}

/** `env.CRM_URL`, `items[0]`: a member read by a written path, as the script writes it. */
function pathOf(node: ExpressionNode): string | undefined {
  if (node.kind === 'variable') return node.name;
  if (node.kind !== 'member' || node.key.kind !== 'literal') return undefined;
  const object = pathOf(node.object);
  if (object === undefined) return undefined;
  const { value } = node.key;
  return typeof value === 'number' ? `${object}[${value}]` : `${object}.${String(value)}`;
}

/** Some pair of their kinds can be ordered: numbers, texts (dates are ISO text), or a number and decimal text written in the script. */
function orderable(left: Typed, right: Typed): boolean {
  if (left.type === UNKNOWN || right.type === UNKNOWN) return true;
  if (mayBe(left.type, TEXTUAL) && mayBe(right.type, TEXTUAL)) return true;
  if (mayBe(left.type, NUMBER) && (mayBe(right.type, NUMBER) || numericLiteral(right, NUMBER))) return true;
  return mayBe(right.type, NUMBER) && numericLiteral(left, NUMBER);
}

/**
 * Some kind is on both sides (a date is text). A variable not yet set reads as `''`, so `x == ''`
 * and `x != ''` ask whether it is set, whatever its type.
 */
function comparable(left: Typed, right: Typed): boolean {
  if (isEmptyText(left) || isEmptyText(right)) return true;
  if (left.type === UNKNOWN || right.type === UNKNOWN) return true;
  const textual = (type: readonly Kind[]) => type.map((kind) => (kind === 'date' ? 'text' : kind));
  const rightKinds = textual(right.type);
  return textual(left.type).some((kind) => rightKinds.includes(kind));
}

function isEmptyText(value: Typed): boolean {
  return value.node.kind === 'literal' && value.node.value === '';
}

/** Decimal text written in the script (`"23"`) stands for its number, as it does at run time. */
function numericLiteral(value: Typed, accepted: readonly Kind[]): boolean {
  return (
    accepted.includes('number') &&
    value.node.kind === 'literal' &&
    typeof value.node.value === 'string' &&
    numberOf(value.node.value) !== undefined
  );
}

/** A number written in quotes (`"18"`) against a value known to be text only, never a number. */
function quotedNumberAgainstText(quoted: Typed, other: Typed): boolean {
  return (
    numericLiteral(quoted, NUMBER) &&
    other.type !== UNKNOWN &&
    !mayBe(other.type, NUMBER) &&
    mayBe(other.type, TEXTUAL)
  );
}

/**
 * How to turn the value into what was wanted, when a function does it. Against a number written
 * in quotes (`other`), the slip is the quotes: drop them, and convert the value if it is text.
 */
function hintFor(value: Typed, wanted: readonly Kind[], other?: Typed): { hint?: string } {
  const name = value.node.kind === 'variable' ? value.node.name : undefined;
  if (other?.node.kind === 'literal' && numericLiteral(other, NUMBER)) {
    const number = String(other.node.value).trim();
    if (mayBe(value.type, NUMBER)) return { hint: `write the number without quotes: ${number}` };
    if (name !== undefined)
      return { hint: `compare numbers: toNumber(${name}) and ${number} without quotes` };
  }
  if (name === undefined || value.type === UNKNOWN) return {};
  if (wanted.includes('number') && mayBe(value.type, TEXTUAL)) {
    return { hint: `convert it with toNumber(${name})` };
  }
  if (wanted.includes('text') && mayBe(value.type, NUMBER))
    return { hint: `convert it with toText(${name})` };
  return {};
}

function ordinal(index: number): string {
  return ['first', 'second', 'third'][index] ?? `${index + 1}th`;
}
