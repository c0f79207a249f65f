import { parseTemplate, type Template, type TemplateProblem } from '../../engine/template/index.js';

export function template(text: string): Template {
  const result = parseTemplate(text);
  if (Array.isArray(result))
    throw new Error(`${JSON.stringify(text)} did not parse: ${result[0]?.message ?? ''}`);
  return result;
}

export function problemsOf(text: string): TemplateProblem[] {
  const result = parseTemplate(text);
  if (!Array.isArray(result)) throw new Error(`${JSON.stringify(text)} parsed, but should not have`);
  return result;
}
