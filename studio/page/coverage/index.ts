import './coverage.css';
import type { CoverageCase, CoverageReport, Tally } from '../../protocol.js';
import type { App } from '../app.js';
import { h } from '../dom.js';

/** As `botflow test --coverage` rounds: down, so 99.9% is never shown as 100%. */
const percent = ({ reached, total }: Tally) =>
  total === 0 ? '100%' : `${Math.floor((100 * reached) / total)}%`;

const tally = (what: string, part: Tally) => `${what} ${part.reached}/${part.total} (${percent(part)})`;

/** The wording of `botflow test --coverage`, with the line first. */
const describeUnreached = ({ block, edge, line }: CoverageReport['unreached'][number]) =>
  edge === ''
    ? `line ${line}: block "${block}" is never reached`
    : `line ${line}: ${block} → ${edge} is never taken`;

/**
 * Coverage: runs the script's case files on the server (the runner of `botflow test`), lists the
 * outcome, and colours on the graph what the cases reached. A change of the script on disk makes
 * the colours stale, so they are taken off until the tests run again.
 */
export function mountCoverage(panel: HTMLElement, app: App): void {
  const { store } = app;
  const run = h('button', { type: 'button' }, 'Run tests');
  const clear = h('button', { type: 'button', disabled: true }, 'Clear');
  const status = h('p', { role: 'status', class: 'coverage-status' });
  const report = h('div', { class: 'coverage-report' });
  panel.append(h('div', { class: 'coverage-actions' }, run, clear), status, report);

  let shown: CoverageReport | undefined;
  let running = false;

  const colour = (marks: CoverageReport | undefined) => {
    store.update({
      coverage: marks && { blocks: new Set(marks.reached.blocks), edges: new Set(marks.reached.edges) },
    });
    clear.disabled = marks === undefined;
  };
  const stale = () =>
    shown !== undefined && (shown.stale === true || shown.revision !== store.state.model?.revision);
  // The cases run the file on disk: its errors count, not those of unsaved edits.
  const refresh = () => {
    const { saved, model } = store.state;
    const loads = saved?.loads === true;
    run.disabled = running || !loads;
    if (running) status.textContent = 'Running the cases…';
    else if (!loads) status.textContent = 'The saved script has errors; fix them and save to run the tests.';
    else if (model?.draft === true)
      status.textContent = 'The cases run the saved file: save to include your unsaved edits.';
    else if (stale()) status.textContent = 'Stale: the script changed since this run. Run the tests again.';
    else status.textContent = '';
  };

  run.addEventListener('click', () => {
    running = true;
    refresh();
    app.api
      .post<CoverageReport>('/api/coverage', {})
      .then((answer) => {
        shown = answer;
        report.replaceChildren(...render(answer, app));
        colour(stale() ? undefined : answer);
        running = false;
        refresh();
      })
      .catch((error: unknown) => {
        running = false;
        refresh();
        status.textContent = error instanceof Error ? error.message : String(error);
      });
  });
  clear.addEventListener('click', () => {
    colour(undefined);
  });
  store.subscribe((state, previous) => {
    if (state.model === previous.model && state.saved === previous.saved) return;
    // Colours of another version of the script would mark the wrong blocks.
    if (stale() && state.coverage !== undefined) colour(undefined);
    refresh();
  });
  refresh();
}

function render(report: CoverageReport, app: App): HTMLElement[] {
  const failing = report.cases.filter((test) => !test.passed);
  const problems = report.files.flatMap((file) => file.problems);
  return [
    h(
      'p',
      { class: 'coverage-counts' },
      `${tally('blocks', report.blocks)}, ${tally('branches', report.branches)}`,
    ),
    h('p', { class: 'coverage-results' }, `${report.passed} passed, ${report.failed} failed`),
    ...(report.files.length === 0
      ? [
          h(
            'p',
            {},
            'No case file: put <script>.cases.yaml beside the script, or start the studio with --cases FILE.',
          ),
        ]
      : []),
    ...section(
      'Case files not run',
      problems.map((problem) =>
        h('li', { class: 'error' }, `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`),
      ),
    ),
    ...section('Failing cases', failing.map(describeFailure)),
    ...section(
      'Cases',
      report.cases.map((test) => {
        const replay = h('button', { type: 'button', title: 'Replay in the simulator' }, test.name);
        replay.addEventListener('click', () => {
          app.replay({ file: test.file, name: test.name });
          app.show('Simulator');
        });
        const mark = test.passed ? '✓' : '✗';
        const outcome = test.passed ? 'passed' : 'failed';
        return h(
          'li',
          { class: outcome },
          h('span', { role: 'img', 'aria-label': outcome }, mark),
          ' ',
          replay,
        );
      }),
    ),
    ...section(
      'Not reached',
      report.unreached.map((item) => {
        const select = h('button', { type: 'button' }, describeUnreached(item));
        select.addEventListener('click', () => {
          app.select(item.block);
        });
        return h('li', {}, select);
      }),
    ),
  ];
}

/** A heading and its list, or nothing when the list is empty. */
function section(title: string, items: readonly HTMLElement[]): HTMLElement[] {
  if (items.length === 0) return [];
  return [h('h3', {}, title), h('ul', { 'aria-label': title }, ...items)];
}

function describeFailure(test: CoverageCase): HTMLElement {
  const { failure } = test;
  const where = failure ? `${test.file}:${failure.line}` : test.file;
  const step = failure?.step === undefined ? '' : `step ${failure.step}: `;
  return h(
    'li',
    { class: 'failure' },
    h('strong', {}, test.name),
    h('div', {}, h('code', {}, where), ` ${step}${failure?.message ?? ''}`),
    ...(failure?.expected === undefined ? [] : [h('div', {}, 'expected: ', h('code', {}, failure.expected))]),
    ...(failure?.got === undefined ? [] : [h('div', {}, 'got: ', h('code', {}, failure.got))]),
  );
}
