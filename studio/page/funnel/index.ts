import './funnel.css';
import {
  NO_STORE_HINT,
  type FunnelBlockCounts,
  type FunnelSetup,
  type StudioFunnel,
} from '../../protocol.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import { DROP_OFF_SCALE, dropOffClass } from '../graph/funnel.js';
import type { FunnelMarks } from '../store.js';

const percent = (dropOff: number | null) => (dropOff === null ? '—' : `${dropOff}%`);

/** The counts the graph shows: each block's, and each edge's by its id (`block path`). */
function marksOf(funnel: StudioFunnel): FunnelMarks {
  return {
    blocks: new Map(funnel.blocks.map((block) => [block.id, block])),
    edges: new Map(
      funnel.blocks.flatMap((block) => block.edges.map(({ edge, taken }) => [`${block.id} ${edge}`, taken])),
    ),
  };
}

/**
 * The funnel: reads the session store `--store` named (on Refresh: a read lists every
 * conversation), lists each block's counts, and lays them over the graph. A change of the script
 * on disk makes the counts stale, so they are taken off the graph until the next Refresh.
 */
export function mountFunnel(panel: HTMLElement, app: App): void {
  const { store } = app;
  const refresh = h('button', { type: 'button', disabled: true }, 'Refresh');
  const clear = h('button', { type: 'button', disabled: true }, 'Clear');
  const status = h('p', { role: 'status', class: 'funnel-status' });
  const report = h('div', { class: 'funnel-report' });
  panel.append(h('div', { class: 'funnel-actions' }, refresh, clear), status, report);

  /** The store's name once the server told it; null: the studio has none. */
  let where: string | null | undefined;
  let shown: StudioFunnel | undefined;
  let reading = false;
  let failure: string | undefined;

  const overlay = (funnel: StudioFunnel | undefined) => {
    store.update({ funnel: funnel && marksOf(funnel) });
    clear.disabled = funnel === undefined;
  };
  const stale = () => shown !== undefined && shown.revision !== store.state.model?.revision;
  const say = () => {
    const loads = store.state.saved?.loads === true;
    refresh.disabled = reading || !loads || typeof where !== 'string';
    if (where === null) status.textContent = NO_STORE_HINT;
    else if (where === undefined) status.textContent = '';
    else if (reading) status.textContent = `Reading ${where}…`;
    else if (failure !== undefined) status.textContent = failure;
    else if (!loads) status.textContent = 'The saved script has errors; fix them and save to see the funnel.';
    else if (stale())
      status.textContent = 'Stale: the script changed since this read. Refresh to read again.';
    else if (shown === undefined)
      status.textContent = `Press Refresh to count the conversations in ${where}.`;
    else status.textContent = `Counted from ${where}.`;
  };

  refresh.addEventListener('click', () => {
    reading = true;
    failure = undefined;
    say();
    app.api
      .get<StudioFunnel>('/api/funnel')
      .then((answer) => {
        shown = answer;
        report.replaceChildren(...render(answer, app));
        overlay(stale() ? undefined : answer);
      })
      .catch((error: unknown) => {
        failure = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        reading = false;
        say();
      });
  });
  clear.addEventListener('click', () => {
    overlay(undefined);
  });
  store.subscribe((state, previous) => {
    if (state.model === previous.model && state.saved === previous.saved) return;
    // Counts laid over another version of the script would mark the wrong blocks.
    if (stale() && state.funnel !== undefined) overlay(undefined);
    say();
  });
  void app.api
    .get<FunnelSetup>('/api/funnel/setup')
    .then((setup) => {
      where = setup.store;
    })
    .catch((error: unknown) => {
      failure = error instanceof Error ? error.message : String(error);
    })
    .finally(say);
  say();
}

function render(funnel: StudioFunnel, app: App): HTMLElement[] {
  const { waiting, ended, error } = funnel.stopped;
  return [
    h(
      'p',
      { class: 'funnel-totals' },
      `${funnel.conversations} conversation${funnel.conversations === 1 ? '' : 's'}: ${waiting} waiting, ${ended} ended, ${error} error`,
    ),
    legend(),
    table('Blocks', funnel.blocks, app),
    ...(funnel.retired.length === 0
      ? []
      : [
          h('h3', {}, 'No longer in the script'),
          h('p', { class: 'funnel-note' }, 'Counted under an earlier version of the script.'),
          table('No longer in the script', funnel.retired, undefined),
        ]),
  ];
}

/** The blocks' counts; a block of the script is a button that selects it on the graph. */
function table(label: string, blocks: readonly FunnelBlockCounts[], app: App | undefined): HTMLElement {
  const header = ['block', 'entered', 'waiting', 'ended', 'error', 'drop-off'];
  return h(
    'table',
    { class: 'funnel-blocks', 'aria-label': label },
    h('colgroup', {}, h('col', { class: 'block' })),
    h('thead', {}, h('tr', {}, ...header.map((name) => h('th', { scope: 'col' }, name)))),
    h(
      'tbody',
      {},
      ...blocks.map((block) => {
        const name = app ? selectButton(app, block.id) : h('span', {}, block.id);
        const ways = block.edges.map(({ edge, target, taken }) =>
          target === null ? `${edge}: ${taken}` : `${edge} → ${target}: ${taken}`,
        );
        return h(
          'tr',
          { 'data-block': block.id },
          h(
            'th',
            { scope: 'row' },
            name,
            ...(ways.length === 0
              ? []
              : [h('ul', { class: 'funnel-ways' }, ...ways.map((way) => h('li', {}, way)))]),
          ),
          h('td', {}, String(block.entered)),
          h('td', {}, String(block.stopped.waiting)),
          h('td', {}, String(block.stopped.ended)),
          h('td', {}, String(block.stopped.error)),
          h('td', {}, h('span', { class: `drop ${dropOffClass(block.dropOff)}` }, percent(block.dropOff))),
        );
      }),
    ),
  );
}

function selectButton(app: App, id: string): HTMLButtonElement {
  const button = h('button', { type: 'button' }, id);
  button.addEventListener('click', () => {
    app.select(id);
  });
  return button;
}

function legend(): HTMLElement {
  return h(
    'p',
    { class: 'funnel-legend' },
    'Drop-off: the share of entries that stopped at the block, waiting or failed. ',
    ...DROP_OFF_SCALE.map(({ name, words }) => h('span', { class: `drop drop-${name}` }, words)),
    h('span', { class: `drop ${dropOffClass(null)}` }, 'never entered'),
  );
}
