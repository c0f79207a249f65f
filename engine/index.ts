export type { Diagnostic } from './diagnostic.js';
export { BotflowError } from './error.js';
export { isIdentifier, isSystemVariable, SYSTEM_VARIABLES, type SystemVariable } from './names.js';
export * from './payload/index.js';
