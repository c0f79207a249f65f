export { decodeBase64Url, encodeBase64Url } from './base64url.js';
export { decodeStartParam, payloadVariables, type DecodedStart } from './decode.js';
export {
  encodePayload,
  measurePayload,
  ID_ADVICE,
  PAYLOAD_ADVICE,
  payloadAdvice,
  toShortKeys,
  type CostliestField,
  type LinkOverhead,
  type PayloadMeasure,
} from './encode.js';
export { PayloadError, PayloadTooLongError } from './error.js';
export { readShortKeyPayload, type ReadResult } from './read.js';
export {
  PAYLOAD_LIMIT,
  START_VALUE_LIMIT,
  type PayloadValue,
  type ShortKeyPayload,
  type StartPayload,
} from './types.js';
