import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab, isolateHistory } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, Transaction } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  type ViewUpdate,
} from '@codemirror/view';
import type { TextChange } from '../../protocol.js';
import type { JsonSchema } from '../json-schema.js';
import { schemaCompletion } from './completion.js';
import { nestedBlockIndent } from './indent.js';
import { difference, lineBreakOf, positionsIn } from './text.js';

/** Marks a change whose model the page has already (a canvas edit, the file's text taken): no draft for it. */
const modelled = Annotation.define<true>();

export interface PaneEvents {
  /** The text changed by typing, undo or redo: its model is not known yet. */
  typed(): void;
  /** Every update: the text, the selection or the history moved. */
  updated(update: ViewUpdate): void;
  /** The designer moved the cursor (or typed) onto `line`. */
  moved(line: number): void;
}

/**
 * The YAML pane: the script's real text in CodeMirror, with its line numbers, YAML highlighting,
 * history (undo and redo of typing and canvas edits alike), completion from the schema and
 * botflow's problems as diagnostics.
 */
export class Pane {
  readonly view: EditorView;
  private readonly lineBreak = new Compartment();
  private readonly writable = new Compartment();
  private separator: '\n' | '\r\n' = '\n';

  constructor(events: PaneEvents, schema: () => JsonSchema | undefined) {
    this.view = new EditorView({
      state: EditorState.create({
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          nestedBlockIndent,
          yaml(),
          syntaxHighlighting(defaultHighlightStyle),
          indentUnit.of('  '),
          autocompletion({ override: [schemaCompletion(schema)] }),
          lintGutter(),
          keymap.of([...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
          this.lineBreak.of(EditorState.lineSeparator.of('\n')),
          this.writable.of(EditorState.readOnly.of(false)),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'Script YAML' }),
          EditorView.updateListener.of((update) => {
            const typed = update.transactions.some(
              (tr) => tr.docChanged && tr.annotation(modelled) === undefined,
            );
            if (typed) events.typed();
            const moved = update.transactions.some(
              (tr) => tr.isUserEvent('select') || tr.isUserEvent('input') || tr.isUserEvent('delete'),
            );
            if (moved) events.moved(update.state.doc.lineAt(update.state.selection.main.head).number);
            events.updated(update);
          }),
        ],
      }),
    });
  }

  /** The text as the file would have it: the pane's own line breaks. */
  text(): string {
    return this.view.state.sliceDoc();
  }

  /**
   * Replaces the text with `text` as one undo step (only the part that differs, so the cursor and
   * the scroll stay where they were), or without a step (`history: false`, the first load).
   */
  replace(text: string, options: { readonly history: boolean; readonly readOnly: boolean }): void {
    const old = this.text();
    const separator = lineBreakOf(text);
    const annotations = [
      modelled.of(true),
      options.history ? isolateHistory.of('full') : Transaction.addToHistory.of(false),
    ];
    const effects = this.writable.reconfigure(EditorState.readOnly.of(options.readOnly));
    if (separator === this.separator) {
      const change = difference(old, text);
      const at = positionsIn(old, separator);
      this.view.dispatch({
        changes: { from: at(change.from), to: at(change.to), insert: change.insert },
        annotations,
        effects,
      });
      return;
    }
    this.separator = separator;
    this.view.dispatch({
      changes: { from: 0, to: this.view.state.doc.length, insert: text },
      annotations,
      effects: [effects, this.lineBreak.reconfigure(EditorState.lineSeparator.of(separator))],
    });
  }

  /** A canvas edit's changes, offsets into the pane's text as it is, applied as one undo step. */
  apply(changes: readonly TextChange[]): void {
    const at = positionsIn(this.text(), this.separator);
    this.view.dispatch({
      changes: changes.map((change) => ({ from: at(change.from), to: at(change.to), insert: change.insert })),
      annotations: [modelled.of(true), isolateHistory.of('full')],
    });
  }

  diagnose(diagnostics: readonly Diagnostic[]): void {
    this.view.dispatch(setDiagnostics(this.view.state, diagnostics));
  }

  /** Selects lines `first`..`last` and scrolls them into view, without taking the focus. */
  selectLines(first: number, last: number): void {
    const { doc } = this.view.state;
    if (first > doc.lines) return;
    const from = doc.line(first).from;
    const to = doc.line(Math.min(last, doc.lines)).to;
    this.view.dispatch({
      selection: { anchor: from, head: to },
      effects: EditorView.scrollIntoView(from, { y: 'start', yMargin: 24 }),
    });
  }

  /** The line the cursor is on. */
  cursorLine(): number {
    const { state } = this.view;
    return state.doc.lineAt(state.selection.main.head).number;
  }
}
