import './links.css';
import type { DecodeAnswer, LinkAnswer, LinkMeasure, LinkRequest } from '../../protocol.js';
import { ApiError, type Api } from '../api.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import { download, qrCode, qrPng, qrSvg } from './qr.js';

/** The six messengers, in `botflow link`'s order, with what each calls the name a link opens. */
const CHANNELS = [
  { name: 'telegram', label: 'Telegram', hint: 'The bot’s username, ending in “bot” (MyCoolBot).' },
  { name: 'facebook', label: 'Facebook Messenger', hint: 'The page’s username or id (MyShopPage).' },
  { name: 'instagram', label: 'Instagram', hint: 'The account’s username (my.shop).' },
  { name: 'viber', label: 'Viber', hint: 'The public account’s chat URI (exampleBot).' },
  { name: 'vk', label: 'VK', hint: 'The community’s short name or id (club123456).' },
  { name: 'whatsapp', label: 'WhatsApp', hint: 'The phone number in international form (+79000000000).' },
] as const;

/** What the short keys of a payload hold, for the costliest field's line. */
const FIELD_NAMES: Readonly<Record<string, string>> = { p: 'phone', e: 'email', eId: 'external id' };

/** Long enough to skip the keystrokes of a word, short enough to feel live. */
const TYPING_PAUSE = 120;

/** The link builder: an invitation link from a client's data, its QR code, and the way back. */
export function mountLinks(panel: HTMLElement, app: App): void {
  const builder = new LinkBuilder(app.api);
  const reader = new LinkReader(app.api);
  panel.append(builder.element, reader.element);
}

/** One labelled control: a label bound to it by id, and a hint it is described by. */
function labelled(id: string, text: string, control: HTMLElement, hint?: HTMLElement): HTMLElement {
  control.id = id;
  if (hint) {
    hint.id = `${id}-hint`;
    control.setAttribute('aria-describedby', hint.id);
  }
  return h('div', { class: 'field' }, h('label', { for: id }, text), control, ...(hint ? [hint] : []));
}

const textInput = (attributes: Readonly<Record<string, string>> = {}) =>
  h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attributes });

/** Runs `work` once typing pauses, and lets only the newest answer through. */
class Debounced {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ticket = 0;

  schedule(work: (current: () => boolean) => Promise<void>): void {
    clearTimeout(this.timer);
    const ticket = ++this.ticket;
    this.timer = setTimeout(() => {
      void work(() => ticket === this.ticket);
    }, TYPING_PAUSE);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class LinkBuilder {
  readonly element: HTMLElement;
  private readonly channel = h(
    'select',
    {},
    ...CHANNELS.map((channel) => h('option', { value: channel.name }, channel.label)),
  );
  private readonly nameHint = h('p', { class: 'hint' });
  private readonly name = textInput({ placeholder: 'MyCoolBot' });
  private readonly clientData = h('input', {
    type: 'radio',
    name: 'link-data',
    value: 'client',
    checked: true,
  });
  private readonly plainData = h('input', { type: 'radio', name: 'link-data', value: 'raw' });
  private readonly phone = textInput({ inputmode: 'tel', placeholder: '79000000000' });
  private readonly email = textInput({ inputmode: 'email', placeholder: 'email@gmail.com' });
  private readonly id = textInput();
  private readonly variables = h('ol', { class: 'variables' });
  private readonly payloadFields: HTMLFieldSetElement;
  private readonly raw = textInput({ placeholder: '1234567' });
  private readonly rawField: HTMLElement;
  private readonly group = h('input', { type: 'checkbox' });
  private readonly groupField: HTMLElement;
  private readonly greeting = textInput({ placeholder: 'Hello!' });
  private readonly greetingField: HTMLElement;

  private readonly meter = h('div', {
    class: 'meter',
    role: 'meter',
    'aria-label': 'Link data length',
    'aria-valuemin': 0,
    'aria-valuemax': 64,
    'aria-valuenow': 0,
  });
  private readonly meterFill = h('div', { class: 'meter-fill' });
  private readonly meterText = h('span', { class: 'meter-text' }, '0 / 64');
  private readonly costliest = h('p', { class: 'costliest', hidden: true });
  private readonly message = h('p', { class: 'message', 'aria-live': 'polite' });
  private readonly advice = h('p', { class: 'advice', hidden: true });
  private readonly link = h('input', { type: 'text', readonly: true, class: 'link' });
  private readonly copy = h('button', { type: 'button', disabled: true }, 'Copy link');
  private readonly qr = h('figure', { class: 'qr', hidden: true });
  private readonly downloadSvg = h('button', { type: 'button' }, 'Download SVG');
  private readonly downloadPng = h('button', { type: 'button' }, 'Download PNG');
  private readonly pending = new Debounced();
  private built: LinkAnswer | undefined;

  constructor(private readonly api: Api) {
    this.payloadFields = h(
      'fieldset',
      { class: 'client-data' },
      h('legend', {}, 'Client data'),
      labelled('link-phone', 'Phone', this.phone, h('p', { class: 'hint' }, 'Seeds phone.')),
      labelled('link-email', 'Email', this.email, h('p', { class: 'hint' }, 'Seeds email.')),
      labelled('link-id', 'External id', this.id, h('p', { class: 'hint' }, 'Seeds clientExternalId.')),
      h('div', { class: 'field' }, h('span', { class: 'label' }, 'Variables'), this.variables),
      this.button('Add variable', () => {
        this.addVariable();
      }),
    );
    this.rawField = labelled(
      'link-raw',
      'Raw id',
      this.raw,
      h('p', { class: 'hint' }, 'Goes in the link as it is and seeds clientExternalId.'),
    );
    this.groupField = h(
      'div',
      { class: 'field check' },
      this.group,
      h('label', { for: 'link-group' }, 'Add the bot to a group (startgroup)'),
    );
    this.group.id = 'link-group';
    this.greetingField = labelled(
      'link-greeting',
      'Greeting',
      this.greeting,
      h('p', { class: 'hint' }, 'The message the user sends; the data rides at its end.'),
    );
    this.meter.append(h('div', { class: 'meter-bar' }, this.meterFill), this.meterText);
    this.qr.append(h('div', { class: 'qr-code' }), h('figcaption', {}, this.downloadSvg, this.downloadPng));

    const form = h(
      'form',
      { class: 'link-builder', 'aria-labelledby': 'link-builder-title' },
      h('h2', { id: 'link-builder-title' }, 'Build a link'),
      labelled('link-channel', 'Channel', this.channel),
      labelled('link-name', 'Bot or page name', this.name, this.nameHint),
      h(
        'fieldset',
        { class: 'data-kind' },
        h('legend', {}, 'Link data'),
        h('label', {}, this.clientData, ' Client data (encoded)'),
        h('label', {}, this.plainData, ' Raw id (as it is)'),
      ),
      this.payloadFields,
      this.rawField,
      this.groupField,
      this.greetingField,
      h(
        'section',
        { class: 'link-result', 'aria-labelledby': 'link-result-title' },
        h('h3', { id: 'link-result-title' }, 'Your link'),
        this.meter,
        this.costliest,
        this.message,
        this.advice,
        h('div', { class: 'link-line' }, labelled('link-output', 'Link to share', this.link), this.copy),
        this.qr,
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
    });
    form.addEventListener('input', () => {
      this.changed();
    });
    this.copy.addEventListener('click', () => {
      void this.copyLink();
    });
    this.downloadSvg.addEventListener('click', () => {
      this.saveSvg();
    });
    this.downloadPng.addEventListener('click', () => {
      void this.savePng();
    });
    this.element = form;
    this.changed();
  }

  private button(text: string, onClick: () => void, attributes: Readonly<Record<string, string>> = {}) {
    const button = h('button', { type: 'button', ...attributes }, text);
    button.addEventListener('click', onClick);
    return button;
  }

  private addVariable(): void {
    const name = textInput({ class: 'variable-name', placeholder: 'city' });
    const value = textInput({ class: 'variable-value', placeholder: 'Moscow' });
    const row = h('li', {}, name, value);
    row.append(
      this.button('Remove', () => {
        row.remove();
        this.numberVariables();
        this.changed();
      }),
    );
    this.variables.append(row);
    this.numberVariables();
    name.focus();
  }

  /** Rows are named by their place, so a removal renumbers the rest. */
  private numberVariables(): void {
    [...this.variables.children].forEach((row, index) => {
      const n = index + 1;
      const [name, value, remove] = row.children;
      name?.setAttribute('aria-label', `Variable ${n} name`);
      value?.setAttribute('aria-label', `Variable ${n} value`);
      remove?.setAttribute('aria-label', `Remove variable ${n}`);
    });
  }

  /** The request the form describes, or undefined while it holds no data to put in a link. */
  private request(): LinkRequest | undefined {
    const channel = this.channel.value;
    const given = (input: HTMLInputElement) => (input.value === '' ? undefined : input.value);
    const options = {
      ...(channel === 'telegram' && this.group.checked && { group: true }),
      ...(channel === 'whatsapp' && given(this.greeting) !== undefined && { text: this.greeting.value }),
    };
    if (this.plainData.checked) {
      const raw = given(this.raw);
      return raw === undefined ? undefined : { channel, name: this.name.value, raw, ...options };
    }
    const variables = [...this.variables.children]
      .map((row) => [...row.querySelectorAll('input')].map((input) => input.value))
      .filter(([name = '', value = '']) => name !== '' || value !== '');
    const phone = given(this.phone);
    const email = given(this.email);
    const id = given(this.id);
    if (phone === undefined && email === undefined && id === undefined && variables.length === 0)
      return undefined;
    return {
      channel,
      name: this.name.value,
      ...(phone !== undefined && { phone }),
      ...(email !== undefined && { email }),
      ...(id !== undefined && { id }),
      ...(variables.length > 0 && {
        variables: Object.fromEntries(variables.map(([name = '', value = '']) => [name, value])),
      }),
      ...options,
    };
  }

  private changed(): void {
    const channel = CHANNELS.find((c) => c.name === this.channel.value) ?? CHANNELS[0];
    this.nameHint.textContent = channel.hint;
    this.groupField.hidden = channel.name !== 'telegram';
    this.greetingField.hidden = channel.name !== 'whatsapp';
    this.payloadFields.hidden = this.plainData.checked;
    this.rawField.hidden = !this.plainData.checked;
    const request = this.request();
    if (!request) {
      this.show(undefined, undefined, 'Fill in the client’s data or a raw id to build a link.');
      return;
    }
    this.pending.schedule(async (current) => {
      try {
        const answer = await this.api.post<LinkAnswer>('/api/link', request);
        if (current()) this.show(answer, answer, '');
      } catch (error) {
        if (!current()) return;
        const measure =
          error instanceof ApiError ? (error.body as Partial<LinkMeasure> | undefined) : undefined;
        // Over the budget, the meter, the costliest field and the advice say all the message would.
        const overBudget = measure?.advice !== undefined;
        this.show(
          undefined,
          measure?.length === undefined ? undefined : measure,
          overBudget ? '' : messageOf(error),
        );
      }
    });
  }

  private show(
    answer: LinkAnswer | undefined,
    measure: Partial<LinkMeasure> | undefined,
    message: string,
  ): void {
    this.built = answer;
    const length = measure?.length ?? 0;
    const limit = measure?.limit ?? 64;
    this.meter.setAttribute('aria-valuenow', String(length));
    this.meter.setAttribute('aria-valuemax', String(limit));
    this.meter.setAttribute(
      'aria-valuetext',
      length > limit
        ? `${length} of ${limit} characters, ${length - limit} over`
        : `${length} of ${limit} characters`,
    );
    this.meter.classList.toggle('over', length > limit);
    this.meterFill.style.width = `${Math.min(100, (length / limit) * 100)}%`;
    this.meterText.textContent = `${length} / ${limit}`;

    const costliest = measure?.costliest;
    this.costliest.hidden = costliest === undefined;
    if (costliest) {
      const [key = '', variable] = costliest.field.split(/\.(.*)/s);
      const meaning = variable === undefined ? FIELD_NAMES[key] : `variable ${variable}`;
      this.costliest.textContent = `Costliest field: ${costliest.field} (${meaning ?? key}); dropping it saves ${costliest.saving} characters.`;
    }
    this.message.textContent = message;
    this.advice.hidden = measure?.advice === undefined;
    this.advice.textContent =
      measure?.advice === undefined ? '' : `${length - limit} characters over the budget: ${measure.advice}.`;

    this.link.value = answer?.link ?? '';
    this.copy.disabled = answer === undefined;
    this.copy.textContent = 'Copy link';
    this.qr.hidden = answer === undefined;
    if (answer) {
      this.qr.firstElementChild?.replaceChildren(qrSvg(qrCode(answer.link), `QR code of ${answer.link}`));
    }
  }

  private async copyLink(): Promise<void> {
    if (!this.built) return;
    try {
      await navigator.clipboard.writeText(this.built.link);
      this.copy.textContent = 'Copied';
    } catch {
      this.link.select();
      this.message.textContent = 'The browser did not allow copying; the link is selected: press Ctrl+C.';
    }
  }

  /** `telegram-MyCoolBot-qr`: the channel and name, kept to characters every file system takes. */
  private fileName(extension: string): string {
    const name = `${this.channel.value}-${this.name.value}`.replace(/[^A-Za-z0-9._-]+/g, '_');
    return `${name}-qr.${extension}`;
  }

  private saveSvg(): void {
    const svg = this.qr.querySelector('svg');
    if (!svg) return;
    const text = new XMLSerializer().serializeToString(svg);
    download(new Blob([text], { type: 'image/svg+xml' }), this.fileName('svg'));
  }

  private async savePng(): Promise<void> {
    if (!this.built) return;
    try {
      download(await qrPng(qrCode(this.built.link)), this.fileName('png'));
    } catch (error) {
      this.message.textContent = messageOf(error);
    }
  }
}

/** The way back: a pasted link (or its data alone) and what it seeds. */
class LinkReader {
  readonly element: HTMLElement;
  private readonly input = textInput({ placeholder: 'https://t.me/MyCoolBot?start=… or the data alone' });
  private readonly result = h('div', { class: 'decoded', 'aria-live': 'polite' });
  private readonly pending = new Debounced();

  constructor(private readonly api: Api) {
    this.element = h(
      'section',
      { class: 'link-reader', 'aria-labelledby': 'link-reader-title' },
      h('h2', { id: 'link-reader-title' }, 'Read a link'),
      labelled('link-paste', 'Paste a link', this.input),
      this.result,
    );
    this.input.addEventListener('input', () => {
      this.changed();
    });
  }

  private changed(): void {
    const link = this.input.value.trim();
    if (link === '') {
      this.pending.schedule(() => {
        this.result.replaceChildren();
        return Promise.resolve();
      });
      return;
    }
    this.pending.schedule(async (current) => {
      try {
        const answer = await this.api.post<DecodeAnswer>('/api/decode', { link });
        if (current()) this.result.replaceChildren(...decoded(answer));
      } catch (error) {
        if (current()) this.result.replaceChildren(h('p', { class: 'message' }, messageOf(error)));
      }
    });
  }
}

/** What a link seeds, laid out as `botflow decode` prints it. */
function decoded(answer: DecodeAnswer): HTMLElement[] {
  const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
  const variables = Object.entries(answer.variables);
  return [
    h(
      'dl',
      {},
      ...(answer.channel === null ? [] : row('Channel', `${answer.channel} (${answer.name ?? ''})`)),
      ...row('Start data', answer.startParam === '' ? '(none)' : answer.startParam),
      ...row(
        'Payload',
        answer.payload === null ? '(none: a plain client id)' : JSON.stringify(answer.payload),
      ),
      // valid, invalid, expired, missing (not signed) or unchecked (no secret given to the studio)
      ...row('Signature', answer.signature),
    ),
    variables.length === 0
      ? h('p', {}, 'It seeds no variables.')
      : h(
          'table',
          { class: 'seeded' },
          h('caption', {}, 'Seeded variables'),
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Variable'), h('th', { scope: 'col' }, 'Value')),
          ),
          h(
            'tbody',
            {},
            ...variables.map(([name, value]) =>
              h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, JSON.stringify(value))),
            ),
          ),
        ),
    ...(answer.diagnostics.length === 0
      ? []
      : [
          h(
            'ul',
            { class: 'diagnostics', 'aria-label': 'Diagnostics' },
            ...answer.diagnostics.map((d) => h('li', { class: d.severity }, `${d.severity}: ${d.message}`)),
          ),
        ]),
  ];
}
