import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Block } from '../../blocks/registry.js';
import { blockDefinition, blockDefinitions } from '../../blocks/registry.js';
import type { BlockDefinition } from '../block-api/contract.js';
import type { LoadCode } from '../codes.js';
import { isEngineVariable, isSystemVariable } from '../names.js';
import { checkEnv, declaredEnv } from './env.js';
import { checkExpose } from './expose.js';
import { BLOCK_ID } from './fields.js';
import { loopsWithoutPause, reachable, type GraphNode } from './graph.js';
import { header } from './header.js';
import { locate, scalarAt } from './locate.js';
import { formatPath, type YamlPath } from './yaml-path.js';
import { ScriptError, type Position, type ScriptProblem } from './problem.js';
import { DEFAULT_MAX_BYTES, readYaml, type YamlLimits, type YamlSource } from './read-yaml.js';
import type { Script } from './script.js';
import { checkSources, checkSourcesOfInvalidBlock } from './sources.js';
import { checkTypes } from './types.js';
import { didYouMean } from './suggest.js';
import { explainIssues } from './zod-issues.js';

export interface LoadOptions extends YamlLimits {
  /** Strict mode, as if the script said `strict: true` (the CLI's `--strict`). */
  readonly strict?: boolean;
}

/** A finding before it has a position: what, where in the YAML, how bad. */
interface Finding {
  readonly path: YamlPath;
  readonly atKey?: boolean;
  readonly severity?: 'error' | 'warning';
  readonly code: LoadCode;
  readonly message: string;
  readonly hint?: string | undefined;
  /** An offset inside the scalar at `path` (an expression's error column). */
  readonly offset?: number | undefined;
}

/** Validates a script's text; never throws. Returns the script when there is no error. */
export function checkScript(
  text: string,
  file = '<script>',
  limits: LoadOptions = {},
): { script?: Script; problems: ScriptProblem[] } {
  const source = readYaml(file, text, limits);
  return Array.isArray(source) ? { problems: source } : checkSource(source, limits.strict);
}

/** Validates a script already read as YAML (outlineScript reads it once for both). */
export function checkSource(
  source: YamlSource,
  strictOption = false,
): { script?: Script; problems: ScriptProblem[] } {
  const findings: Finding[] = [];
  const script = validate(source, findings);
  const strict = strictOption || script?.strict === true;
  const problems = findings
    .map((finding) => toProblem(source, finding))
    // Strict mode: what would only be a warning stops the script too.
    .map((problem) =>
      strict && problem.severity === 'warning' ? { ...problem, severity: 'error' as const } : problem,
    )
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const failed = problems.some((p) => p.severity === 'error');
  return failed || !script ? { problems } : { script: { ...script, strict, warnings: problems }, problems };
}

/** Parses and validates a script's text; throws a ScriptError carrying every problem. */
export function parseScript(text: string, file?: string, limits?: LoadOptions): Script {
  const { script, problems } = checkScript(text, file, limits);
  if (!script) throw new ScriptError(problems);
  return script;
}

/** Reads, parses and validates a script file; throws a ScriptError carrying every problem. */
export async function loadScript(path: string, limits: LoadOptions = {}): Promise<Script> {
  return parseScript(await readScriptFile(path, limits), path, limits);
}

/** Reads a script file, refusing a missing or oversized one before reading it whole. */
export async function readScriptFile(path: string, limits: LoadOptions = {}): Promise<string> {
  const problem = (message: string) =>
    new ScriptError([
      { severity: 'error', file: path, line: 1, column: 1, path: '', code: 'file.unreadable', message },
    ]);
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw problem('this is not a file');
    if (info.size > maxBytes) throw problem(`the file is ${info.size} bytes, over the limit of ${maxBytes}`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ScriptError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw problem(code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? 'unknown error'})`);
  }
}

function toProblem(source: YamlSource, finding: Finding): ScriptProblem {
  const position: Position = locate(source, finding.path, finding.atKey);
  const scalar = finding.offset === undefined ? undefined : scalarAt(source, finding.path);
  const inside = scalar && source.lineCounter.linePos(scalar.offset + (finding.offset ?? 0));
  return {
    ...position,
    ...(inside && { line: inside.line, column: inside.col }),
    severity: finding.severity ?? 'error',
    code: finding.code,
    message: finding.message,
    ...(finding.hint !== undefined && { hint: finding.hint }),
  };
}

function validate(source: YamlSource, findings: Finding[]): Omit<Script, 'warnings'> | undefined {
  const parsed = header.safeParse(source.value);
  if (!parsed.success) {
    findings.push(...explainIssues(header, source.value, parsed.error.issues));
    // Carry on with the blocks when they are readable, so that one run reports everything.
  }
  const value = (parsed.success ? parsed.data : source.value) as Record<string, unknown> | null;
  const rawBlocks = value?.blocks;
  if (typeof rawBlocks !== 'object' || rawBlocks === null || Array.isArray(rawBlocks)) return undefined;

  const blocks = new Map<string, Block>();
  const nodes = new Map<string, GraphNode>();
  for (const [id, raw] of Object.entries(rawBlocks)) {
    const valid = validateBlock(id, raw, findings);
    if (valid) {
      blocks.set(id, valid.block);
      nodes.set(id, { id, definition: valid.definition, edges: valid.definition.edges(valid.block) });
    }
  }
  const ids = Object.keys(rawBlocks);
  const allBlocksValid = blocks.size === ids.length;
  if (ids.length === 0)
    findings.push({ path: ['blocks'], code: 'script.no-blocks', message: 'the script has no blocks' });
  if (!parsed.success) return undefined;

  const script = parsed.data;
  const start = script.start ?? ids[0] ?? '';
  checkGraph(script.start, script.on_error, ids, nodes, findings, allBlocksValid);
  checkEngineVariables(nodes, blocks, findings);
  for (const name of Object.keys(script.variables ?? {})) {
    if (isSystemVariable(name)) {
      findings.push({
        path: ['variables', name],
        atKey: true,
        code: 'script.system-variable',
        message: `"${name}" is a system variable; the engine sets it`,
        hint: 'remove it from variables',
      });
    }
  }
  findings.push(...checkSources(script.variables ?? {}, nodes, blocks));
  findings.push(...checkEnv(script.env, nodes, blocks, allBlocksValid));
  findings.push(...checkExpose(script.expose ?? [], script.variables ?? {}, nodes, blocks));
  findings.push(
    ...checkTypes(script.variables ?? {}, nodes, blocks, (path) => locate(source, path, true).line),
  );
  return {
    name: script.name,
    description: script.description,
    start,
    onError: script.on_error,
    strict: script.strict === true,
    signedLinks: script.links?.signed ?? 'optional',
    variables: script.variables ?? {},
    env: declaredEnv(script.env),
    expose: [...new Set(script.expose)],
    blocks,
    file: source.file,
    version: createHash('sha256').update(source.text).digest('hex').slice(0, 16),
    positions: new Map(ids.map((id) => [id, locate(source, ['blocks', id], true)])),
    edgePositions: new Map(
      [...nodes.values()].flatMap((node) =>
        branchPaths(node, blocks.get(node.id)).map((path) => [
          `${node.id} ${formatPath(path)}`,
          locate(source, ['blocks', node.id, ...path]),
        ]),
      ),
    ),
  };
}

/** The edges of a block and the branches its type takes besides them: what coverage counts. */
function branchPaths(node: GraphNode, block: Block | undefined): YamlPath[] {
  const branches = block ? (blockDefinition(block.type)?.branches?.(block) ?? []) : [];
  return [...node.edges.map((edge) => edge.path), ...branches];
}

/**
 * The block types that give control back (`pauses`), as a loop's message names them: `an ask or
 * request`. Read from the registry, so a new type that waits is named without an edit here.
 */
const PAUSING = ((types: readonly string[]) => {
  const listed =
    types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types.at(-1) ?? ''}` : types.join('');
  return `${/^[aeiou]/.test(listed) ? 'an' : 'a'} ${listed}`;
})(
  Object.values(blockDefinitions)
    .filter((definition) => definition.pauses)
    .map((definition) => definition.type),
);

function validateBlock(
  id: string,
  raw: unknown,
  findings: Finding[],
): { block: Block; definition: BlockDefinition } | undefined {
  const at = (path: YamlPath) => ['blocks', id, ...path];
  if (!BLOCK_ID.test(id) || id.length > 64) {
    findings.push({
      path: at([]),
      atKey: true,
      code: 'block.bad-id',
      message: `block id "${id}" is not valid`,
      hint: 'start with a letter, then letters, digits, _ or -',
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    findings.push({
      path: at([]),
      code: 'block.not-a-map',
      message: `block "${id}" must be a map of fields with a type`,
    });
    return undefined;
  }
  const type = (raw as { type?: unknown }).type;
  const known = Object.keys(blockDefinitions);
  if (typeof type !== 'string') {
    findings.push({
      path: at([]),
      atKey: true,
      code: 'block.no-type',
      message: `block "${id}" has no type`,
      hint: `one of ${known.join(', ')}`,
    });
    return undefined;
  }
  const definition = blockDefinition(type);
  if (!definition) {
    findings.push({
      path: at(['type']),
      code: 'block.unknown-type',
      message: `unknown block type "${type}"`,
      hint: didYouMean(type, known) ?? `one of ${known.join(', ')}`,
    });
    return undefined;
  }
  const parsed = definition.schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of explainIssues(definition.schema, raw, parsed.error.issues))
      findings.push({ ...issue, path: at(issue.path) });
    findings.push(...checkSourcesOfInvalidBlock(id, definition, raw as Record<string, unknown>));
    return undefined;
  }
  for (const issue of definition.check?.(parsed.data) ?? []) {
    findings.push({ ...issue, path: at(issue.path) });
  }
  return { block: parsed.data as Block, definition };
}

function checkEngineVariables(
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
  findings: Finding[],
): void {
  for (const [id, block] of blocks) {
    for (const { name } of nodes.get(id)?.definition.writes(block) ?? []) {
      if (!isEngineVariable(name)) continue;
      findings.push({
        path: ['blocks', id],
        atKey: true,
        code: 'block.engine-variable',
        message: `block "${id}" sets "${name}", which only the engine sets`,
        hint: 'use a variable of your own',
      });
    }
  }
}

function checkGraph(
  start: string | undefined,
  onError: string | undefined,
  ids: readonly string[],
  nodes: ReadonlyMap<string, GraphNode>,
  findings: Finding[],
  allBlocksValid: boolean,
): void {
  const known = new Set(ids);
  const unknownTarget = (path: YamlPath, target: string) =>
    findings.push({
      path,
      code: 'block.unknown-target',
      message: `no block is called "${target}"`,
      hint: didYouMean(target, ids),
    });
  if (start !== undefined && !known.has(start)) unknownTarget(['start'], start);
  if (onError !== undefined && !known.has(onError)) unknownTarget(['on_error'], onError);
  for (const node of nodes.values()) {
    for (const edge of node.edges)
      if (!known.has(edge.target)) unknownTarget(['blocks', node.id, ...edge.path], edge.target);
  }

  // An unknown start is reported above; reachability then counts from the first block, to add no noise.
  const first = start !== undefined && known.has(start) ? start : ids[0];
  const roots = [first, onError].filter((id): id is string => id !== undefined);
  const seen = reachable(nodes, roots);
  // A block that failed its own checks has no known edges: what lies behind it would look lost.
  for (const id of allBlocksValid ? nodes.keys() : []) {
    if (!seen.has(id)) {
      findings.push({
        path: ['blocks', id],
        atKey: true,
        severity: 'warning',
        code: 'block.unreachable',
        message: `block "${id}" is never reached`,
        hint: 'point a next, branch or outcome at it, or remove it',
      });
    }
  }
  for (const loop of loopsWithoutPause(nodes)) {
    const first = loop[0] ?? '';
    findings.push({
      path: ['blocks', first],
      atKey: true,
      code: 'block.endless-loop',
      message: `blocks ${[...loop, first].join(' → ')} loop without ${PAUSING}, so the conversation could never stop`,
      hint: `route the loop through ${PAUSING} block`,
    });
  }
}
