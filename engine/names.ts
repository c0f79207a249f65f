/** Script variable names, block-independent: `[A-Za-z_][A-Za-z0-9_]*`. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Keys that would reach an object's prototype chain if ever assigned; refused everywhere. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isPrototypeKey(name: string): boolean {
  return PROTOTYPE_KEYS.has(name);
}

/** Variables the engine owns (docs/script-language.md, "Variables"); a payload or script may read but never seed them. */
export const SYSTEM_VARIABLES = [
  'clientExternalId',
  'phone',
  'email',
  'channel',
  'startParam',
  'linkVerified',
  'lastMessage',
  'now',
  'response',
  'env',
] as const;

export type SystemVariable = (typeof SYSTEM_VARIABLES)[number];

const SYSTEM_VARIABLE_SET: ReadonlySet<string> = new Set(SYSTEM_VARIABLES);

export function isSystemVariable(name: string): name is SystemVariable {
  return SYSTEM_VARIABLE_SET.has(name);
}

/** The system variables a block may set all the same: the client's own details. */
const CLIENT_DETAILS: ReadonlySet<string> = new Set(['clientExternalId', 'phone', 'email']);

/** Variables only the engine sets (`channel`, `now`, `env`, …): no block may assign them. */
export function isEngineVariable(name: string): boolean {
  return isSystemVariable(name) && !CLIENT_DETAILS.has(name);
}
