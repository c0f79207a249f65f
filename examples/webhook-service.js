#!/usr/bin/env node
// A webhook service embedding botflow: the Messenger and VK webhooks, the JSON API and /health on
// one HTTP server, conversations kept in SQLite. It imports only botflow's public entry points, so
// it runs unchanged in a project that installed botflow (and pino, for the log) from npm.
//
//   npm ci                                                # installs and builds dist/
//   FACEBOOK_APP_SECRET=… FACEBOOK_VERIFY_TOKEN=… FACEBOOK_PAGE_TOKEN=… \
//     PORT=8080 node examples/webhook-service.js [script.yaml]
//
// Settings come from the environment, under the names `botflow serve` reads (docs/webhooks.md
// says where each value is found):
//   Messenger  FACEBOOK_APP_SECRET, FACEBOOK_VERIFY_TOKEN, FACEBOOK_PAGE_TOKEN; FACEBOOK_API_ROOT
//   VK         VK_CONFIRMATION, VK_SECRET, VK_ACCESS_TOKEN; VK_GROUP_ID, VK_API_ROOT
//   PORT (8080), HOST (127.0.0.1), SESSIONS_DB (./botflow-sessions.db), and BOTFLOW_API_TOKEN,
//   which /conversations/… then require as `Authorization: Bearer <token>`.
// A messenger is served once its first variable is set; its webhook is then
// https://<your host>/webhooks/facebook or /webhooks/vk. The script defaults to
// scripts/client-identification.yaml. The log is one JSON line per request on stdout.
// SIGTERM (or Ctrl-C) lets the turns in flight finish and be stored, then exits.
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createBot, loadScript, SqliteStore } from 'botflow';
import { createFacebookWebhook, createVkWebhook } from 'botflow/channels';
import { createBotServer } from 'botflow/http';

const env = process.env;
const logger = pino();

/** A variable the service cannot go without: a missing one stops it before it listens. */
function required(name) {
  if (!env[name]) {
    console.error(`Set ${name}: docs/webhooks.md says where to find it.`);
    process.exit(2);
  }
  return env[name];
}

const webhooks = [];
if (env.FACEBOOK_APP_SECRET) {
  webhooks.push(
    createFacebookWebhook({
      appSecret: required('FACEBOOK_APP_SECRET'),
      verifyToken: required('FACEBOOK_VERIFY_TOKEN'),
      accessToken: required('FACEBOOK_PAGE_TOKEN'),
      ...(env.FACEBOOK_API_ROOT && { apiRoot: env.FACEBOOK_API_ROOT }),
    }),
  );
}
if (env.VK_CONFIRMATION) {
  webhooks.push(
    createVkWebhook({
      confirmation: required('VK_CONFIRMATION'),
      secret: required('VK_SECRET'),
      accessToken: required('VK_ACCESS_TOKEN'),
      ...(env.VK_GROUP_ID && { groupId: Number(env.VK_GROUP_ID) }),
      ...(env.VK_API_ROOT && { apiRoot: env.VK_API_ROOT }),
    }),
  );
}

const scriptFile =
  process.argv[2] ?? fileURLToPath(new URL('../scripts/client-identification.yaml', import.meta.url));
const store = new SqliteStore(env.SESSIONS_DB ?? 'botflow-sessions.db');
const bot = createBot({ script: await loadScript(scriptFile), store });

const server = createBotServer({
  bot,
  webhooks,
  ...(env.BOTFLOW_API_TOKEN && { apiToken: env.BOTFLOW_API_TOKEN }),
  // Any read rejects when the store is down, which turns /health into a 503.
  health: () => store.get('health'),
  logger,
});
const address = await server.listen(Number(env.PORT ?? 8080), env.HOST ?? '127.0.0.1');
const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
logger.info(
  {
    url: `http://${host}:${address.port}`,
    webhooks: webhooks.map(({ channel }) => `/webhooks/${channel}`),
  },
  'listening',
);

async function shutdown(signal) {
  logger.info({ signal }, 'stopping: finishing the turns in flight');
  await server.close();
  // Only once no turn can write to it any more.
  await store.close();
  logger.info('stopped');
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void shutdown(signal));
