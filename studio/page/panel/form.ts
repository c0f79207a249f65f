import type { EditOperation, JsonValue, Port, StudioModel, StudioProblem } from '../../protocol.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import type { Field, Named } from './schema.js';

/** Typing waits this long for a pause before it is written (a change or leaving the field writes at once). */
const TYPING_MS = 500;

/** A key as the engine writes YAML paths: bare when it is a plain name, else quoted. */
export function pathKey(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const name = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
  return parent === '' ? name : `${parent}.${name}`;
}

/** What a form edits: a block, or the script's own fields. */
export interface FormSubject {
  /** Which block (its id), or '' for the script: a form is made again for another one. */
  readonly key: string;
  /** The fields as written. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Its ways out: a list of branches or choices removes its items as ways. */
  readonly ports: readonly Port[];
  /** Where its fields are in the file: `blocks.greet`, or '' for the script's own. */
  readonly path: string;
  /** The edit that sets one of its fields (`text`, `variables.city`); undefined removes it. */
  set(path: string, value: JsonValue | undefined): EditOperation;
}

/** The problems of one field: those at its path or inside it. */
function problemsAt(model: StudioModel, subject: FormSubject, path: string): StudioProblem[] {
  const full = subject.path === '' ? path : `${subject.path}.${path}`;
  return model.problems.filter(
    ({ path: at }) => at === full || at.startsWith(`${full}.`) || at.startsWith(`${full}[`),
  );
}

interface Control {
  /** Shows the value the text now has (not while the designer is typing in it). */
  show(value: unknown): void;
  /** Where the field's problems and refusals are said. */
  readonly note: HTMLElement;
}

let unique = 0;
const nextId = () => `form-field-${(unique += 1)}`;

/**
 * A block's fields, or the script's, as a form generated from their schema. Each change is one
 * edit of the text (typing is written after a pause, or when the field is left); the model that
 * comes back refills the fields the designer is not in, and says each field's problems under it.
 */
export class SchemaForm {
  readonly element: HTMLElement;
  private readonly controls = new Map<string, Control>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Fields whose text cannot be read (not JSON yet), and why: said until it can, whatever models come. */
  private readonly unread = new Map<string, string>();
  private subject: FormSubject;

  constructor(
    private readonly app: App,
    subject: FormSubject,
    fields: readonly Named[],
    label: string,
  ) {
    this.subject = subject;
    this.element = h(
      'form',
      { class: 'block-form', 'aria-label': label },
      ...fields.map((named) => this.row(named.name, named.field, subject.data[named.name])),
    );
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
    });
  }

  /** What decides the form's rows: the fields and how many items and keys each list and map has. */
  static shape(subject: FormSubject, fields: readonly Named[]): string {
    const measure = (field: Field, value: unknown): unknown => {
      switch (field.kind) {
        case 'list':
        case 'ways':
          return Array.isArray(value) ? value.length : 0;
        case 'map':
          return isObject(value) ? Object.keys(value) : [];
        case 'group':
          return field.fields.map((named) =>
            measure(named.field, isObject(value) ? value[named.name] : undefined),
          );
        case 'enum-or-object':
          return isObject(value);
        case 'one-or-list':
          return Array.isArray(value) ? 'list' : measure({ ...field, kind: 'group' }, value);
        default:
          return null;
      }
    };
    return JSON.stringify([
      subject.key,
      fields.map((named) => [named.name, measure(named.field, subject.data[named.name])]),
    ]);
  }

  /** Takes the new model: values of the fields not being edited, and every field's problems. */
  update(subject: FormSubject, model: StudioModel): void {
    this.subject = subject;
    for (const [path, control] of this.controls) {
      control.show(valueAt(subject.data, path));
      const problems = problemsAt(model, subject, path);
      const unread = this.unread.get(path);
      control.note.replaceChildren(
        ...(unread === undefined ? [] : [h('span', { class: 'error' }, unread)]),
        ...problems.map((problem) => h('span', { class: problem.severity }, problem.message)),
      );
    }
  }

  /** Writes a field at once (a change, leaving the field) or after a pause in typing. */
  private write(path: string, value: JsonValue | undefined, at: 'now' | 'pause'): void {
    clearTimeout(this.timers.get(path));
    if (at === 'now') void this.send(path, value);
    else
      this.timers.set(
        path,
        setTimeout(() => void this.send(path, value), TYPING_MS),
      );
  }

  /** One edit of the text; a refusal is said under the field. */
  private async send(path: string, value: JsonValue | undefined): Promise<void> {
    this.timers.delete(path);
    const note = this.controls.get(path)?.note;
    const result = await this.app.edit(this.subject.set(path, value));
    if (!result.ok && note) note.replaceChildren(h('span', { class: 'error' }, result.message));
  }

  private row(name: string, field: Field, value: unknown, parent = '', label = name): HTMLElement {
    const path = pathKey(parent, name);
    switch (field.kind) {
      case 'group':
        return h(
          'fieldset',
          { class: 'group' },
          h('legend', {}, label),
          ...field.fields.map((named) =>
            this.row(named.name, named.field, isObject(value) ? value[named.name] : undefined, path),
          ),
        );
      case 'one-or-list':
        return Array.isArray(value)
          ? this.single(path, label, { kind: 'json', required: field.required }, value)
          : this.row(name, { ...field, kind: 'group' }, value, parent, label);
      case 'list':
        return this.list(path, label, field, Array.isArray(value) ? value : []);
      case 'map':
        return this.map(path, label, field, isObject(value) ? value : {});
      case 'ways':
        return this.ways(path, label, field, Array.isArray(value) ? value : []);
      default:
        return this.single(path, label, field, value);
    }
  }

  /** One labelled control with its note (problems, refusals) under it. */
  private single(path: string, label: string, field: Field, value: unknown): HTMLElement {
    const id = nextId();
    const note = h('p', { class: 'field-note', id: `${id}-note`, 'aria-live': 'polite' });
    const control = this.control(path, field, id, note);
    control.show(value);
    return h(
      'div',
      { class: `field field-${field.kind}` },
      h('label', { for: id }, label, field.required ? '' : h('span', { class: 'optional' }, ' (optional)')),
      control.element,
      note,
    );
  }

  private control(
    path: string,
    field: Field,
    id: string,
    note: HTMLElement,
  ): Control & { element: HTMLElement } {
    const described = { id, 'aria-describedby': `${id}-note`, 'data-key': path };
    const register = (element: HTMLElement, show: (value: unknown) => void) => {
      const control = {
        element,
        note,
        show: (value: unknown) => {
          // The designer's own typing wins over a model made before it.
          if (document.activeElement !== element && !this.timers.has(path)) show(value);
        },
      };
      this.controls.set(path, control);
      return control;
    };
    /** A text box: written after a pause, and when it is left. */
    const typed = (
      element: HTMLInputElement | HTMLTextAreaElement,
      parse: (text: string) => JsonValue | undefined | Error,
    ) => {
      const read = (at: 'now' | 'pause') => {
        const value = parse(element.value);
        if (value instanceof Error) {
          this.unread.set(path, value.message);
          note.replaceChildren(h('span', { class: 'error' }, value.message));
          return;
        }
        this.unread.delete(path);
        this.write(path, value, at);
      };
      element.addEventListener('input', () => {
        read('pause');
      });
      element.addEventListener('change', () => {
        read('now');
      });
    };
    const orNone = (text: string) => (text === '' && !field.required ? undefined : text);
    switch (field.kind) {
      case 'text':
      case 'json': {
        const area = h('textarea', {
          ...described,
          rows: field.kind === 'json' ? 4 : 2,
          spellcheck: field.kind === 'text' ? 'true' : 'false',
        });
        if (field.kind === 'json') {
          typed(area, (text) => {
            if (text.trim() === '') return undefined;
            try {
              return JSON.parse(text) as JsonValue;
            } catch {
              return new Error(
                'This is not JSON yet (JSON is YAML too: write {"key": "value"}, [1, 2] or "text").',
              );
            }
          });
          return register(area, (value) => {
            area.value = value === undefined ? '' : JSON.stringify(value, null, 2);
          });
        }
        typed(area, orNone);
        return register(area, (value) => {
          area.value = typeof value === 'string' ? value : '';
        });
      }
      case 'expression':
      case 'line':
      case 'scalar':
      case 'duration': {
        const input = h('input', {
          ...described,
          type: 'text',
          spellcheck: 'false',
          class: field.kind === 'expression' ? 'code' : undefined,
          placeholder: field.kind === 'duration' ? '5s, 300ms or milliseconds' : undefined,
        });
        typed(input, (text) => {
          if (field.kind === 'scalar' || field.kind === 'duration')
            return text.trim() === '' ? undefined : scalar(text, field.kind === 'duration');
          return orNone(text);
        });
        return register(input, (value) => {
          input.value =
            typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
              ? String(value)
              : '';
        });
      }
      case 'number': {
        const input = h('input', {
          ...described,
          type: 'number',
          min: field.min,
          max: field.max,
          step: field.integer ? 1 : 'any',
        });
        typed(input, (text) => (text === '' ? undefined : Number(text)));
        return register(input, (value) => {
          input.value = typeof value === 'number' ? String(value) : '';
        });
      }
      case 'enum': {
        const select = h(
          'select',
          described,
          ...(field.required
            ? []
            : [h('option', { value: '' }, field.fallback === undefined ? '—' : `— (${field.fallback}) —`)]),
          ...field.values.map((value) => h('option', { value }, value)),
        );
        select.addEventListener('change', () => {
          this.write(path, select.value === '' ? undefined : select.value, 'now');
        });
        return register(select, (value) => {
          select.value = typeof value === 'string' ? value : '';
        });
      }
      case 'enum-or-object': {
        const objectChoice = `{${field.key}}`;
        const select = h(
          'select',
          described,
          ...(field.required ? [] : [h('option', { value: '' }, '—')]),
          ...field.values.map((value) => h('option', { value }, value)),
          h('option', { value: objectChoice }, `${field.key}…`),
        );
        const inner = h('input', {
          type: 'text',
          class: 'code',
          spellcheck: 'false',
          'aria-label': `${path} ${field.key}`,
          'data-key': `${path}.${field.key}`,
          hidden: true,
        });
        select.addEventListener('change', () => {
          inner.hidden = select.value !== objectChoice;
          if (select.value === objectChoice) {
            this.write(path, { [field.key]: inner.value }, 'now');
            inner.focus();
          } else this.write(path, select.value === '' ? undefined : select.value, 'now');
        });
        const writeInner = (at: 'now' | 'pause') => {
          this.write(path, { [field.key]: inner.value }, at);
        };
        inner.addEventListener('input', () => {
          writeInner('pause');
        });
        inner.addEventListener('change', () => {
          writeInner('now');
        });
        const element = h('div', { class: 'enum-or-object' }, select, inner);
        return register(element, (value) => {
          if (document.activeElement === inner) return;
          const object = isObject(value) ? value[field.key] : undefined;
          select.value = isObject(value) ? objectChoice : typeof value === 'string' ? value : '';
          inner.hidden = !isObject(value);
          inner.value = typeof object === 'string' ? object : '';
        });
      }
      default:
        throw new Error(`no single control for ${field.kind}`);
    }
  }

  /** A list of values: one row each, Remove on each, Add at the end. */
  private list(
    path: string,
    label: string,
    field: Field & { kind: 'list' },
    items: readonly unknown[],
  ): HTMLElement {
    // An item's index is good until the list changes: the list's buttons wait for each edit's answer.
    const buttons: HTMLButtonElement[] = [];
    const rows = items.map((item, index) => {
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'remove',
          'aria-label': `Remove ${label} ${index + 1}`,
          'data-key': `${path}[${index}]-remove`,
        },
        '×',
      );
      remove.addEventListener('click', () => {
        whileSent(buttons, this.send(pathKey(path, index), undefined));
      });
      buttons.push(remove);
      return h(
        'div',
        { class: 'item' },
        this.single(pathKey(path, index), `${label} ${index + 1}`, field.item, item),
        remove,
      );
    });
    const add = h('button', { type: 'button', class: 'add', 'data-key': `${path}-add` }, `Add to ${label}`);
    // Read when clicked: the form is made again for a changed count, not for a changed item.
    add.addEventListener('click', () => {
      whileSent(
        buttons,
        this.send(pathKey(path, this.itemsAt(path).length), field.item.kind === 'number' ? 0 : ''),
      );
    });
    buttons.push(add);
    return h('fieldset', { class: 'list' }, h('legend', {}, label), ...rows, add);
  }

  /** The list at `path` as the text has it now. */
  private itemsAt(path: string): readonly unknown[] {
    const items = valueAt(this.subject.data, path);
    return Array.isArray(items) ? items : [];
  }

  /** A map of names to values: a row per entry (name and value), Remove on each, and a row to add one. */
  private map(
    path: string,
    label: string,
    field: Field & { kind: 'map' },
    entries: Readonly<Record<string, unknown>>,
  ): HTMLElement {
    const rows = Object.entries(entries).map(([key, value]) => {
      const entry = pathKey(path, key);
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'remove',
          'aria-label': `Remove ${label} ${key}`,
          'data-key': `${entry}-remove`,
        },
        '×',
      );
      remove.addEventListener('click', () => {
        this.write(entry, undefined, 'now');
      });
      return h('div', { class: 'item' }, this.single(entry, `${label} ${key}`, field.value, value), remove);
    });
    const name = h('input', {
      type: 'text',
      spellcheck: 'false',
      placeholder: 'name',
      'aria-label': `New ${label} name`,
      'data-key': `${path}-new`,
    });
    const add = h('button', { type: 'button', class: 'add', 'data-key': `${path}-add` }, `Add to ${label}`);
    const note = h('p', { class: 'field-note', 'aria-live': 'polite' });
    const adding = () => {
      const key = name.value.trim();
      if (key === '') {
        note.textContent = 'Give the new entry a name first.';
        return;
      }
      if (Object.hasOwn(entries, key)) {
        note.textContent = `${label} has ${key} already.`;
        return;
      }
      this.write(pathKey(path, key), field.value.kind === 'number' ? 0 : '', 'now');
      // Emptied before the form is made again with the new entry, so the next name starts afresh.
      name.value = '';
    };
    add.addEventListener('click', adding);
    name.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      adding();
    });
    return h(
      'fieldset',
      { class: 'map' },
      h('legend', {}, label),
      ...rows,
      h('div', { class: 'item new' }, name, add),
      note,
    );
  }

  /** Branches or choices: each item's fields; an item goes with its way out (Connections adds them). */
  private ways(
    path: string,
    label: string,
    field: Field & { kind: 'ways' },
    items: readonly unknown[],
  ): HTMLElement {
    const rows = items.map((item, index) => {
      const itemPath = pathKey(path, index);
      const port = this.subject.ports.find((p) => p.removable && p.path.startsWith(`${itemPath}.`));
      const remove = h('button', {
        type: 'button',
        class: 'remove',
        'aria-label': `Remove ${label} ${index + 1}`,
        'data-key': `${itemPath}-remove`,
        disabled: port === undefined,
      });
      remove.append('×');
      remove.addEventListener('click', () => {
        if (port) void this.app.edit({ kind: 'remove-way', block: this.subject.key, port: port.path });
      });
      return h(
        'fieldset',
        { class: 'way-item' },
        h('legend', {}, `${label} ${index + 1}`, remove),
        ...field.fields.map((named) =>
          this.row(named.name, named.field, isObject(item) ? item[named.name] : undefined, itemPath),
        ),
      );
    });
    const none = h('p', { class: 'empty' }, `None yet: add one under Connections.`);
    return h('div', { class: 'ways-field' }, h('h4', {}, label), ...(rows.length > 0 ? rows : [none]));
  }
}

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The buttons are disabled until the edit has its answer (the model that comes back shows the list anew). */
function whileSent(buttons: readonly HTMLButtonElement[], sent: Promise<void>): void {
  for (const button of buttons) button.disabled = true;
  void sent.finally(() => {
    for (const button of buttons) button.disabled = false;
  });
}

/** A value read back at a path the form made (`retry.attempts`, `branches[0].if`, `headers."X-A"`). */
function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const [, bare, quoted, index] of path.matchAll(
    /(?:^|\.)(?:([A-Za-z_][\w-]*)|("(?:[^"\\]|\\.)*"))|\[(\d+)\]/g,
  )) {
    const key = index === undefined ? (bare ?? (JSON.parse(quoted ?? '""') as string)) : Number(index);
    if (typeof key === 'number') value = Array.isArray(value) ? (value as unknown[])[key] : undefined;
    else value = isObject(value) ? value[key] : undefined;
  }
  return value;
}

/** A typed value: a number or true/false when it reads as one, else the text (a duration `5s`). */
function scalar(text: string, durationOnly: boolean): JsonValue {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!durationOnly && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return durationOnly ? trimmed : text;
}
