import type { Script } from '../script/script.js';
import type { Value, Variables } from './types.js';

/** The system variables a conversation always has (docs/script-language.md, "Variables"); `now` and `env` are computed, not stored. */
const SYSTEM_DEFAULTS: Variables = {
  clientExternalId: '',
  phone: '',
  email: '',
  channel: '',
  startParam: '',
  linkVerified: false,
  lastMessage: '',
  response: '',
};

/** The variables of a new conversation before any seed: system defaults, then the script's own. */
export function defaultVariables(script: Script): Variables {
  return { ...SYSTEM_DEFAULTS, ...script.variables };
}

/** Only the variables that differ from the defaults: what a stored conversation needs to keep. */
export function changedVariables(vars: Variables, defaults: Variables): Record<string, Value> {
  const changed: Record<string, Value> = {};
  for (const [name, value] of Object.entries(vars)) {
    const base = Object.hasOwn(defaults, name) ? defaults[name] : undefined;
    if (value !== base && (typeof value !== 'object' || JSON.stringify(value) !== JSON.stringify(base))) {
      changed[name] = value;
    }
  }
  return changed;
}
