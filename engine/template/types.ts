import type { CompiledExpression, ExpressionValue } from '../expression/index.js';

/** A template parsed once: literal text and `{{ expression }}` placeholders, in order. */
export interface Template {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

export type TemplatePart = TextPart | PlaceholderPart;

export interface TextPart {
  readonly kind: 'text';
  readonly text: string;
}

export interface PlaceholderPart {
  readonly kind: 'placeholder';
  readonly expression: CompiledExpression;
  /** 0-based offset of the placeholder's `{{` in the template text. */
  readonly offset: number;
}

/** A template that is exactly one placeholder, so its value can keep its type (a JSON leaf). */
export interface SinglePlaceholderTemplate extends Template {
  readonly parts: readonly [PlaceholderPart];
}

/** Why a template text does not parse; `offset` is 0-based in the text, for line:col. */
export interface TemplateProblem {
  readonly message: string;
  readonly offset: number;
}

/** Turns a placeholder's value into the text that lands in its place (see render.ts). */
export type Escape = (value: ExpressionValue) => string;

export type RenderResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string; readonly offset: number; readonly text: string };
