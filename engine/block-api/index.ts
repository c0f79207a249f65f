/**
 * Everything a block module may use of the engine, and the only engine module `blocks/` imports
 * (`npm run deps` checks it): the contract a block type fulfils, the Step its behaviour acts
 * through, and the helpers for its fields, templates, expressions and requests.
 */
export * from './contract.js';
export { expression as compileExpression, template as compileTemplate } from './compile.js';
export type { BlockCodes, Code, CodeInfo, LoadCode } from '../codes.js';
export type { Choice, InputKind, TurnInput, Value } from '../runtime/types.js';
export { outcomeNames, type HttpOutcome, type HttpRequest } from '../http/types.js';
export { compilePattern } from '../pattern.js';
export { blockId, duration, expression, scalar, template, variableName } from '../script/fields.js';
export { isTruthy, MAX_DATA_DEPTH, toBoundedData, toText, type DataLimits } from '../expression/index.js';
export { NUMBER, TEXT, typeOf, typeOfValue, union, UNKNOWN, type ValueType } from '../expression/kinds.js';
export {
  evaluateSinglePlaceholder,
  isSinglePlaceholder,
  renderTemplate,
  tryRenderTemplate,
  type PlaceholderPart,
  type Template,
} from '../template/index.js';
