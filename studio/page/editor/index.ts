import './editor.css';
import { redo, redoDepth, undo, undoDepth } from '@codemirror/commands';
import type { EditAnswer, EditOperation, EditResult, SaveConflict, StudioModel } from '../../protocol.js';
import { ApiError } from '../api.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import type { JsonSchema } from '../json-schema.js';
import { ConflictDialog, type DiskVersion } from './conflict.js';
import { diagnosticsOf } from './diagnostics.js';
import { Pane } from './pane.js';

/** Typing pauses this long before the text is checked: short enough to feel live. */
const DRAFT_DELAY_MS = 100;
/** How long a notice (a refused edit, a failed save) stays. */
const NOTICE_MS = 10_000;
/** The YAML pane is open from the start on a window at least this wide. */
const WIDE_WINDOW = 1200;

/** The text half of the page: the YAML pane, and what the page does with unsaved text. */
export interface Editor {
  readonly edit: (operation: EditOperation) => Promise<EditResult>;
  readonly save: () => Promise<void>;
  readonly undo: () => void;
  readonly redo: () => void;
  /** The file's model from the event stream: the first one loads the pane, the others are changes on disk. */
  readonly disk: (model: StudioModel) => void;
}

/**
 * Mounts the YAML pane beside the canvas and the Undo, Redo and Save controls in the header. The
 * pane holds the only copy of unsaved text: canvas edits are applied to it (one undo step each),
 * typing is checked by the server as drafts, and a save writes exactly its text.
 */
export function mountEditor(
  app: Pick<App, 'api' | 'store' | 'select'>,
  header: HTMLElement,
  canvas: HTMLElement,
): Editor {
  const { api, store } = app;
  let schema: JsonSchema | undefined;
  api
    .schema()
    .then((value) => (schema = value))
    // Without the schema the pane only goes without completion.
    .catch(() => undefined);

  /** The file the pane's text started from: a save names its hash, and the text tells what is unsaved. */
  let base: DiskVersion = { hash: '', text: '' };
  /** The newest model of the file on disk. */
  let diskModel: StudioModel | undefined;
  let readOnly = false;
  let dirty = false;
  let saving = false;
  /** A change on disk heard while a save was under way: judged once the save's answer is in. */
  let held: StudioModel | undefined;
  /** Drafts sent, and the newest whose model is shown: an older answer arriving late is dropped. */
  let drafts = 0;
  let shown = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const pane = new Pane(
    {
      typed: () => {
        const file = diskModel;
        // Back to the file's text (undone to the last save): its model is known. After this update:
        // the pane takes no new transaction while it is busy with one.
        if (file?.text === pane.text()) {
          queueMicrotask(() => {
            if (file.text === pane.text()) showModel(file);
          });
        } else requestDraft(DRAFT_DELAY_MS);
      },
      updated: (update) => {
        if (update.docChanged) dirty = pane.text() !== base.text;
        refresh();
      },
      moved: (line) => {
        const model = store.state.model;
        // Lines of another text would name the wrong block: wait for the draft.
        if (model?.text !== pane.text()) return;
        const node = model.nodes.find((n) => n.kind === 'block' && n.firstLine <= line && line <= n.lastLine);
        if (node && node.id !== store.state.selected) store.update({ selected: node.id });
      },
    },
    () => schema,
  );

  const mark = h('span', { class: 'unsaved', title: 'Unsaved changes', hidden: true }, '●');
  const markLabel = h('span', { class: 'visually-hidden' }, 'unsaved changes');
  mark.append(markLabel);
  const button = (label: string, keys: string, action: () => void) => {
    const element = h(
      'button',
      { type: 'button', 'aria-keyshortcuts': keys, title: `${label} (${keys})` },
      label,
    );
    element.addEventListener('click', action);
    return element;
  };
  const undoButton = button('Undo', 'Control+Z', () => {
    undo(pane.view);
  });
  const redoButton = button('Redo', 'Control+Shift+Z', () => {
    redo(pane.view);
  });
  const saveButton = button('Save', 'Control+S', () => {
    void saveInTurn();
  });
  const section = h(
    'section',
    { class: 'yaml-pane', id: 'yaml-pane', 'aria-label': 'YAML pane' },
    pane.view.dom,
  );
  const toggle = h(
    'button',
    { type: 'button', 'aria-controls': 'yaml-pane', 'aria-pressed': 'true' },
    'YAML',
  );
  const showPane = (open: boolean) => {
    section.hidden = !open;
    toggle.setAttribute('aria-pressed', String(open));
    if (open) pane.view.requestMeasure();
  };
  toggle.addEventListener('click', () => {
    showPane(toggle.getAttribute('aria-pressed') !== 'true');
  });
  showPane(window.innerWidth >= WIDE_WINDOW);
  const notice = h('p', { class: 'editor-notice', role: 'alert', hidden: true });
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;
  const tell = (message: string) => {
    notice.textContent = message;
    notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      notice.hidden = true;
    }, NOTICE_MS);
  };
  const title = header.querySelector('h1');
  (title ?? header).after(
    mark,
    h(
      'div',
      { class: 'edit-controls', role: 'group', 'aria-label': 'Editing' },
      undoButton,
      redoButton,
      saveButton,
      toggle,
    ),
    notice,
  );
  canvas.after(section);

  const pageTitle = document.title;
  const refresh = () => {
    mark.hidden = !dirty;
    document.title = dirty ? `● ${pageTitle}` : pageTitle;
    undoButton.disabled = undoDepth(pane.view.state) === 0;
    redoButton.disabled = redoDepth(pane.view.state) === 0;
    saveButton.disabled = !dirty || readOnly || saving;
  };
  const rebase = (version: DiskVersion) => {
    base = version;
    dirty = pane.text() !== base.text;
    refresh();
  };

  /** Shows a model of the pane's text as it is now: the graph, the panels and the diagnostics follow. */
  const showModel = (model: StudioModel) => {
    clearTimeout(timer);
    shown = ++drafts;
    const drawn = keepPicture(model, store.state.model);
    const selected = store.state.selected;
    store.update({
      model: drawn,
      selected:
        selected !== undefined && drawn.nodes.some((node) => node.id === selected) ? selected : undefined,
    });
    pane.diagnose(diagnosticsOf(model.problems, pane.view.state.doc));
  };
  const requestDraft = (delay: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      void sendDraft();
    }, delay);
  };
  const sendDraft = async () => {
    const text = pane.text();
    const sent = ++drafts;
    try {
      const model = await api.post<StudioModel>('/api/draft', { text });
      if (sent < shown || model.text !== pane.text()) return;
      showModel(model);
    } catch (error) {
      tell(`The text could not be checked: ${messageOf(error)}`);
    }
  };
  /** The model of the pane's text: the file's when they are the same, else a draft. */
  const follow = () => {
    if (diskModel?.text === pane.text()) showModel(diskModel);
    else requestDraft(0);
  };
  /** The pane takes the file's text, as one undo step (the designer's text stays one Undo away). */
  const take = (version: DiskVersion) => {
    readOnly = diskModel?.text === version.text && unreadable(diskModel);
    pane.replace(version.text, { history: true, readOnly });
    rebase(version);
    follow();
  };

  const conflict = new ConflictDialog({ keep: rebase, take });

  /** Edits and saves run one at a time, in the order the designer made them. */
  let queue: Promise<unknown> = Promise.resolve();
  function inTurn<T>(run: () => Promise<T>): Promise<T> {
    const turn = queue.then(run);
    queue = turn.catch(() => undefined);
    return turn;
  }

  /** A form field being typed in is written first (leaving it writes it), then the save, in its turn. */
  function saveInTurn(): Promise<void> {
    const field = document.activeElement;
    if (field instanceof HTMLElement && field.closest('form')) field.blur();
    return inTurn(save);
  }

  async function save(): Promise<void> {
    if (saving || readOnly || !dirty) return;
    saving = true;
    refresh();
    try {
      const model = await api.post<StudioModel>('/api/save', { text: pane.text(), base: base.hash });
      diskModel = model;
      store.update({ saved: model });
      rebase({ hash: model.disk, text: model.text });
      if (pane.text() === model.text) showModel(model);
    } catch (error) {
      const refused = conflictOf(error);
      if (refused) conflict.show({ hash: refused.disk, text: refused.text }, pane.text());
      else tell(messageOf(error));
    } finally {
      saving = false;
      refresh();
      const next = held;
      held = undefined;
      if (next) disk(next);
    }
  }

  function disk(model: StudioModel): void {
    if (saving) {
      held = model;
      return;
    }
    const first = diskModel === undefined;
    diskModel = model;
    store.update({ saved: model });
    const version = { hash: model.disk, text: model.text };
    if (first) {
      readOnly = unreadable(model);
      pane.replace(model.text, { history: false, readOnly });
      rebase(version);
      showModel(model);
      return;
    }
    const text = pane.text();
    if (model.disk === base.hash || model.text === text) {
      // The file the text started from (this page's own save read back), or the text itself.
      rebase(version);
      if (model.text === text) conflict.close();
      follow();
    } else if (!dirty) {
      take(version);
    } else {
      conflict.show(version, text);
    }
  }

  async function edit(operation: EditOperation): Promise<EditResult> {
    return inTurn(() => editNow(operation));
  }

  async function editNow(operation: EditOperation): Promise<EditResult> {
    if (readOnly) {
      const message = 'The file cannot be read, so it cannot be edited here.';
      tell(message);
      return { ok: false, message };
    }
    for (;;) {
      const text = pane.text();
      let answer: EditAnswer;
      try {
        answer = await api.post<EditAnswer>('/api/edit', { text, operation });
      } catch (error) {
        const message = messageOf(error);
        tell(message);
        return { ok: false, message };
      }
      // Typed meanwhile: the changes are offsets into the old text, so ask again against the new one.
      if (pane.text() !== text) continue;
      pane.apply(answer.changes);
      showModel(answer.model);
      if (answer.focus !== undefined) app.select(answer.focus);
      return {
        ok: true,
        text: answer.text,
        changes: answer.changes,
        ...(answer.focus !== undefined && { focus: answer.focus }),
        ...(answer.port !== undefined && { port: answer.port }),
        ...(answer.renamed !== undefined && { renamed: answer.renamed }),
      };
    }
  }

  // A block selected elsewhere (graph, search, a panel) is selected in the pane; not one the cursor is in.
  store.subscribe((state, previous) => {
    if (state.selected === previous.selected || state.selected === undefined) return;
    const node = state.model?.nodes.find((n) => n.id === state.selected);
    if (!node || node.firstLine < 1) return;
    const line = pane.cursorLine();
    if (line < node.firstLine || line > node.lastLine) pane.selectLines(node.firstLine, node.lastLine);
  });

  const doUndo = () => undo(pane.view);
  const doRedo = () => redo(pane.view);
  document.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === 's') {
      event.preventDefault();
      void saveInTurn();
      return;
    }
    // The pane runs its own history; form fields keep their own undo; a dialog is not the page.
    if (event.defaultPrevented || keepsOwnUndo(event.target) || conflict.open) return;
    if (key === 'z' || (key === 'y' && !event.shiftKey)) {
      event.preventDefault();
      if (key === 'y' || event.shiftKey) doRedo();
      else doUndo();
    }
  });
  window.addEventListener('beforeunload', (event) => {
    if (dirty) event.preventDefault();
  });
  refresh();

  return { edit, save: saveInTurn, undo: doUndo, redo: doRedo, disk };
}

/**
 * A draft that is not YAML (a quote not closed yet) has nothing to draw: the flow keeps its last
 * picture, without problem badges, rather than vanish at every half-typed line. The pane and the
 * Problems tab say what is wrong.
 */
function keepPicture(model: StudioModel, last: StudioModel | undefined): StudioModel {
  const unreadable = model.problems.some((problem) => problem.code.startsWith('yaml.'));
  if (!model.draft || !unreadable || model.nodes.length > 0 || !last || last.nodes.length === 0) return model;
  return {
    ...model,
    nodes: last.nodes.map((node) => ({ ...node, problems: [] })),
    edges: last.edges,
    width: last.width,
    height: last.height,
  };
}

/** A file the studio could not read (too large, not a file): shown, never overwritten from the page. */
function unreadable(model: StudioModel): boolean {
  return model.disk !== '' && model.problems.some((problem) => problem.code === 'file.unreadable');
}

function keepsOwnUndo(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

function conflictOf(error: unknown): SaveConflict | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined;
  const body = error.body as Partial<SaveConflict> | undefined;
  return body?.error?.code === 'studio.conflict' ? (body as SaveConflict) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? sentence(error.message) : 'The studio did not answer.';
}

/** The server's message as a sentence: capitalised, with its full stop. */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
