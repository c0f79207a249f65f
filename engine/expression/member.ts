import { characterCount } from './characters.js';
import { numberOf } from './number.js';
import { isPlainObject, ownDataProperty, type ExpressionValue } from './value.js';

/**
 * `holder.key` / `holder[key]` on a host value, without copying it: only own data properties of
 * lists and plain objects are read (ownDataProperty refuses prototype keys, getters and inherited
 * names), plus `length` of a list or a text. Anything else is missing (`undefined`, which reads
 * as `''`), like optional chaining: `body.order.product` on a body without `order` is `''`.
 */
export function readMember(holder: unknown, key: ExpressionValue): unknown {
  if (typeof holder === 'string') return key === 'length' ? characterCount(holder) : undefined;
  if (Array.isArray(holder)) {
    if (key === 'length') return holder.length;
    const index = typeof key === 'number' ? key : numberOf(key);
    return index !== undefined && Number.isInteger(index) && index >= 0
      ? ownDataProperty(holder, String(index))
      : undefined;
  }
  if (!isPlainObject(holder)) return undefined;
  if (typeof key === 'number') return ownDataProperty(holder, String(key));
  return typeof key === 'string' ? ownDataProperty(holder, key) : undefined;
}
