export {
  checkLinkSecrets,
  LinkSecretError,
  MIN_SECRET_BYTES,
  SIGNED_DATA_LIMIT,
  signData,
  SigningError,
} from './signed.js';
export { decodeStart, type CheckedStart, type SignatureState, type StartCheck } from './start.js';
