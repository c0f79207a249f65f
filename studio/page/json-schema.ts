/** The parts of a draft-07 JSON Schema that botflow.schema.json uses: what the form and completion read. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: JsonSchema | boolean;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly if?: JsonSchema;
  readonly then?: JsonSchema;
  readonly $ref?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly description?: string;
  readonly required?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: unknown;
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  readonly propertyNames?: JsonSchema;
}

/** Deep enough for every schema botflow writes; a loop of `$ref`s ends here instead of never. */
const MAX_DEPTH = 8;

/**
 * The shapes a schema allows: `$ref`s followed, `anyOf` spread, `allOf` of one taken, and an
 * `allOf` of `if`/`then`s (a block, one `then` per block type, chosen by its `type`) read as its
 * `then`s: each holds the whole of its type, `type` included.
 */
export function alternatives(root: JsonSchema, schema: JsonSchema | undefined, depth = 0): JsonSchema[] {
  if (!schema || depth > MAX_DEPTH) return [];
  if (schema.$ref !== undefined) {
    const name = /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    return alternatives(root, name === undefined ? undefined : root.definitions?.[name], depth + 1);
  }
  if (schema.anyOf) return schema.anyOf.flatMap((option) => alternatives(root, option, depth + 1));
  const conditions = schema.allOf ?? [];
  if (conditions.length > 0 && conditions.every((condition) => condition.then !== undefined))
    return conditions.flatMap((condition) => alternatives(root, condition.then, depth + 1));
  if (conditions.length === 1) return alternatives(root, conditions[0], depth + 1);
  return [schema];
}
