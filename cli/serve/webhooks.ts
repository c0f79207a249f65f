import { setting, type Environment } from './environment.js';
import type { WebhookAdapter } from '../../channels/adapter.js';
import { createFacebookWebhook } from '../../channels/facebook/webhook.js';
import { createInstagramWebhook } from '../../channels/instagram/webhook.js';
import type { MetaWebhookOptions } from '../../channels/meta-webhook.js';
import { createViberWebhook, type ViberWebhookOptions } from '../../channels/viber/webhook.js';
import { createTelegramWebhook, type TelegramWebhookOptions } from '../../channels/telegram/webhook.js';
import { createVkWebhook, type VkWebhookOptions } from '../../channels/vk/webhook.js';
import { BotflowError } from '../../engine/index.js';

/** A messenger's webhook, set up from environment variables named after its options. */
interface WebhookSetting {
  readonly channel: string;
  /** Option → variable, for the options the adapter cannot go without. */
  readonly required: Readonly<Record<string, string>>;
  readonly optional: Readonly<Record<string, string>>;
  /** The variables that hold secrets, masked in logs. */
  readonly secrets: readonly string[];
  /** The variables that turn the webhook on; any of its variables unless told. */
  readonly turnedOnBy?: readonly string[];
  readonly create: (options: Record<string, string>) => WebhookAdapter;
}

/** Options `serve` learns at start-up rather than from the environment, by channel. */
export type FoundOptions = Readonly<Partial<Record<string, Readonly<Record<string, string>>>>>;

/** The variable that moves Telegram from long polling to the webhook. */
export const TELEGRAM_WEBHOOK_SECRET = 'TELEGRAM_WEBHOOK_SECRET';

/*
 * Secrets come from the environment, not the command line, which `ps` shows to every user. A
 * messenger is served once any of its variables is set; a missing secret then stops `serve`.
 */
const SETTINGS: readonly WebhookSetting[] = [
  meta('facebook', 'FACEBOOK', 'FACEBOOK_PAGE_TOKEN', createFacebookWebhook),
  meta('instagram', 'INSTAGRAM', 'INSTAGRAM_ACCESS_TOKEN', createInstagramWebhook),
  {
    channel: 'viber',
    required: { authToken: 'VIBER_AUTH_TOKEN', botName: 'VIBER_BOT_NAME' },
    optional: { avatar: 'VIBER_BOT_AVATAR', apiRoot: 'VIBER_API_ROOT' },
    secrets: ['VIBER_AUTH_TOKEN'],
    create: (options) => createViberWebhook(options as unknown as ViberWebhookOptions),
  },
  {
    channel: 'vk',
    required: { confirmation: 'VK_CONFIRMATION', secret: 'VK_SECRET', accessToken: 'VK_ACCESS_TOKEN' },
    optional: { apiRoot: 'VK_API_ROOT' },
    secrets: ['VK_CONFIRMATION', 'VK_SECRET', 'VK_ACCESS_TOKEN'],
    create: (options) => createVkWebhook(options as unknown as VkWebhookOptions),
  },
  {
    // TELEGRAM_TOKEN alone means long polling: only the secret turns the webhook on.
    channel: 'telegram',
    required: { secretToken: TELEGRAM_WEBHOOK_SECRET, token: 'TELEGRAM_TOKEN' },
    optional: { apiRoot: 'TELEGRAM_API_ROOT' },
    secrets: [TELEGRAM_WEBHOOK_SECRET, 'TELEGRAM_TOKEN'],
    turnedOnBy: [TELEGRAM_WEBHOOK_SECRET],
    create: (options) => createTelegramWebhook(options as unknown as TelegramWebhookOptions),
  },
];

/** Messenger and Instagram take the same options, named after the platform. */
function meta(
  channel: string,
  prefix: string,
  tokenVariable: string,
  create: (options: MetaWebhookOptions) => WebhookAdapter,
): WebhookSetting {
  const required = {
    appSecret: `${prefix}_APP_SECRET`,
    verifyToken: `${prefix}_VERIFY_TOKEN`,
    accessToken: tokenVariable,
  };
  return {
    channel,
    required,
    optional: { apiRoot: `${prefix}_API_ROOT` },
    secrets: Object.values(required),
    create: (options) => create(options as unknown as MetaWebhookOptions),
  };
}

/** Names of the variables that hold webhook secrets, for the log masker. */
export const WEBHOOK_SECRET_VARIABLES: readonly string[] = SETTINGS.flatMap(({ secrets }) => secrets);

/**
 * The webhook adapters the environment sets up, with the options found at start-up (the Telegram
 * bot's username, from getMe). A messenger with some variables set but a required one missing is
 * refused with a BotflowError naming the variable.
 */
export function webhooksFrom(environment: Environment, found: FoundOptions = {}): WebhookAdapter[] {
  const read = (name: string) => setting(environment, name);
  const adapters: WebhookAdapter[] = [];
  for (const setting of SETTINGS) {
    const variables = { ...setting.required, ...setting.optional };
    const set = Object.entries(variables).flatMap(([option, name]) => {
      const value = read(name);
      return value === undefined ? [] : [{ option, name, value }];
    });
    const given = set.find(({ name }) => setting.turnedOnBy?.includes(name) ?? true)?.name;
    if (given === undefined) continue;
    const missing = Object.values(setting.required).find((name) => read(name) === undefined);
    if (missing !== undefined) {
      throw new BotflowError(
        'serve.webhook-setup',
        `the ${setting.channel} webhook needs ${missing} set as well as ${given}`,
      );
    }
    const options = Object.fromEntries(set.map(({ option, value }) => [option, value]));
    adapters.push(setting.create({ ...options, ...found[setting.channel] }));
  }
  return adapters;
}
