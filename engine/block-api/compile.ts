import { BotflowError } from '../error.js';
import { compileExpression, type CompiledExpression } from '../expression/index.js';
import { parseTemplate, type Template } from '../template/index.js';

/*
 * Block modules compile their templates and expressions once, when the script's machine is
 * built. The loader has already parsed every one of them, so a failure here is a bug in botflow,
 * not in the script.
 */

export function template(text: string): Template {
  const parsed = parseTemplate(text);
  if (Array.isArray(parsed)) throw new BotflowError('internal.template', `unchecked template: ${text}`);
  return parsed;
}

export function expression(text: string): CompiledExpression {
  const compiled = compileExpression(text);
  if (!compiled.ok) throw new BotflowError('internal.expression', `unchecked expression: ${text}`);
  return compiled;
}
