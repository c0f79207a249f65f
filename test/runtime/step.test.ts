import { describe, expect, it } from 'vitest';
import { BotflowError } from '../../engine/index.js';
import { freshContext } from '../../engine/runtime/machine.js';
import { Step, type StepRuntime } from '../../engine/runtime/step.js';

/* What a block acts through. Most of it is tested through the blocks; here, what no block may do. */

const runtime: StepRuntime = {
  env: {},
  now: () => new Date(0),
  stepCap: 10,
  tracing: false,
  draw: () => 0,
  variablesOver: () => undefined,
};

describe('Step', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses to set a variable named %s', (name) => {
    const step = new Step(freshContext('k', { a: 1 }), runtime, 'b');
    expect(() => {
      step.set(name, { polluted: true });
    }).toThrow(new BotflowError('internal.variable-name', `block "b" set the variable "${name}"`));
    expect(Object.getPrototypeOf(step.scope())).toBe(Object.prototype);
    expect(step.scope()).not.toHaveProperty('polluted');
  });
});
