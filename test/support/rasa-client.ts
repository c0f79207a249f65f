/*
 * A client of Rasa's REST channel, written from Rasa's documentation alone and knowing nothing of
 * botflow, so that what passes with it is what a client made for Rasa gets:
 *
 * - https://rasa.com/docs/rasa/connectors/your-own-website/ ("RestInput", "Request and Response
 *   Format"): `POST http://<host>:<port>/webhooks/rest/webhook` with the JSON body
 *   `{ "sender": "test_user", "message": "Hi there!" }` and optional `"metadata": { … }`; the
 *   answer is a JSON list of the bot's responses (`[{ "text": … }, { "image": … }]`).
 * - https://rasa.com/docs/rasa/responses/ ("Buttons"): a button has a `title`, shown to the user,
 *   and a `payload`, "the message sent from the user to the assistant when the button is clicked".
 * - The Rasa HTTP API's `BotMessage` (https://rasa.com/docs/rasa/pages/http-api): `recipient_id`,
 *   `text`, `image`, `buttons` (`title`, `payload`), `attachment`; `custom` is Rasa's key for any
 *   other payload (responses page, "Custom Output Payloads").
 */

export interface RasaButton {
  readonly title: string;
  readonly payload: string;
}

/** One bot response of the answer's list; every key but `recipient_id` may be left out. */
export interface RasaBotMessage {
  readonly recipient_id: string;
  readonly text?: string;
  readonly image?: string;
  readonly buttons?: readonly RasaButton[];
  readonly attachment?: unknown;
  readonly custom?: unknown;
}

export interface RasaExchange {
  readonly status: number;
  readonly contentType: string | null;
  /** The parsed body: the list of bot messages on success, whatever the server sent otherwise. */
  readonly body: unknown;
}

/** One user of the REST channel, talking to the server at `baseUrl` (`http://host:port`). */
export class RasaRestClient {
  constructor(
    private readonly baseUrl: string,
    private readonly sender: string | undefined,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  /** Posts a message and returns the raw exchange. */
  async post(message: string, metadata?: Record<string, unknown>): Promise<RasaExchange> {
    const body = {
      ...(this.sender !== undefined && { sender: this.sender }),
      message,
      ...(metadata !== undefined && { metadata }),
    };
    const response = await fetch(`${this.baseUrl}/webhooks/rest/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...this.headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
  }

  /** Posts a message and returns the bot's responses; anything but 200 and a JSON list throws. */
  async send(message: string, metadata?: Record<string, unknown>): Promise<RasaBotMessage[]> {
    const exchange = await this.post(message, metadata);
    if (exchange.status !== 200 || !Array.isArray(exchange.body)) {
      throw new Error(`expected 200 and a list, got ${exchange.status}: ${JSON.stringify(exchange.body)}`);
    }
    return exchange.body as RasaBotMessage[];
  }

  /** What a chat widget does when the user clicks a button: sends its payload as the message. */
  click(button: RasaButton): Promise<RasaBotMessage[]> {
    return this.send(button.payload);
  }
}

/** The button titled `title` among the responses' buttons; throws when there is none. */
export function buttonTitled(responses: readonly RasaBotMessage[], title: string): RasaButton {
  const button = responses.flatMap((response) => response.buttons ?? []).find((each) => each.title === title);
  if (!button) throw new Error(`no button titled ${title} in ${JSON.stringify(responses)}`);
  return button;
}
