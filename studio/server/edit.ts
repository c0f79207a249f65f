import { basename } from 'node:path';
import * as z from 'zod';
import { HttpError } from '../../channels/http/errors.js';
import { parseBody } from '../../channels/http/schemas.js';
import {
  BotflowError,
  copyBlocks,
  editScript,
  readYamlData,
  SCRIPT_MAX_BYTES,
  scriptJsonSchema,
} from '../../engine/index.js';
import type {
  CopyAnswer,
  EditAnswer,
  EditContext,
  EditOperation,
  SaveConflict,
  StudioModel,
} from '../protocol.js';
import type { StudioContext, StudioRoute } from './context.js';
import { fileSystemReason, NO_FILE, readDisk, scriptStem, writeAtomically } from './disk.js';

/**
 * A script travels whole in these bodies: two of them at most (a paste's blocks beside the
 * text), each as a JSON string, which escapes a YAML file's line breaks and quotes into two
 * bytes, so at most twice its size.
 */
export const SCRIPT_BODY_LIMIT = 2 * (2 * SCRIPT_MAX_BYTES) + 64 * 1024;

const id = z.string().max(1024);
const port = z.string().max(1024);
const way = z.enum(['branch', 'choice', 'outcome']);
const operation = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('add-block'),
    type: z.string().max(64),
    id: id.exactOptional(),
    after: id.exactOptional(),
  }),
  z.strictObject({ kind: z.literal('delete-block'), id }),
  z.strictObject({ kind: z.literal('rename-block'), id, to: id }),
  z.strictObject({ kind: z.literal('connect'), block: id, port, to: id }),
  z.strictObject({ kind: z.literal('disconnect'), block: id, port }),
  z.strictObject({
    kind: z.literal('add-way'),
    block: id,
    way,
    name: z.string().max(1024).exactOptional(),
    to: id.exactOptional(),
  }),
  z.strictObject({ kind: z.literal('remove-way'), block: id, port }),
  // No `value` removes the field (no `to`, the entry): JSON has no undefined to send.
  z.strictObject({ kind: z.literal('set-field'), block: id, path: port, value: z.json().exactOptional() }),
  z.strictObject({ kind: z.literal('set-script-field'), path: port, value: z.json().exactOptional() }),
  z.strictObject({
    kind: z.literal('set-entry'),
    entry: z.enum(['start', 'on_error']),
    to: id.exactOptional(),
  }),
  z.strictObject({ kind: z.literal('paste'), blocks: z.string(), after: id.exactOptional() }),
]);

const draftBody = z.strictObject({ text: z.string() });
const editBody = z.strictObject({ text: z.string(), operation });
const saveBody = z.strictObject({ text: z.string(), base: z.string().max(256) });
const copyBody = z.strictObject({ text: z.string(), ids: z.array(id).max(10_000) });

/** Editing the script: drafts of unsaved text, canvas operations, saving, copying, and the schema for completion. */
export function editRoutes(context: StudioContext): StudioRoute[] {
  let schema: Record<string, unknown> | undefined;
  // Saves one at a time: two pages saving from the same file must not both pass the check.
  let saving: Promise<unknown> = Promise.resolve();
  const script = { method: 'POST', bodyLimit: SCRIPT_BODY_LIMIT } as const;
  return [
    { ...script, path: '/api/draft', handle: ({ body }) => context.draft(parseBody(draftBody, body).text) },
    { ...script, path: '/api/edit', handle: ({ body }) => edit(context, parseBody(editBody, body)) },
    {
      ...script,
      path: '/api/save',
      handle: ({ body }) => {
        const request = parseBody(saveBody, body);
        const saved = saving.then(() => save(context, request.text, request.base));
        saving = saved.catch(() => undefined);
        return saved;
      },
    },
    { ...script, path: '/api/copy', handle: ({ body }) => copy(parseBody(copyBody, body)) },
    // botflow.schema.json is this same output (a test keeps the file current): made once, on first use.
    { method: 'GET', path: '/api/schema', handle: () => (schema ??= scriptJsonSchema()) },
  ];
}

async function edit(context: StudioContext, request: z.output<typeof editBody>): Promise<EditAnswer> {
  const result = editScript(request.text, operationOf(request.operation), editContext(context.file));
  if (!result.ok) throw new HttpError('studio.edit-refused', result.message);
  return {
    text: result.text,
    changes: result.changes,
    ...(result.focus !== undefined && { focus: result.focus }),
    ...(result.port !== undefined && { port: result.port }),
    ...(result.renamed !== undefined && { renamed: result.renamed }),
    model: await context.draft(result.text),
  };
}

/** The operation as the engine takes it: JSON leaves out a field that is undefined, the type names it. */
function operationOf(given: z.output<typeof operation>): EditOperation {
  if (given.kind === 'set-field' || given.kind === 'set-script-field')
    return { ...given, value: given.value };
  if (given.kind === 'set-entry') return { ...given, to: given.to };
  return given;
}

/** A script started in an empty file is named for the file: `flows/welcome.yaml` → `welcome`. */
function editContext(file: string): EditContext {
  const name = basename(scriptStem(file));
  return name === '' ? {} : { name };
}

function copy(request: z.output<typeof copyBody>): CopyAnswer {
  try {
    return { blocks: copyBlocks(request.text, request.ids) };
  } catch (error) {
    // A block gone from the text, or text that is not YAML: the page says it as a refused edit.
    if (error instanceof BotflowError) throw new HttpError('studio.edit-refused', error.message);
    throw error;
  }
}

/**
 * Writes the page's text if the file is still the one it started from (`base`), and answers the
 * model of what was written. Never writes text botflow could not read back as YAML.
 */
async function save(context: StudioContext, text: string, base: string): Promise<StudioModel> {
  const { file } = context;
  const read = readYamlData(z.unknown(), text, file);
  const [broken] = 'problems' in read ? read.problems : [];
  if (broken) {
    throw new HttpError(
      'studio.bad-yaml',
      `not saved: ${broken.file}:${broken.line}:${broken.column}: ${broken.message}`,
    );
  }
  const disk = await readDisk(file);
  if (disk.hash !== base) {
    const details: Omit<SaveConflict, 'error'> = { disk: disk.hash, text: disk.text ?? '' };
    const what = base === NO_FILE ? 'was created' : disk.hash === NO_FILE ? 'was deleted' : 'changed';
    throw new HttpError(
      'studio.conflict',
      `not saved: ${file} ${what} on disk since the page read it`,
      {},
      details,
    );
  }
  try {
    await writeAtomically(file, text);
  } catch (error) {
    const reason = fileSystemReason(error);
    if (reason === undefined) throw error;
    throw new HttpError('studio.cannot-save', `not saved: cannot write ${file}: ${reason}`);
  }
  return (await context.reload(text)).model;
}
