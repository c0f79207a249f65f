import './panel.css';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import type { StudioEdge, StudioModel, StudioNode } from '../../protocol.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import { lookOf } from '../graph/look.js';
import { shownId } from '../graph/render.js';
import { problemItem } from './problems.js';

/** The selected node: its YAML with the file's own line numbers, and what it does. */
export function mountBlockPanel(panel: HTMLElement, app: App): void {
  const empty = h('p', { class: 'empty' }, 'Select a block on the graph to see its YAML and its ways out.');
  const heading = h('h2', {});
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

  let shown: { model: StudioModel; node: StudioNode } | undefined;
  app.store.subscribe((state) => {
    const node = state.model?.nodes.find((n) => n.id === state.selected);
    if (!node || !state.model) {
      shown = undefined;
      panel.replaceChildren(empty);
      return;
    }
    if (shown?.model === state.model && shown.node === node) return;
    shown = { model: state.model, node };
    heading.replaceChildren(h('span', { class: `chip look-${lookOf(node).name}` }), shownId(node));
    details.replaceChildren(...describe(state.model, node, app));
    const blockText = node.firstLine > 0 ? linesOf(state.model.text, node.firstLine, node.lastLine) : '';
    source.dispatch({
      changes: { from: 0, to: source.state.doc.length, insert: blockText },
      effects: numbering.reconfigure(
        lineNumbers({ formatNumber: (line) => String(line + node.firstLine - 1) }),
      ),
    });
    panel.replaceChildren(heading, ...(blockText === '' ? [] : [yamlView]), details);
  });
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
