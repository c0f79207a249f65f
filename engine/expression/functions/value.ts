import { ANY, BOOLEAN, TEXT, union, UNKNOWN } from '../kinds.js';
import { isEmptyValue, toText } from '../value.js';
import { fixed, type FunctionTable } from './define.js';

export const VALUE_FUNCTIONS: FunctionTable = {
  toText: fixed({ params: [ANY], returns: TEXT }, ([value = '']) => toText(value)),
  isEmpty: fixed({ params: [ANY], returns: BOOLEAN }, ([value = '']) => isEmptyValue(value)),
  default: fixed(
    { params: [ANY, ANY], returns: ([value = UNKNOWN, fallback = UNKNOWN]) => union(value, fallback) },
    ([value = '', fallback = '']) => (isEmptyValue(value) ? fallback : value),
  ),
};
