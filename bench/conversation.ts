/**
 * One 10-block conversation, three ways: as a botflow script, as a hand-written xstate machine,
 * and as plain functions with a switch. Each turn restores the conversation from a MemoryStore,
 * runs it, and stores it again, so the three do the same work.
 */
import { assign, createActor, setup, type SnapshotFrom } from 'xstate';
import { createBot, MemoryStore, parseScript, type Bot } from '../engine/index.js';

export const SCRIPT = `
botflow: 1
name: bench
variables: { cl_data: "", firstName: "", lastName: "", age: 0, city: "", answer: 0 }
blocks:
  greet: { type: message, text: "Hello!", next: unpack }
  unpack:
    type: bpl
    split: { from: cl_data, into: [firstName, lastName, age] }
    set: { age: "toNumber(age)" }
    next: adult
  adult: { type: condition, branches: [{ if: "age >= 18", next: ask-city }], else: young }
  young: { type: end, result: young }
  ask-city: { type: ask, text: "Which city, {{ firstName }}?", save: city, next: ask-answer }
  ask-answer: { type: ask, text: "Rate us from 1 to 5", save: answer, expect: integer, next: check }
  check: { type: condition, branches: [{ if: "answer >= 4", next: thanks }], else: sorry }
  thanks: { type: message, text: "Thanks, {{ firstName }} from {{ city }}!", next: done }
  sorry: { type: message, text: "Sorry to hear that.", next: done }
  done: { type: end, result: ok }
`;

/** The link's data: {"v":{"cl_data":"John Smith 23"}}. */
export const START = 'eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19';
export const REPLIES = ['Moscow', '5'] as const;

export function botflowConversation(): { bot: Bot; store: MemoryStore; run: () => Promise<unknown> } {
  const store = new MemoryStore();
  const bot = createBot({ script: parseScript(SCRIPT, 'bench.yaml'), store });
  return {
    bot,
    store,
    run: async () => {
      await bot.start('k', { startParam: START, channel: 'bench' });
      for (const reply of REPLIES) await bot.send('k', reply);
    },
  };
}

interface Vars {
  cl_data: string;
  firstName: string;
  lastName: string;
  age: number;
  city: string;
  answer: number;
}

const decodeStart = (start: string) =>
  (JSON.parse(Buffer.from(start, 'base64url').toString('utf8')) as { v: { cl_data: string } }).v.cl_data;

/** The same flow as an xstate machine written by hand. */
const handMachine = setup({
  types: {
    context: {} as { vars: Vars; outbox: string[] },
    events: {} as { type: 'reply'; text: string },
    input: {} as { clData: string },
  },
  actions: {
    say: assign(({ context }, text: string) => ({ outbox: [...context.outbox, text] })),
  },
}).createMachine({
  initial: 'greet',
  context: ({ input }) => ({
    vars: { cl_data: input.clData, firstName: '', lastName: '', age: 0, city: '', answer: 0 },
    outbox: [],
  }),
  states: {
    greet: { entry: { type: 'say', params: 'Hello!' }, always: 'unpack' },
    unpack: {
      entry: assign(({ context }) => {
        const [firstName = '', lastName = '', age = ''] = context.vars.cl_data.trim().split(/\s+/);
        return { vars: { ...context.vars, firstName, lastName, age: Number(age) } };
      }),
      always: 'adult',
    },
    adult: {
      always: [{ guard: ({ context }) => context.vars.age >= 18, target: 'askCity' }, { target: 'young' }],
    },
    young: { type: 'final' },
    askCity: {
      entry: assign(({ context }) => ({
        outbox: [...context.outbox, `Which city, ${context.vars.firstName}?`],
      })),
      on: {
        reply: {
          target: 'askAnswer',
          actions: assign(({ context, event }) => ({ vars: { ...context.vars, city: event.text.trim() } })),
        },
      },
    },
    askAnswer: {
      entry: { type: 'say', params: 'Rate us from 1 to 5' },
      on: {
        reply: [
          {
            guard: ({ event }) => /^[+-]?\d+$/.test(event.text.trim()),
            target: 'check',
            actions: assign(({ context, event }) => ({
              vars: { ...context.vars, answer: Number(event.text.trim()) },
            })),
          },
          { actions: { type: 'say', params: 'Rate us from 1 to 5' } },
        ],
      },
    },
    check: {
      always: [{ guard: ({ context }) => context.vars.answer >= 4, target: 'thanks' }, { target: 'sorry' }],
    },
    thanks: {
      entry: assign(({ context }) => ({
        outbox: [...context.outbox, `Thanks, ${context.vars.firstName} from ${context.vars.city}!`],
      })),
      always: 'done',
    },
    sorry: { entry: { type: 'say', params: 'Sorry to hear that.' }, always: 'done' },
    done: { type: 'final' },
  },
});

type HandSnapshot = SnapshotFrom<typeof handMachine>;

/** The hand-written machine's persisted snapshot at its first ask, as stored. */
export function xstateSnapshotAtAsk(): string {
  const actor = createActor(handMachine, { input: { clData: decodeStart(START) } });
  actor.start();
  const snapshot = actor.getPersistedSnapshot() as HandSnapshot;
  actor.stop();
  return JSON.stringify({ ...snapshot, context: { ...snapshot.context, outbox: [] } });
}

export function xstateConversation(): { store: MemoryStore; run: () => Promise<unknown> } {
  const store = new MemoryStore();
  const persist = async (
    actor: ReturnType<typeof createActor<typeof handMachine>>,
    expected: number | undefined,
  ) => {
    const snapshot = actor.getPersistedSnapshot() as HandSnapshot;
    await store.put(
      'k',
      JSON.stringify({ ...snapshot, context: { ...snapshot.context, outbox: [] } }),
      expected,
    );
    actor.stop();
  };
  return {
    store,
    run: async () => {
      const existing = await store.get('k');
      const first = createActor(handMachine, { input: { clData: decodeStart(START) } });
      first.start();
      await persist(first, existing?.version);
      for (const reply of REPLIES) {
        const record = await store.get('k');
        if (!record) throw new Error('lost');
        const actor = createActor(handMachine, {
          snapshot: JSON.parse(record.data) as HandSnapshot,
          input: { clData: '' },
        });
        actor.start();
        actor.send({ type: 'reply', text: reply });
        await persist(actor, record.version);
      }
    },
  };
}

/** The same flow as plain functions and a switch: the floor. */
export function plainConversation(): { store: MemoryStore; run: () => Promise<unknown> } {
  const store = new MemoryStore();
  interface State {
    at: string;
    vars: Vars;
  }
  const runFrom = (state: State, outbox: string[]): State => {
    for (;;) {
      switch (state.at) {
        case 'greet':
          outbox.push('Hello!');
          state.at = 'unpack';
          break;
        case 'unpack': {
          const [firstName = '', lastName = '', age = ''] = state.vars.cl_data.trim().split(/\s+/);
          state.vars = { ...state.vars, firstName, lastName, age: Number(age) };
          state.at = state.vars.age >= 18 ? 'askCity' : 'young';
          break;
        }
        case 'askCity':
          outbox.push(`Which city, ${state.vars.firstName}?`);
          return state;
        case 'askAnswer':
          outbox.push('Rate us from 1 to 5');
          return state;
        case 'check':
          state.at = state.vars.answer >= 4 ? 'thanks' : 'sorry';
          break;
        case 'thanks':
          outbox.push(`Thanks, ${state.vars.firstName} from ${state.vars.city}!`);
          state.at = 'done';
          break;
        case 'sorry':
          outbox.push('Sorry to hear that.');
          state.at = 'done';
          break;
        default:
          return state;
      }
    }
  };
  const reply = (state: State, text: string, outbox: string[]): State => {
    if (state.at === 'askCity')
      return runFrom({ at: 'askAnswer', vars: { ...state.vars, city: text.trim() } }, outbox);
    if (!/^[+-]?\d+$/.test(text.trim())) return runFrom(state, outbox);
    return runFrom({ at: 'check', vars: { ...state.vars, answer: Number(text.trim()) } }, outbox);
  };
  return {
    store,
    run: async () => {
      const existing = await store.get('k');
      const vars: Vars = {
        cl_data: decodeStart(START),
        firstName: '',
        lastName: '',
        age: 0,
        city: '',
        answer: 0,
      };
      await store.put('k', JSON.stringify(runFrom({ at: 'greet', vars }, [])), existing?.version);
      for (const text of REPLIES) {
        const record = await store.get('k');
        if (!record) throw new Error('lost');
        await store.put(
          'k',
          JSON.stringify(reply(JSON.parse(record.data) as State, text, [])),
          record.version,
        );
      }
    },
  };
}
