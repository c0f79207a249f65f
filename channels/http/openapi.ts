import * as z from 'zod';
import { answerSchemas, errorAnswer, openApiAnswer } from './answers.js';
import {
  errorAnswerDoc,
  JSON_MEDIA,
  TAGS,
  jsonAnswer,
  type AnswerDoc,
  type OperationDoc,
  type RouteDoc,
} from './docs.js';
import { jsonReply, type Reply } from './reply.js';
import type { Route } from './routes.js';
import { requestSchemas } from './schemas.js';

type JsonSchema = Record<string, unknown>;

/** The version of the HTTP API the document describes (not the package's: it changes less often). */
const API_VERSION = '1';

const COMPONENTS = '#/components/schemas/';

const UNAUTHORIZED: AnswerDoc = {
  ...errorAnswerDoc('`http.unauthorized`: the server has an API token and the request lacks it'),
  headers: { 'WWW-Authenticate': '`Bearer`' },
};
const BEARER = 'apiToken';

/**
 * The OpenAPI 3.1 document of `routes`, from the docs they carry: paths with their `:param` as
 * `{param}`, one operation per handler, every named request and answer schema under
 * `components.schemas` (requests as zod reads them, answers as the server writes them).
 */
export function openApiDocument(routes: readonly Route[]): JsonSchema {
  const paths = Object.fromEntries(routes.map((route) => [openApiPath(route.pattern), pathItem(route)]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'botflow HTTP API',
      version: API_VERSION,
      description: "A bot's JSON API, its messengers' webhooks, short links and reports (docs/http-api.md).",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the document is served by the server it describes, wherever that is reached.
    servers: [{ url: '/' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...components(requestSchemas, 'input'), ...components(answerSchemas, 'output') },
      securitySchemes: {
        [BEARER]: {
          type: 'http',
          scheme: 'bearer',
          description: 'The API token (`BOTFLOW_API_TOKEN`), when the server has one.',
        },
      },
    },
  };
}

/** `GET /openapi.json`: the document of the server's routes, built at the first call and kept. */
export function openApiRoute(routes: () => readonly Route[]): Route {
  let answer: Reply | undefined;
  return {
    pattern: '/openapi.json',
    guarded: false,
    methods: {
      GET: () => {
        answer ??= jsonReply(200, openApiDocument(routes()));
        return Promise.resolve(answer);
      },
    },
    doc: {
      operations: {
        GET: {
          summary: 'This OpenAPI 3.1 document',
          tag: 'server',
          answers: { 200: jsonAnswer('the document', openApiAnswer) },
        },
      },
    },
  };
}

/** `/conversations/:key` as `/conversations/{key}`. */
function openApiPath(pattern: string): string {
  return pattern.replace(/:(\w+)/g, '{$1}');
}

function pathItem(route: Route): JsonSchema {
  const { doc } = route;
  const name = /:(\w+)/.exec(route.pattern)?.[1];
  const operations = Object.keys(route.methods).map((method): [string, JsonSchema] => {
    const operation = doc.operations[method];
    if (operation === undefined) throw new Error(`the route ${route.pattern} has no doc for ${method}`);
    return [method.toLowerCase(), operationObject(operation, route)];
  });
  return {
    ...(name !== undefined && { parameters: [pathParameter(name, doc)] }),
    ...Object.fromEntries(operations),
  };
}

function pathParameter(name: string, doc: RouteDoc): JsonSchema {
  const { description, ...schema } = inline(doc.param ?? z.string().min(1), 'input');
  return { name, in: 'path', required: true, ...(description !== undefined && { description }), schema };
}

function operationObject(operation: OperationDoc, { guarded, talks }: Route): JsonSchema {
  const answers: [string, JsonSchema][] = Object.entries(operation.answers).map(([status, answer]) => [
    status,
    response(answer),
  ]);
  return {
    summary: operation.summary,
    ...(operation.description !== undefined && { description: operation.description }),
    tags: [operation.tag],
    ...(operation.query !== undefined && { parameters: queryParameters(operation.query) }),
    ...(operation.body !== undefined && {
      requestBody: {
        required: true,
        content: { [JSON_MEDIA]: { schema: named(requestSchemas, operation.body) } },
      },
    }),
    responses: {
      ...Object.fromEntries(answers),
      ...(guarded && { 401: response(UNAUTHORIZED) }),
      default: response({
        description: 'a failure of the server (`internal`)',
        content: { [JSON_MEDIA]: errorAnswer },
      }),
    },
    // A public chat (`publicChat`) lets a caller without the token talk under an unguessable key.
    security: guarded ? [{ [BEARER]: [] }, ...(talks === true ? [{}] : [])] : [],
  };
}

function response({ description, content, headers }: AnswerDoc): JsonSchema {
  const media = Object.entries(content ?? {}).map(([type, schema]) => [
    type,
    { schema: answerSchemas.has(schema) ? named(answerSchemas, schema) : inline(schema, 'output') },
  ]);
  const headerObjects = Object.entries(headers ?? {}).map(([name, what]) => [
    name,
    { description: what, required: true, schema: { type: 'string' } },
  ]);
  return {
    description,
    ...(headers !== undefined && { headers: Object.fromEntries(headerObjects) }),
    ...(content !== undefined && { content: Object.fromEntries(media) }),
  };
}

/** One parameter a property of `query`, its description lifted beside its schema. */
function queryParameters(query: z.ZodObject): JsonSchema[] {
  const object = inline(query, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(description !== undefined && { description }),
    schema,
  }));
}

type Registry = typeof answerSchemas;

/** A reference to a registered schema (every body and named answer must be one, so they are shared). */
function named(registry: Registry, schema: z.ZodType): JsonSchema {
  const id = registry.get(schema)?.id;
  if (id === undefined) throw new Error('a route documents a body that is not a registered schema');
  return { $ref: `${COMPONENTS}${id}` };
}

function inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return withoutDialect(z.toJSONSchema(schema, { io }));
}

/** A schema without `$schema` and `$id`: inside the document, its dialect and place say both. */
function withoutDialect(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema' && key !== '$id'));
}

/**
 * A registry's schemas by id, each with the description it was registered with (zod reads
 * descriptions from the global registry only).
 */
function components(registry: Registry, io: 'input' | 'output'): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `${COMPONENTS}${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const rest = withoutDialect(schema);
      const registered = registry._idmap.get(id);
      const description = registered && registry.get(registered)?.description;
      return [id, { ...(description !== undefined && { description }), ...rest }];
    }),
  );
}
