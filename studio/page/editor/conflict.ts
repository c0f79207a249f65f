import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { MergeView } from '@codemirror/merge';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { h } from '../dom.js';
import { lineBreakOf } from './text.js';

/** The file as it is on disk now: its text, and the hash a save names. */
export interface DiskVersion {
  readonly hash: string;
  readonly text: string;
}

export interface ConflictChoices {
  /** Keeps the page's text; the next save overwrites `disk`. */
  readonly keep: (disk: DiskVersion) => void;
  /** Replaces the page's text with the file's. */
  readonly take: (disk: DiskVersion) => void;
}

/**
 * The dialog shown when the file changed on disk while the page holds unsaved edits: the two
 * versions side by side, changes marked, and the two ways out. Closing it (Escape) decides
 * nothing: the next save is refused again and the dialog comes back.
 */
export class ConflictDialog {
  private readonly element: HTMLDialogElement;
  private readonly versions: HTMLElement;
  private readonly note: HTMLElement;
  private merge: MergeView | undefined;
  private disk: DiskVersion | undefined;

  constructor(choices: ConflictChoices) {
    const keep = h('button', { type: 'button' }, 'Keep mine');
    const take = h('button', { type: 'button' }, 'Take the file’s');
    this.note = h('p', {});
    this.versions = h('div', { class: 'conflict-versions' });
    this.element = h(
      'dialog',
      { class: 'conflict', 'aria-labelledby': 'conflict-title', 'aria-describedby': 'conflict-note' },
      h('h2', { id: 'conflict-title' }, 'The file changed on disk'),
      h('div', { id: 'conflict-note' }, this.note),
      h(
        'div',
        { class: 'conflict-labels', 'aria-hidden': 'true' },
        h('span', {}, 'On disk'),
        h('span', {}, 'Yours'),
      ),
      this.versions,
      h('div', { class: 'conflict-actions' }, keep, take),
    );
    const choose = (choice: (disk: DiskVersion) => void) => {
      const disk = this.disk;
      this.close();
      if (disk) choice(disk);
    };
    keep.addEventListener('click', () => {
      choose(choices.keep);
    });
    take.addEventListener('click', () => {
      choose(choices.take);
    });
    this.element.addEventListener('close', () => {
      this.merge?.destroy();
      this.merge = undefined;
    });
    document.body.append(this.element);
  }

  get open(): boolean {
    return this.element.open;
  }

  /** Shows (or brings up to date) the file's version beside the page's text. */
  show(disk: DiskVersion, yours: string): void {
    this.disk = disk;
    this.note.textContent =
      disk.hash === ''
        ? 'The file was deleted while you had unsaved changes. Keep yours (saving writes the file again), or take the deletion (the pane empties).'
        : 'Someone saved the file while you had unsaved changes here. Keep yours (the next save overwrites the file), or take the file’s (your changes stay one Undo away).';
    this.merge?.destroy();
    this.merge = new MergeView({
      a: { doc: disk.text, extensions: readOnly('On disk', disk.text) },
      b: { doc: yours, extensions: readOnly('Yours', yours) },
      parent: this.versions,
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    if (!this.element.open) this.element.showModal();
  }

  close(): void {
    if (this.element.open) this.element.close();
  }
}

function readOnly(label: string, text: string): Extension {
  return [
    lineNumbers(),
    yaml(),
    syntaxHighlighting(defaultHighlightStyle),
    EditorState.lineSeparator.of(lineBreakOf(text)),
    EditorState.readOnly.of(true),
    EditorView.contentAttributes.of({ 'aria-label': label }),
  ];
}
