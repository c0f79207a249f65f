/**
 * A store's URL as logs and errors may name it: never its user name or password, nor a query
 * (`?password=`) or fragment. Undefined when the text is no URL.
 */
export function withoutCredentials(url: string): string | undefined {
  const parsed = URL.parse(url);
  if (parsed === null) return undefined;
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}
