import { isEmptyValue, toText } from '../value.js';
import { fixed, type FunctionTable } from './define.js';

export const VALUE_FUNCTIONS: FunctionTable = {
  toText: fixed(1, ([value = '']) => toText(value)),
  isEmpty: fixed(1, ([value = '']) => isEmptyValue(value)),
  default: fixed(2, ([value = '', fallback = '']) => (isEmptyValue(value) ? fallback : value)),
};
