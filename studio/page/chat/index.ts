import './chat.css';
import type {
  SimulatorMessage,
  SimulatorSaved,
  SimulatorSent,
  SimulatorSetup,
  SimulatorStart,
  SimulatorStarted,
  SimulatorTurn,
  StudioCases,
} from '../../protocol.js';
import { ApiError } from '../api.js';
import type { App, CaseRef } from '../app.js';
import { h } from '../dom.js';

/** The three ways a conversation starts, with the label of the field that holds each. */
const START_KINDS = {
  param: 'Plain id',
  payload: 'Payload (JSON)',
  link: 'Invitation link',
} as const;
type StartKind = keyof typeof START_KINDS;

/** The value `select` sends for "the real service": no case's mocks. */
const REAL_SERVICE = '';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The simulator: a conversation with the real engine, run by the studio's server. The page only
 * shows turns; it marks the block the conversation stands in and the way it came on the graph.
 */
export function mountChat(panel: HTMLElement, app: App): { replay: (test: CaseRef) => void } {
  const kind = h('select', { id: 'sim-start-kind' });
  for (const [value, label] of Object.entries(START_KINDS)) kind.append(h('option', { value }, label));
  const startLabel = h('label', { for: 'sim-start-value' }, START_KINDS.param);
  const startValue = h('input', { id: 'sim-start-value', type: 'text', autocomplete: 'off' });
  const channel = h('select', { id: 'sim-channel' });
  const mocks = h('select', { id: 'sim-mocks' });
  const startButton = h('button', { type: 'submit' }, 'Start');
  const startForm = h(
    'form',
    { class: 'sim-start', 'aria-label': 'Start the conversation' },
    h('label', { for: 'sim-start-kind' }, 'Start from'),
    kind,
    startLabel,
    startValue,
    h('label', { for: 'sim-channel' }, 'Channel'),
    channel,
    h('label', { for: 'sim-mocks' }, 'Server Requests'),
    mocks,
    startButton,
  );
  const caseProblems = h('ul', { class: 'sim-case-problems', 'aria-label': 'Case files that do not load' });

  const log = h('ol', { class: 'sim-log', role: 'log', 'aria-label': 'Conversation' });
  const status = h('p', { class: 'sim-status', role: 'status' }, 'Not started.');
  const alert = h('p', { class: 'sim-error', role: 'alert' });
  const text = h('input', { type: 'text', 'aria-label': 'Message', autocomplete: 'off', disabled: true });
  const send = h('button', { type: 'submit', disabled: true }, 'Send');
  const sendForm = h('form', { class: 'sim-send' }, text, send);

  const variables = h('tbody');
  const table = h(
    'table',
    { class: 'sim-variables', 'aria-label': 'Variables' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Variable'), h('th', { scope: 'col' }, 'Value'))),
    variables,
  );

  const fileName = h('input', { id: 'sim-save-file', type: 'text', autocomplete: 'off' });
  const save = h('button', { type: 'submit', disabled: true }, 'Save as test case');
  const saved = h('p', { class: 'sim-saved', role: 'status' });
  // A refused save is said beside the button, not above a long conversation.
  const saveError = h('p', { class: 'sim-error', role: 'alert' });
  const saveForm = h(
    'form',
    { class: 'sim-save' },
    h('label', { for: 'sim-save-file' }, 'Case file name'),
    fileName,
    save,
    saved,
    saveError,
  );

  panel.append(
    startForm,
    caseProblems,
    alert,
    log,
    status,
    sendForm,
    h('h3', {}, 'Variables'),
    table,
    h('h3', {}, 'Save as test case'),
    saveForm,
  );

  /** The conversation shown: its session, the script revision it runs and the marks so far. */
  let session: string | undefined;
  let revision: number | undefined;
  let waiting = false;
  const visited = { blocks: new Set<string>(), edges: new Set<string>() };

  const setBusy = (busy: boolean) => {
    startButton.disabled = busy;
    text.disabled = busy || !waiting;
    send.disabled = busy || !waiting;
    save.disabled = busy || session === undefined;
    for (const button of log.querySelectorAll<HTMLButtonElement>('button'))
      button.disabled = busy || !waiting;
  };

  const fail = (error: unknown) => {
    alert.textContent = message(error);
    if (error instanceof ApiError && error.status === 404 && session !== undefined) {
      // The conversation is gone (the script changed, or newer ones pushed it out): only a restart helps.
      waiting = false;
      status.textContent = 'This conversation is gone; Restart to talk to the script as it is now.';
    }
  };

  const bubble = (who: 'bot' | 'user', said: SimulatorMessage | string) => {
    const item = h(
      'li',
      { class: `sim-${who}` },
      h('span', { class: 'sim-who' }, who === 'bot' ? 'bot' : 'you'),
    );
    if (typeof said === 'string') {
      item.append(h('p', {}, said));
    } else {
      item.append(h('p', {}, said.text));
      if (said.buttons.length > 0) {
        const row = h('div', { class: 'sim-buttons' });
        for (const label of said.buttons) {
          const button = h('button', { type: 'button' }, label);
          button.addEventListener('click', () => {
            void reply(label);
          });
          row.append(button);
        }
        item.append(row);
      }
    }
    log.append(item);
    item.scrollIntoView({ block: 'nearest' });
  };

  const show = (turn: SimulatorTurn) => {
    // Only the last message's buttons answer: older keyboards are history.
    for (const button of log.querySelectorAll<HTMLButtonElement>('.sim-buttons button')) button.remove();
    for (const said of turn.messages) bubble('bot', said);
    waiting = turn.status === 'waiting';
    const problems = turn.diagnostics.map((d) => `${d.severity}: ${d.message}`).join('; ');
    if (turn.status === 'waiting') status.textContent = `Waiting in ${turn.block}.`;
    else if (turn.status === 'ended')
      status.textContent = `Ended in ${turn.block}${turn.result === null ? '' : ` with result ${turn.result}`}.`;
    else status.textContent = `Failed in ${turn.block}: ${problems || 'the turn failed'}.`;
    if (turn.status !== 'error' && problems !== '') status.textContent += ` (${problems})`;
    variables.replaceChildren(
      ...Object.entries(turn.variables).map(([name, value]) =>
        h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, JSON.stringify(value))),
      ),
    );
    for (const block of turn.blocks) visited.blocks.add(block);
    for (const edge of turn.edges) visited.edges.add(edge);
    app.store.update({
      run: { at: turn.block, blocks: new Set(visited.blocks), edges: new Set(visited.edges) },
    });
  };

  /** Runs one call to the simulator with the form busy; a failure is shown, and answers false. */
  const busyWith = async (call: () => Promise<void>): Promise<boolean> => {
    alert.textContent = '';
    setBusy(true);
    try {
      await call();
      return true;
    } catch (error) {
      fail(error);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const begin = (body: { start?: SimulatorStart; channel?: string; case?: CaseRef }): Promise<boolean> => {
    saved.textContent = '';
    return busyWith(async () => {
      const started = await app.api.post<SimulatorStarted>('/api/chat/start', body);
      session = started.session;
      revision = app.store.state.model?.revision;
      log.replaceChildren();
      visited.blocks.clear();
      visited.edges.clear();
      startButton.textContent = 'Restart';
      show(started.turn);
    });
  };

  const reply = async (said: string): Promise<boolean> => {
    if (session === undefined || !waiting) return false;
    const current = session;
    return busyWith(async () => {
      const sent = await app.api.post<SimulatorSent>('/api/chat/send', { session: current, text: said });
      bubble('user', sent.said);
      show(sent.turn);
    });
  };

  /** The start the form describes, or a sentence saying what is wrong with it. */
  const formStart = (): SimulatorStart | string => {
    const value = startValue.value.trim();
    switch (kind.value as StartKind) {
      case 'link':
        return value === ''
          ? 'Paste an invitation link to start from, or start from a plain id.'
          : { link: value };
      case 'payload':
        try {
          return { payload: JSON.parse(value) as unknown };
        } catch {
          return 'The payload must be JSON, e.g. {"eId":"42","v":{"city":"Moscow"}}.';
        }
      default:
        return { param: value };
    }
  };

  kind.addEventListener('change', () => {
    startLabel.textContent = START_KINDS[kind.value as StartKind];
  });
  startForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const [file, name] = mocks.value === REAL_SERVICE ? [] : (JSON.parse(mocks.value) as [string, string]);
    // With a case's mocks and nothing typed, the conversation starts as the case does.
    const caseStart = file !== undefined && startValue.value.trim() === '';
    const start = caseStart ? undefined : formStart();
    if (typeof start === 'string') {
      alert.textContent = start;
      return;
    }
    void begin({
      ...(start !== undefined && { start }),
      ...(channel.value !== '' && { channel: channel.value }),
      ...(file !== undefined && name !== undefined && { case: { file, name } }),
    });
  });
  sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const said = text.value;
    if (said.trim() === '') return;
    void reply(said).then((sent) => {
      if (sent) text.value = '';
      text.focus();
    });
  });
  saveForm.addEventListener('submit', (event) => {
    event.preventDefault();
    saved.textContent = '';
    saveError.textContent = '';
    if (session === undefined) return;
    app.api
      .post<SimulatorSaved>('/api/chat/save', { session, file: fileName.value.trim() })
      .then((result) => {
        const warnings = result.warnings.length > 0 ? ` Warnings: ${result.warnings.join('; ')}` : '';
        saved.textContent = `Saved ${result.steps} steps to ${result.file}; botflow test replays it.${warnings}`;
      })
      .catch((error: unknown) => {
        saveError.textContent = message(error);
      });
  });

  app.store.subscribe((state, previous) => {
    if (state.model === previous.model) return;
    if (fileName.value === '' && state.model) {
      const script = state.model.file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
      fileName.value = `${script}.recorded.cases.yaml`;
    }
    if (session === undefined) return;
    if (state.model?.revision !== revision && waiting) {
      status.textContent = 'The script changed on disk; Restart to talk to the new version.';
    }
  });

  void Promise.all([app.api.get<SimulatorSetup>('/api/chat/setup'), app.api.get<StudioCases>('/api/cases')])
    .then(([setup, cases]) => {
      channel.append(h('option', { value: '' }, 'default (the link’s, else studio)'));
      for (const name of setup.channels) channel.append(h('option', { value: name }, name));
      channel.value = setup.channel ?? '';
      if ('payload' in setup.start) {
        kind.value = 'payload';
        startValue.value = JSON.stringify(setup.start.payload);
      } else if ('param' in setup.start) {
        startValue.value = setup.start.param;
      }
      startLabel.textContent = START_KINDS[kind.value as StartKind];
      mocks.append(h('option', { value: REAL_SERVICE }, 'the real service (--allow-host)'));
      for (const test of cases.cases) {
        mocks.append(
          h('option', { value: JSON.stringify([test.file, test.name]) }, `mocks of case: ${test.name}`),
        );
      }
      caseProblems.replaceChildren(
        ...cases.problems.map((problem) => h('li', {}, `${problem.file}: ${problem.message}`)),
      );
    })
    .catch(fail);

  return {
    replay: (test) => {
      app.show('Simulator');
      mocks.value = JSON.stringify([test.file, test.name]);
      const steps = fetchSteps(app, test);
      void begin({ case: test }).then(async (started) => {
        if (!started) return;
        const replies = await steps;
        for (const [index, step] of replies.entries()) {
          if (!waiting) {
            status.textContent += ` The case has ${replies.length - index} more replies, not sent.`;
            return;
          }
          if (!(await reply(step))) return;
        }
      });
    },
  };
}

/** The user's replies of a case, as the server reads its file. */
async function fetchSteps(app: App, test: CaseRef): Promise<readonly string[]> {
  const { cases } = await app.api.get<StudioCases>('/api/cases');
  return cases.find((c) => c.file === test.file && c.name === test.name)?.steps ?? [];
}
