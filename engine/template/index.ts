export { parseTemplate } from './parse.js';
export {
  evaluateSinglePlaceholder,
  isSinglePlaceholder,
  renderTemplate,
  templatePaths,
  templateVariables,
  tryRenderTemplate,
} from './render.js';
export type {
  Escape,
  PlaceholderPart,
  RenderResult,
  SinglePlaceholderTemplate,
  Template,
  TemplatePart,
  TemplateProblem,
  TextPart,
} from './types.js';
