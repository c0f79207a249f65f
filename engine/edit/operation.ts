/**
 * The changes the studio's canvas makes to a script, as data. Each one is applied to the YAML
 * text itself (engine/edit), so everything it does not concern stays byte for byte. Types only:
 * the studio's page imports them through studio/protocol.ts.
 *
 * A `port` is a way out of a block, named by its YAML path inside the block in formatPath's
 * notation: `next`, `else`, `on.success`, `on.invalid`, `branches[0].next`, `choices[1].next`.
 */
export type EditOperation =
  /** A block of `type` with a minimal skeleton and a fresh id (or `id`), after `after` or at the end. */
  | { readonly kind: 'add-block'; readonly type: string; readonly id?: string; readonly after?: string }
  /** Removes the block and its own comments; edges that named it are left to show as problems. */
  | { readonly kind: 'delete-block'; readonly id: string }
  /** Changes the block's id and every reference to it (edges, `start`, `on_error`). */
  | { readonly kind: 'rename-block'; readonly id: string; readonly to: string }
  /** Points a port (existing or not yet written) at `to`. */
  | { readonly kind: 'connect'; readonly block: string; readonly port: string; readonly to: string }
  /** Removes the port's target (a branch's or choice's `next`, an outcome, `next`, `else`). */
  | { readonly kind: 'disconnect'; readonly block: string; readonly port: string }
  /** Adds a way out: a condition's or random's branch, an ask's choice, a request's outcome. */
  | {
      readonly kind: 'add-way';
      readonly block: string;
      readonly way: WayKind;
      /** An outcome's name (`timeout`, `404`) or a choice's label; a fresh one when absent. */
      readonly name?: string;
      /** Connects the new way at once. */
      readonly to?: string;
    }
  /** Removes a branch or choice (with its `next`), or an outcome. */
  | { readonly kind: 'remove-way'; readonly block: string; readonly port: string }
  /** Sets a field inside a block (`text`, `retry.attempts`, `headers.X-Api-Key`); undefined removes it. */
  | {
      readonly kind: 'set-field';
      readonly block: string;
      readonly path: string;
      readonly value: JsonValue | undefined;
    }
  /** Sets a field of the script itself (`name`, `description`, `variables.city`, `env`); undefined removes it. */
  | { readonly kind: 'set-script-field'; readonly path: string; readonly value: JsonValue | undefined }
  /** Sets the script's `start` or `on_error` (undefined removes `on_error`). */
  | { readonly kind: 'set-entry'; readonly entry: 'start' | 'on_error'; readonly to: string | undefined }
  /** Adds blocks copied with copyBlocks; colliding ids are renamed and the copies' edges among themselves follow. */
  | { readonly kind: 'paste'; readonly blocks: string; readonly after?: string };

/** What an edit knows of the file beyond its text. */
export interface EditContext {
  /** The name a script with nothing in it gets with its first block or field (`botflow: 1`, `name:`). */
  readonly name?: string;
}

export type WayKind = 'branch' | 'choice' | 'outcome';

export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One replacement in the old text: offsets into it, in order, not overlapping. */
export interface TextChange {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

export type EditResult =
  | {
      readonly ok: true;
      readonly text: string;
      readonly changes: readonly TextChange[];
      /** The block to select afterwards: the one added, renamed or first pasted. */
      readonly focus?: string;
      /** The port an `add-way` created. */
      readonly port?: string;
      /** A paste's renamed ids, copied id → new id. */
      readonly renamed?: Readonly<Record<string, string>>;
    }
  | {
      readonly ok: false;
      /** One sentence: why the operation cannot be applied to this text. */
      readonly message: string;
    };

/** A way out of a block as the canvas draws it: connected or still open. */
export interface Port {
  readonly path: string;
  /** What takes it: '' for `next`, the branch's expression, the outcome, the choice's label. */
  readonly label: string;
  readonly target: string | undefined;
  /** A branch, choice or outcome the designer may remove with `remove-way`. */
  readonly removable: boolean;
}
