import { isDeepStrictEqual } from 'node:util';
import { isMap, parseDocument, type Document, type YAMLMap } from 'yaml';
import * as z from 'zod';
import { blockDefinition } from '../../blocks/registry.js';
import type { BlockDefinition, BlockPort } from '../block-api/contract.js';
import { header } from '../script/header.js';
import { readPorts } from '../script/lenient.js';
import { BLOCK_ID } from '../script/fields.js';
import type { YamlPath } from '../script/yaml-path.js';
import { isObject, rootOf } from './data.js';
import type { EditContext, EditResult, JsonValue, TextChange } from './operation.js';
import { render } from './render.js';
import { PARSE_OPTIONS, entryOf, readSyntax, type Syntax } from './syntax.js';
import { applyChanges, ordered } from './text.js';
import { insertLines, Refusal, type KeyOrder } from './write.js';

/** The name a script with nothing in it gets when the edit is not told the file's. */
const NEW_SCRIPT_NAME = 'new-script';

/** A script's text read for editing: its syntax, its data, and its blocks. */
export class ScriptText {
  readonly data: Record<string, unknown>;

  private constructor(
    readonly syntax: Syntax,
    private readonly newName: string,
  ) {
    const data: unknown = syntax.document.toJS({ maxAliasCount: 100 });
    this.data = isObject(data) ? data : {};
  }

  /** The text read, or why it cannot be edited. */
  static read(text: string, context: EditContext = {}): ScriptText | string {
    const syntax = readSyntax(text);
    return typeof syntax === 'string' ? syntax : new ScriptText(syntax, context.name ?? NEW_SCRIPT_NAME);
  }

  /** Nothing is written yet: the file is blank, or holds comments only. */
  get isEmpty(): boolean {
    return this.syntax.document.contents === null;
  }

  /**
   * `lines` written into a file with nothing in it yet, after the lines the format requires first
   * (`botflow: 1`, and `name:` — the edit's own `name` when it sets it); `expect` is the rest of
   * the same change on a document.
   */
  writtenFirst(lines: string, expect: (document: Document) => void, name: JsonValue = this.newName): Plan {
    const { style } = this.syntax;
    const header = `botflow: 1${style.eol}name:${render(name, { kind: 'key', column: 0 }, style)}`;
    const text = lines === '' ? header : header + style.eol + lines;
    return {
      changes: [insertLines(this.syntax, this.syntax.text.length, text)],
      expect: (document) => {
        const root = rootOf(document);
        root.set('botflow', 1);
        root.set('name', name);
        expect(document);
      },
    };
  }

  /** The top-level map; undefined for a file with nothing in it yet. */
  get root(): YAMLMap | undefined {
    const contents = this.syntax.document.contents;
    return isMap(contents) ? contents : undefined;
  }

  /** The `blocks` map; undefined when the script has none (yet) or it is not a map. */
  get blocks(): YAMLMap | undefined {
    const blocks = this.root?.get('blocks', true);
    return isMap(blocks) ? blocks : undefined;
  }

  get ids(): string[] {
    const blocks = this.data.blocks;
    return isObject(blocks) ? Object.keys(blocks) : [];
  }

  blockData(id: string): unknown {
    const blocks = this.data.blocks;
    return isObject(blocks) ? blocks[id] : undefined;
  }

  /** The block's entry in the `blocks` map; refused when there is none. */
  block(id: string): { index: number; data: unknown; definition: BlockDefinition | undefined } {
    const entry = this.blocks ? entryOf(this.blocks, id) : undefined;
    if (!entry) throw new Refusal(`there is no block "${id}"`);
    const data = this.blockData(id);
    const type = isObject(data) ? data.type : undefined;
    return {
      index: entry.index,
      data,
      definition: typeof type === 'string' ? blockDefinition(type) : undefined,
    };
  }

  /** Every way out of a block as its module reads it, valid block or not. */
  ports(id: string): BlockPort[] {
    const { data, definition } = this.block(id);
    return definition ? readPorts(definition, data) : [];
  }

  /** The block's own map, with its fields in its schema's order, for a key to be added to it. */
  order(id: string): KeyOrder | undefined {
    const map = this.blocks?.get(id, true);
    const { definition } = this.block(id);
    const keys =
      definition && definition.schema instanceof z.ZodObject ? Object.keys(definition.schema.shape) : [];
    return isMap(map) ? { map, keys } : undefined;
  }

  /** The top level's keys in the order the format lists them. */
  rootOrder(): KeyOrder | undefined {
    return this.root ? { map: this.root, keys: Object.keys(header.shape) } : undefined;
  }

  /** A new block's id checked: the pattern of ids, and not taken. */
  checkNewId(id: string): void {
    if (id.length > 64 || !BLOCK_ID.test(id))
      throw new Refusal(
        `"${id}" is not a block id: it starts with a letter, then letters, digits, _ or -, at most 64 of them`,
      );
    if (this.ids.includes(id)) throw new Refusal(`there is already a block "${id}"`);
  }

  /** `base` when it is free, else `base-2`, `base-3`… (a base that ends in `-N` counts on from its stem). */
  freshId(base: string, taken: ReadonlySet<string> = new Set(this.ids)): string {
    if (!taken.has(base)) return base;
    const stem = base.replace(/-\d+$/, '');
    for (let n = 2; ; n += 1) {
      const id = `${stem}-${n}`;
      if (!taken.has(id)) return id;
    }
  }
}

/** What an operation changes: the text changes, and the same change on a copy of the document. */
export interface Plan {
  readonly changes: readonly TextChange[];
  readonly expect: (document: Document) => void;
  readonly focus?: string;
  readonly port?: string;
  readonly renamed?: Readonly<Record<string, string>>;
}

export const UNCHANGED: Plan = { changes: [], expect: () => undefined };

const MISMATCH =
  'botflow could not make this change without touching other parts of the file, so the file was left as it was';

/**
 * The plan's changes applied and checked: the new text must parse, and read as the data the
 * operation means (the same change made on the old document with the yaml Document API, which
 * spends the script). A difference is a bug in the edit, caught before anything is written.
 */
export function verified(script: ScriptText, plan: Plan): EditResult {
  const changes = ordered(plan.changes);
  const text = applyChanges(script.syntax.text, changes);
  const after = parseDocument(text, PARSE_OPTIONS);
  if (after.errors.length > 0) return { ok: false, message: MISMATCH };
  // The plan is made: its document is not read again, so the expected change is made on it (a clone
  // of a 300-block script costs a third of a parse).
  const expected = script.syntax.document;
  plan.expect(expected);
  // A file emptied of its last entry reads as nothing, which is the empty map the expected change leaves.
  const read = (document: Document): unknown => document.toJS({ maxAliasCount: 100 }) ?? {};
  if (!sameData(read(after), read(expected))) return { ok: false, message: MISMATCH };
  return {
    ok: true,
    text,
    changes,
    ...(plan.focus !== undefined && { focus: plan.focus }),
    ...(plan.port !== undefined && { port: plan.port }),
    ...(plan.renamed !== undefined && { renamed: plan.renamed }),
  };
}

/** Equal data, and the blocks in the same order (the first block is where a script without `start` starts). */
function sameData(actual: unknown, expected: unknown): boolean {
  const order = (data: unknown) => (isObject(data) && isObject(data.blocks) ? Object.keys(data.blocks) : []);
  return isDeepStrictEqual(actual, expected) && isDeepStrictEqual(order(actual), order(expected));
}

export function pathTo(id: string, path: YamlPath = []): YamlPath {
  return ['blocks', id, ...path];
}
