import {
  evaluate,
  MAX_TEXT_LENGTH,
  toText,
  type EvaluationResult,
  type ExpressionScope,
} from '../expression/index.js';
import type { Escape, PlaceholderPart, RenderResult, SinglePlaceholderTemplate, Template } from './types.js';

/**
 * Renders a template. Each placeholder's value goes through `escape` (by default `toText`:
 * missing and null are `''`, numbers plain, lists and objects JSON); literal text never does, so
 * the caller escapes per destination (percent-encoding in a url) without touching the script's
 * own text. A placeholder that fails to evaluate renders as a missing value does, `''`: use
 * `tryRenderTemplate` to learn why.
 */
export function renderTemplate(template: Template, scope: ExpressionScope, escape: Escape = toText): string {
  return tryRenderTemplate(template, scope, escape).text;
}

/**
 * Renders a template and says whether every placeholder evaluated: when one did not, the result
 * carries the first failure and its offset, beside the text rendered with failures as `''`.
 */
export function tryRenderTemplate(
  template: Template,
  scope: ExpressionScope,
  escape: Escape = toText,
): RenderResult {
  let text = '';
  let failure: { message: string; offset: number } | undefined;
  for (const part of template.parts) {
    let piece = part.kind === 'text' ? part.text : '';
    if (part.kind === 'placeholder') {
      const result = evaluate(part.expression, scope);
      if (!result.ok) failure ??= { message: result.message, offset: part.offset };
      piece = escape(result.ok ? result.value : '');
    }
    // Each value is bounded, but a template can hold hundreds of placeholders of a large one.
    if (text.length + piece.length > MAX_TEXT_LENGTH) {
      const message = `the text would be over ${MAX_TEXT_LENGTH} characters long, so it ends before the part that would pass that limit`;
      return { ok: false, message, offset: part.kind === 'placeholder' ? part.offset : 0, text };
    }
    text += piece;
  }
  return failure ? { ok: false, ...failure, text } : { ok: true, text };
}

/** `"{{ age }}"` with nothing around it: its value can keep its type (docs/expressions.md, "Templates", body). */
export function isSinglePlaceholder(template: Template): template is SinglePlaceholderTemplate {
  return template.parts.length === 1 && template.parts[0]?.kind === 'placeholder';
}

/** The typed value of a single-placeholder template: a number stays a number, a list a list. */
export function evaluateSinglePlaceholder(
  template: SinglePlaceholderTemplate,
  scope: ExpressionScope,
): EvaluationResult {
  return evaluate(template.parts[0].expression, scope);
}

/** The root variables the template's placeholders read, in order of first use. */
export function templateVariables(template: Template): readonly string[] {
  return unique(template, (part) => part.expression.variables);
}

/** The member paths the template's placeholders read, such as `response.body.id`. */
export function templatePaths(template: Template): readonly string[] {
  return unique(template, (part) => part.expression.paths);
}

function unique(template: Template, pick: (part: PlaceholderPart) => readonly string[]): string[] {
  const names = new Set<string>();
  for (const part of template.parts) {
    if (part.kind === 'placeholder') pick(part).forEach((name) => names.add(name));
  }
  return [...names];
}
