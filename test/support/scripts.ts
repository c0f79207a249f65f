import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkScript,
  createBot,
  createHttpClient,
  editScript,
  formatProblem,
  parseScript,
  type Bot,
  type BotOptions,
  type EditOperation,
  type HttpOptions,
  type Script,
  type Turn,
} from '../../engine/index.js';
import { ROOT } from './cli.js';

/*
 * Scripts written in tests. A name says what it returns: `yaml`, `scriptYaml` and `applied` give
 * YAML text, `scriptOf` a loaded Script, `botOf` and `localHttpBotOf` a Bot.
 */

/** The text after `operations`, applied one after another as the studio's server applies them; a refusal throws. */
export function applied(text: string, operations: readonly EditOperation[]): string {
  return operations.reduce((current, operation) => {
    const result = editScript(current, operation);
    if (!result.ok) throw new Error(`${operation.kind} refused: ${result.message}`);
    return result.text;
  }, text);
}

/**
 * YAML written inline: the text is taken raw (backslashes stay as a file would have them) and its
 * common indentation is removed, so a test can indent it with the code around it.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings.raw }, ...values);
  const lines = text
    .replace(/^\n/, '')
    .replace(/\n\s*$/, '\n')
    .split('\n');
  const indent = Math.min(
    ...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return lines.map((line) => line.slice(indent)).join('\n');
}

/**
 * The YAML of a minimal script around the given blocks (indented under `blocks:`), with optional
 * top-level lines. Unless `top` has an `env:` of its own, the script declares every `env.NAME` its
 * blocks read, as a script must.
 */
export function scriptYaml(blocks: string, top = ''): string {
  const names = [...new Set(Array.from(blocks.matchAll(/\benv\.([A-Za-z_]\w*)/g), ([, name]) => name))];
  const env = names.length === 0 || /^env:/m.test(top) ? '' : `env: [${names.join(', ')}]\n`;
  return `botflow: 1\nname: t\n${env}${top}blocks:\n${blocks}`;
}

let counter = 0;

/** A loaded script from inline YAML; each gets its own file name. */
export function scriptOf(text: string, file = `inline-${++counter}.yaml`): Script {
  return parseScript(text, file);
}

/** A script's problems as `line:col: severity: message (hint)` lines, file name left out. */
export function problems(text: string): string[] {
  return checkScript(text, 's.yaml').problems.map((p) => formatProblem(p).replace(/^s\.yaml:/, ''));
}

/** A bot over an inline script. */
export function botOf(text: string, options: Omit<BotOptions, 'script'> = {}): Bot {
  return createBot({ script: scriptOf(text), ...options });
}

/**
 * A bot over an inline script whose Server Requests go out through a real HTTP client allowed to
 * reach 127.0.0.1 (where the tests' servers listen), with a fixed retry jitter.
 */
export function localHttpBotOf(
  text: string,
  options: Omit<BotOptions, 'script' | 'http'> & { http?: HttpOptions } = {},
): Bot {
  const { http, env = {}, ...rest } = options;
  return botOf(text, {
    env,
    http: createHttpClient({ allowHosts: ['127.0.0.1'], random: () => 0.5, ...http }),
    ...rest,
  });
}

/** Asks again and again, appending each reply to `log`: a lost, doubled or reordered turn shows in it. */
export const COLLECTOR = yaml`
  botflow: 1
  name: collector
  variables: { log: '' }
  blocks:
    next-item: { type: ask, text: 'Next?', save: item, next: append }
    append: { type: bpl, set: { log: "log || item || ','" }, next: next-item }
`;

/**
 * A script with what a messenger must render: a message, an ask with two buttons (one label too
 * long for Messenger's 20 and VK's 40 characters), a condition and two ends. Its greeting shows
 * whichever variable the link's payload seeded.
 */
export const DEMO_SCRIPT = yaml`
  botflow: 1
  name: webhook-demo
  variables:
    city: ''
  blocks:
    greet:
      type: message
      text: 'Hello! We know you as {{ email }}{{ phone }}{{ clientExternalId }}{{ city }}.'
      next: pick
    pick:
      type: ask
      text: What can we do for you?
      save: topic
      choices:
        - { label: Track my order, value: track }
        - { label: Talk to a person about a very important matter, value: person }
      next: route
    route:
      type: condition
      branches:
        - if: "topic == 'track'"
          next: tracked
      else: handover
    tracked: { type: end, text: Your order is on its way., result: tracked }
    handover: { type: end, text: A person will answer you soon., result: handover }
`;

/** The system variables of a conversation that nothing seeded (docs/script-language.md). */
export const SYSTEM = {
  clientExternalId: '',
  phone: '',
  email: '',
  channel: '',
  startParam: '',
  linkVerified: false,
  lastMessage: '',
  response: '',
} as const;

/** `count` variables named v0, v1, … each holding `value`. */
export function manyVariables(count: number, value = 'x'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, value]));
}

/** The texts of a turn's messages (undefined for no turn, so that a comparison fails). */
export function texts(turn: Turn | undefined): string[] | undefined {
  return turn?.messages.map((message) => message.text);
}

/** The YAML text of a sample script under scripts/. */
export function sampleYaml(name: string): Promise<string> {
  return readFile(join(ROOT, 'scripts', name), 'utf8');
}

/** The trial's typo: `{{ lastNmae }}` renders empty, a warning unless in strict mode (line 5, column 26). */
/** A size (a choice, one with a value and one without), then an email: the HTTP API v1 answers' script. */
export const SIZES = yaml`
  botflow: 1
  name: sizes
  variables: { size: '', contact: '' }
  blocks:
    size:
      type: ask
      text: 'Pick a size'
      save: size
      choices:
        - { label: Small, value: S }
        - { label: Large }
      next: email
    email:
      type: ask
      text: 'Your email?'
      save: contact
      expect: email
      next: done
    done: { type: end, text: 'Thanks, {{ size }}', result: ordered }
`;

export const TYPO_SCRIPT = yaml`
  botflow: 1
  name: typo
  variables: { lastName: Smith }
  blocks:
    hi: { type: end, text: 'Hello {{ lastNmae }}' }
`;

/** A choice, a condition on it and two ends: the funnel's tests count its blocks and branches. */
export const SIGN_UP = yaml`
  botflow: 1
  name: sign-up
  variables: { plan: '' }
  blocks:
    pick:
      type: ask
      text: 'Which plan?'
      save: plan
      choices:
        - { label: Basic, value: basic }
        - { label: Pro, value: pro }
      next: route
    route:
      type: condition
      branches:
        - if: "plan == 'pro'"
          next: pro
      else: basic
    pro: { type: end, text: 'Pro it is.', result: pro }
    basic: { type: end, text: 'Basic it is.', result: basic }
`;
