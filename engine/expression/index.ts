export type {
  BinaryNode,
  BinaryOperator,
  CallNode,
  ConditionalNode,
  ExpressionNode,
  ListNode,
  LiteralNode,
  LogicalNode,
  MemberNode,
  UnaryNode,
  UnaryOperator,
  VariableNode,
} from './ast.js';
export { compileExpression, isExpressionProblem, expressionPaths, variablesOf } from './compile.js';
export { evaluate } from './evaluate.js';
export { FUNCTION_NAMES } from './functions/index.js';
export {
  COMPILE_CACHE_SIZE,
  MAX_DATA_DEPTH,
  MAX_EXPRESSION_LENGTH,
  MAX_LIST_LENGTH,
  MAX_NESTING,
  MAX_TEXT_LENGTH,
} from './limits.js';
export type { CompiledExpression, EvaluationResult, ExpressionProblem, ExpressionScope } from './types.js';
export {
  isEmptyValue,
  isTruthy,
  toBoundedData,
  toData,
  toText,
  type DataLimits,
  type DataObject,
  type ExpressionValue,
} from './value.js';
