/** The process environment as `serve` reads it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A setting, where an empty one counts as unset (as `export TOKEN=` or `--telegram-token ''` leave it). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/** The variable `name`, an empty one counting as unset. */
export function setting(environment: Environment, name: string): string | undefined {
  return nonEmpty(environment[name]);
}
