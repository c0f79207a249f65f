/** The messengers botflow builds invitation links for and reads updates from (docs/invitation-links.md). */
export const CHANNEL_NAMES = ['telegram', 'facebook', 'instagram', 'viber', 'vk', 'whatsapp'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** An invitation link taken apart. */
export interface InviteLink {
  readonly channel: ChannelName;
  /** The bot, page, account, public account URI, community or phone number the link opens. */
  readonly name: string;
  /** The link's data (start parameter, ref, context…), or undefined when the link has none. */
  readonly data: string | undefined;
}

export interface LinkOptions {
  /** Telegram: a `startgroup` link, which adds the bot to a group. */
  readonly group?: boolean;
  /** WhatsApp: the prefilled message text the data rides in (default "Hello!"). */
  readonly text?: string;
}

/** One thing a user did, found in a messenger's incoming update (webhook body). */
export interface InboundEvent {
  readonly channel: ChannelName;
  /** Who to answer and key the conversation by: the chat or sender id on that messenger. */
  readonly chatId: string;
  /**
   * Present when the event starts a conversation from an invitation link: the link's data, or
   * '' for a start without data (Telegram `/start`, Messenger Get Started).
   */
  readonly startParam?: string;
  /** The user's text (or the value of the button they pressed), when the event carries one. */
  readonly text?: string;
  /**
   * The messenger's id of this user action, the same each time the messenger delivers it again,
   * so a redelivery is not applied twice (Telegram's update id, Meta's mid, VK's event id…).
   */
  readonly id?: string;
}

/** What reading an update needs to know that the update itself does not say. */
export interface UpdateOptions {
  /**
   * The bot's own username, as Telegram's getMe gives it: a command naming a bot
   * (`/start@name`) is this bot's only when it names this one, in any case. Without it a command
   * naming any bot is left alone, since nothing says the name is this bot's. Other channels
   * ignore it.
   */
  readonly botUsername?: string;
}

export type UpdateParser = (body: unknown, options?: UpdateOptions) => InboundEvent[];

export interface Channel {
  readonly name: ChannelName;
  /** The link's query keyword that carries the data (`start`, `ref`, `context`), null for WhatsApp. */
  readonly keyword: string | null;
  /** Builds a link; strict: throws a LinkError for a bad name or data. */
  readonly buildLink: (name: string, data: string, options?: LinkOptions) => string;
  /** Reads a link of this channel; lenient about the name, strict about the data; undefined when not this channel's link. Throws a LinkError for bad data. */
  readonly parseLink: (url: URL) => InviteLink | undefined;
  /** Finds the events in one incoming update (webhook body); never throws, ignores what it does not know. */
  readonly parseUpdate: UpdateParser;
}
