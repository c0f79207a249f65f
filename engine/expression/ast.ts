/**
 * The checked syntax tree of an expression. It is built from the parser's output once, when the
 * script loads, and it is all the evaluator looks at: a node kind that is not here (assignment,
 * function definition, `;`) cannot be evaluated because it cannot be represented.
 */
export type ExpressionNode =
  | LiteralNode
  | ListNode
  | VariableNode
  | MemberNode
  | CallNode
  | UnaryNode
  | BinaryNode
  | LogicalNode
  | ConditionalNode;

export interface LiteralNode {
  readonly kind: 'literal';
  readonly value: string | number | boolean;
}

/** `[a, b]` */
export interface ListNode {
  readonly kind: 'list';
  readonly items: readonly ExpressionNode[];
}

export interface VariableNode {
  readonly kind: 'variable';
  readonly name: string;
}

/** `object.name` (the key is a text literal) or `object[key]`. */
export interface MemberNode {
  readonly kind: 'member';
  readonly object: ExpressionNode;
  readonly key: ExpressionNode;
}

/** A call of one of the registered functions, by name: nothing else is callable. */
export interface CallNode {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly ExpressionNode[];
}

export type UnaryOperator = '-' | '+' | 'not';

export interface UnaryNode {
  readonly kind: 'unary';
  readonly operator: UnaryOperator;
  readonly operand: ExpressionNode;
}

export const BINARY_OPERATORS = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '||',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
] as const;

export type BinaryOperator = (typeof BINARY_OPERATORS)[number];

export interface BinaryNode {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

/** `and` / `or`: the right side is evaluated only when needed. */
export interface LogicalNode {
  readonly kind: 'logical';
  readonly operator: 'and' | 'or';
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
}

/** `test ? then : otherwise` */
export interface ConditionalNode {
  readonly kind: 'conditional';
  readonly test: ExpressionNode;
  readonly then: ExpressionNode;
  readonly otherwise: ExpressionNode;
}
