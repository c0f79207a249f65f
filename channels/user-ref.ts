/**
 * The chat id of a user Meta names only by `user_ref` (a chat-plugin guest's `sender.user_ref`,
 * see Meta's messaging_postbacks example; a checkbox-plugin opt-in's `optin.user_ref`, with no
 * `sender` at all), after this prefix. Such a user has no page-scoped id and can be answered only
 * with `recipient: { user_ref }`; a page-scoped id is digits, so the prefix tells the two apart,
 * and the two are separate conversations. Its own module, importing nothing, so that the body
 * readers can size chat ids by it.
 */
export const USER_REF_PREFIX = 'user_ref:';
