import './panel.css';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import type { EditOperation, StudioEdge, StudioModel, StudioNode, WayKind } from '../../protocol.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import { BLOCK_ID_FIELD } from '../graph/index.js';
import { lookOf } from '../graph/look.js';
import { renamedPins, withPin } from '../graph/pins.js';
import { addWords, isEntry, portsOf, wayName } from '../graph/ports.js';
import { shownId } from '../graph/render.js';
import { isObject, pathKey, SchemaForm, type FormSubject } from './form.js';
import { problemItem } from './problems.js';
import type { JsonSchema } from '../json-schema.js';
import { blockFields, blockSchema, scriptFields, type Named } from './schema.js';

const BLOCK_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ID_LIMIT = 64;
/** Outcomes a request can route on, offered when one is added (any status code works too). */
const OUTCOMES = [
  'success',
  'error',
  'timeout',
  'network',
  'limit',
  '4xx',
  '5xx',
  '400',
  '401',
  '403',
  '404',
  '409',
  '422',
  '429',
  '500',
  '503',
];

/**
 * The selected node: its id (rename, delete, unpin), its fields as a form generated from its
 * type's schema, its connections with a target picker per way out (the keyboard's way to connect),
 * its YAML with the file's own line numbers, its ways out and in, and its problems.
 */
export function mountBlockPanel(panel: HTMLElement, app: App): void {
  const empty = h('p', { class: 'empty' }, 'Select a block on the graph to see and edit it.');
  const heading = h('h2', {});
  const identity = h('section', { class: 'identity', 'aria-label': 'Block' });
  const fieldsSection = h('section', { class: 'fields', 'aria-label': 'Fields' });
  const connections = h('section', { class: 'connections', 'aria-label': 'Connections' });
  const details = h('div', { class: 'details' });
  const numbering = new Compartment();
  const source = new EditorView({
    state: EditorState.create({
      extensions: [
        numbering.of(lineNumbers()),
        yaml(),
        syntaxHighlighting(defaultHighlightStyle),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'Block YAML' }),
      ],
    }),
  });
  const yamlView = h('section', { class: 'yaml', 'aria-label': 'YAML' }, source.dom);
  panel.append(empty);

  let schema: JsonSchema | undefined;
  const form = formSlot(app, fieldsSection, h('h3', {}, 'Fields'), 'Fields');
  const rename = renameField(app);
  const script = scriptPanel(app, empty);
  let shown: { model: StudioModel; node: StudioNode; pinned: boolean } | undefined;

  const render = () => {
    const { model, selected, pins } = app.store.state;
    const node = model?.nodes.find((n) => n.id === selected);
    if (!node || !model) {
      shown = undefined;
      form.clear();
      if (model && schema) script.show(panel, model, schema);
      else panel.replaceChildren(empty);
      return;
    }
    const pinned = pins[node.id] !== undefined;
    if (shown?.model === model && shown.node === node && shown.pinned === pinned) return;
    const sameNode = shown?.node.id === node.id;
    shown = { model, node, pinned };
    heading.replaceChildren(h('span', { class: `chip look-${lookOf(node).name}` }), shownId(node));
    identity.replaceChildren(...(node.kind === 'block' ? rename.show(node, model, pinned) : []));
    const typeSchema = schema && node.kind === 'block' ? blockSchema(schema, node.type) : undefined;
    if (typeSchema && schema) {
      form.show(blockSubject(node), blockFields(schema, typeSchema), model);
    } else {
      form.clear();
      fieldsSection.replaceChildren();
    }
    keepFocus(connections, () => {
      connections.replaceChildren(...connect(model, node, app));
    });
    details.replaceChildren(...describe(model, node, app));
    const blockText = node.firstLine > 0 ? linesOf(model.text, node.firstLine, node.lastLine) : '';
    source.dispatch({
      changes: { from: 0, to: source.state.doc.length, insert: blockText },
      effects: numbering.reconfigure(
        lineNumbers({ formatNumber: (line) => String(line + node.firstLine - 1) }),
      ),
    });
    if (!sameNode || panel.firstChild === empty) {
      panel.replaceChildren(
        heading,
        identity,
        fieldsSection,
        connections,
        ...(blockText === '' ? [] : [yamlView]),
        details,
      );
    } else if (blockText === '' && yamlView.isConnected) yamlView.remove();
    else if (blockText !== '' && !yamlView.isConnected) connections.after(yamlView);
  };
  app.store.subscribe(render);
  // Without the schema the tab still shows the block, its connections and its YAML.
  void app.api
    .schema()
    .then((value) => {
      schema = value;
      shown = undefined;
      render();
    })
    .catch(() => undefined);
}

function blockSubject(node: StudioNode): FormSubject {
  return {
    key: node.id,
    data: isObject(node.data) ? node.data : {},
    ports: node.ports,
    path: pathKey('blocks', node.id),
    set: (path, value) => ({ kind: 'set-field', block: node.id, path, value }),
  };
}

/**
 * With no block selected, the tab shows the script itself: its name, description and variables
 * in a form like a block's, so a script can be started and declared without typing YAML.
 */
function scriptPanel(
  app: App,
  hint: HTMLElement,
): { show(panel: HTMLElement, model: StudioModel, schema: JsonSchema): void } {
  const section = h('section', { class: 'fields script', 'aria-label': 'Script' });
  let fields: Named[] | undefined;
  const form = formSlot(app, section, h('h2', {}, 'Script'), 'Script');
  return {
    show: (panel, model, schema) => {
      fields ??= scriptFields(schema);
      const subject: FormSubject = {
        key: '',
        data: model.header,
        ports: [],
        path: '',
        set: (path, value) => ({ kind: 'set-script-field', path, value }),
      };
      form.show(subject, fields, model);
      if (panel.firstChild !== hint || !section.isConnected) panel.replaceChildren(hint, section);
    },
  };
}

/**
 * A form in its section, kept from one model to the next: made again (keeping the designer's place
 * in it) only when its shape changes, otherwise refilled.
 */
function formSlot(
  app: App,
  section: HTMLElement,
  heading: HTMLElement,
  label: string,
): {
  show(subject: FormSubject, fields: readonly Named[], model: StudioModel): void;
  clear(): void;
} {
  let current: { form: SchemaForm; shape: string } | undefined;
  return {
    show: (subject, fields, model) => {
      const shape = SchemaForm.shape(subject, fields);
      if (current?.shape !== shape) {
        keepFocus(section, () => {
          current = { form: new SchemaForm(app, subject, fields, label), shape };
          section.replaceChildren(heading, current.form.element);
        });
      }
      current?.form.update(subject, model);
    },
    clear: () => {
      current = undefined;
    },
  };
}

/** The id field (rename as you type: the new id is checked at once, written on Enter) and the block's buttons. */
function renameField(app: App): {
  show(node: StudioNode, model: StudioModel, pinned: boolean): HTMLElement[];
} {
  const input = h('input', {
    id: BLOCK_ID_FIELD,
    type: 'text',
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': `${BLOCK_ID_FIELD}-note`,
  });
  const note = h('p', { class: 'field-note', id: `${BLOCK_ID_FIELD}-note`, 'aria-live': 'polite' });
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete block');
  const unpin = h(
    'button',
    { type: 'button', title: 'Let the automatic layout place this block again' },
    'Unpin',
  );
  let current: { node: StudioNode; model: StudioModel } | undefined;

  const problem = (id: string): string | undefined => {
    if (!current || id === current.node.id) return undefined;
    if (id === '') return 'A block needs an id.';
    if (id.length > ID_LIMIT) return `An id is at most ${ID_LIMIT} characters.`;
    if (!/^[A-Za-z]/.test(id)) return 'An id starts with a letter.';
    if (!BLOCK_ID.test(id)) return 'An id is letters, digits, _ and -, starting with a letter.';
    if (current.model.nodes.some((n) => n.kind === 'block' && n.id === id))
      return `“${id}” is the id of another block.`;
    return undefined;
  };
  const check = () => {
    const wrong = problem(input.value);
    note.textContent = wrong ?? '';
    input.setAttribute('aria-invalid', String(wrong !== undefined));
    return wrong === undefined;
  };
  const backToCanvas = (id: string) => {
    document
      .querySelector<SVGGElement>(`.canvas g.node[data-id="${CSS.escape(id)}"]`)
      ?.focus({ preventScroll: true });
  };
  let renaming = false;
  const commit = async () => {
    if (!current || renaming || !check() || input.value === current.node.id) return;
    const from = current.node.id;
    const to = input.value;
    renaming = true;
    try {
      const result = await app.edit({ kind: 'rename-block', id: from, to });
      if (!result.ok) {
        note.textContent = result.message;
        return;
      }
      app.store.update({ pins: renamedPins(app.store.state.pins, from, to) });
      app.select(result.focus ?? to);
    } finally {
      renaming = false;
    }
  };
  input.addEventListener('input', check);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      const id = input.value;
      void commit().then(() => {
        if (app.store.state.selected === id) backToCanvas(id);
      });
    } else if (event.key === 'Escape' && current) {
      event.preventDefault();
      input.value = current.node.id;
      check();
      backToCanvas(current.node.id);
    }
  });
  input.addEventListener('change', () => void commit());
  remove.addEventListener('click', () => {
    if (!current) return;
    const { id } = current.node;
    void app.edit({ kind: 'delete-block', id }).then((result) => {
      if (!result.ok) {
        note.textContent = result.message;
        return;
      }
      if (app.store.state.pins[id] !== undefined)
        app.store.update({ pins: withPin(app.store.state.pins, id, undefined) });
      app.select(undefined);
    });
  });
  unpin.addEventListener('click', () => {
    if (current) app.store.update({ pins: withPin(app.store.state.pins, current.node.id, undefined) });
  });
  const label = h('label', { for: BLOCK_ID_FIELD }, 'Id');
  return {
    show: (node, model, pinned) => {
      const other = current?.node.id !== node.id;
      current = { node, model };
      if (other || document.activeElement !== input) {
        input.value = node.id;
        check();
      }
      unpin.hidden = !pinned;
      return [
        h('div', { class: 'field' }, label, input, note),
        h('div', { class: 'buttons' }, remove, unpin),
      ];
    },
  };
}

/** A select of the block ids per way out: the keyboard's way to connect, reconnect and disconnect. */
function connect(model: StudioModel, node: StudioNode, app: App): HTMLElement[] {
  if (node.kind !== 'block' && !isEntry(node)) return [];
  const blocks = model.nodes.filter((n) => n.kind === 'block').map((n) => n.id);
  const rows = portsOf(node, model).flatMap((spot) => {
    if (spot.kind !== 'way') return [];
    const name = wayName(spot.path, spot.label);
    const select = h(
      'select',
      { 'aria-label': `Target of ${name}`, 'data-key': `target ${spot.path}` },
      ...(node.kind === 'start' ? [] : [h('option', { value: '' }, '— none —')]),
      ...(spot.target !== undefined && !blocks.includes(spot.target)
        ? [h('option', { value: spot.target }, `${spot.target} (missing)`)]
        : []),
      ...blocks.map((id) => h('option', { value: id }, id)),
    );
    select.value = spot.target ?? '';
    select.addEventListener('change', () => {
      const to = select.value === '' ? undefined : select.value;
      const operation: EditOperation = isEntry(node)
        ? { kind: 'set-entry', entry: node.kind, to }
        : to === undefined
          ? { kind: 'disconnect', block: node.id, port: spot.path }
          : { kind: 'connect', block: node.id, port: spot.path, to };
      void app.edit(operation);
    });
    const port = node.ports.find((p) => p.path === spot.path);
    const remove = h(
      'button',
      { type: 'button', class: 'remove', 'aria-label': `Remove ${name}`, 'data-key': `remove ${spot.path}` },
      '×',
    );
    remove.addEventListener('click', () => {
      void app.edit({ kind: 'remove-way', block: node.id, port: spot.path });
    });
    return [
      h('li', {}, h('code', { title: spot.path }, name), ' → ', select, ...(port?.removable ? [remove] : [])),
    ];
  });
  const adds = node.adds.map((way) => addWay(app, node, way));
  // A block with no way out (an end) has no connections to show.
  if (rows.length === 0 && adds.length === 0) return [];
  return [
    h('h3', {}, 'Connections'),
    h('ul', { class: 'ways connections-list', 'aria-label': 'Connections' }, ...rows),
    ...(adds.length > 0 ? [h('div', { class: 'buttons' }, ...adds)] : []),
  ];
}

function addWay(app: App, node: StudioNode, way: WayKind): HTMLElement {
  const button = h('button', { type: 'button', 'data-key': `add ${way}` }, `Add ${addWords(way)}`);
  if (way !== 'outcome') {
    button.addEventListener('click', () => void app.edit({ kind: 'add-way', block: node.id, way }));
    return button;
  }
  const taken = new Set(node.ports.map((port) => port.label));
  const listId = `outcomes-${way}`;
  const name = h('input', {
    type: 'text',
    list: listId,
    placeholder: 'success, 404, 5xx…',
    'aria-label': 'Outcome to add',
    'data-key': 'add outcome name',
    spellcheck: 'false',
  });
  const add = () => {
    const outcome = name.value.trim();
    void app.edit({ kind: 'add-way', block: node.id, way, ...(outcome !== '' && { name: outcome }) });
  };
  button.addEventListener('click', add);
  name.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  });
  return h(
    'span',
    { class: 'add-outcome' },
    name,
    h(
      'datalist',
      { id: listId },
      ...OUTCOMES.filter((o) => !taken.has(o)).map((o) => h('option', { value: o })),
    ),
    button,
  );
}

/** Rebuilds a part of the panel without losing the designer's place in it (the field they are in). */
function keepFocus(container: HTMLElement, rebuild: () => void): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.key : undefined;
  const typing =
    active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : undefined;
  const kept = typing && { value: typing.value, start: typing.selectionStart, end: typing.selectionEnd };
  rebuild();
  if (key === undefined) return;
  const again = container.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  again?.focus();
  if (kept && (again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) {
    again.value = kept.value;
    // A number field has no selection to put back.
    if (kept.start !== null) again.setSelectionRange(kept.start, kept.end);
  }
}

function linesOf(text: string, first: number, last: number): string {
  return text
    .split('\n')
    .slice(first - 1, last)
    .join('\n');
}

/** The node's facts: its type, what it writes, where it leads and comes from, its problems. */
function describe(model: StudioModel, node: StudioNode, app: App): HTMLElement[] {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const link = (id: string) => {
    const target = byId.get(id);
    const button = h(
      'button',
      { type: 'button', class: 'link' },
      target ? shownId(target) : id,
      ...(target?.kind === 'missing' ? [' (missing)'] : []),
    );
    button.addEventListener('click', () => {
      app.select(id);
    });
    return button;
  };
  const facts = h('dl', {});
  const fact = (term: string, ...value: (Node | string)[]) => {
    facts.append(h('dt', {}, term), h('dd', {}, ...value));
  };
  fact('Type', lookOf(node).title);
  if (node.kind === 'block') {
    fact('Lines', `${node.firstLine}–${node.lastLine}`);
    if (!node.reachable) fact('Reachable', 'no: no way from the start or on_error leads here');
  }
  if (node.kind === 'missing') fact('Missing', `the script has no block “${node.summary}”`);
  if (node.writes.length > 0) fact('Writes', node.writes.join(', '));
  const sections: HTMLElement[] = [facts];

  // A long edge ends at a "go to" pill: its way out and in is the block the pill stands for.
  const end = (id: string) => byId.get(id)?.goesTo ?? id;
  const out = model.edges.filter((edge) => edge.from === node.id);
  if (out.length > 0) {
    sections.push(
      h('h3', {}, 'Ways out'),
      h(
        'ul',
        { class: 'ways', 'aria-label': 'Ways out' },
        ...out.map((edge) => h('li', {}, h('code', {}, edge.label || edge.path), ' → ', link(end(edge.to)))),
      ),
    );
  }
  const into = model.edges.filter((edge) => end(edge.to) === node.id);
  // The start and on_error markers name themselves; a block's way in says which of its ways it is.
  const wayIn = (edge: StudioEdge) =>
    byId.get(edge.from)?.kind === 'block' ? [' ', h('code', {}, edge.label || edge.path)] : [];
  if (into.length > 0) {
    sections.push(
      h('h3', {}, 'Ways in'),
      h(
        'ul',
        { class: 'ways', 'aria-label': 'Ways in' },
        ...into.map((edge) => h('li', {}, link(edge.from), ...wayIn(edge))),
      ),
    );
  }
  if (node.problems.length > 0) {
    sections.push(
      h('h3', {}, 'Problems'),
      h(
        'ul',
        { class: 'problems', 'aria-label': 'Problems of this block' },
        ...node.problems.flatMap((index) => {
          const problem = model.problems[index];
          return problem ? [h('li', { class: problem.severity }, ...problemItem(problem))] : [];
        }),
      ),
    );
  }
  return sections;
}
