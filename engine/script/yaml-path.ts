/** Where something is inside a YAML document: map keys and sequence indexes, outermost first. */
export type YamlPath = readonly (string | number)[];

/** `blocks.greet.choices[1].label` */
export function formatPath(path: YamlPath): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    const key = /^[A-Za-z_][\w-]*$/.test(segment) ? segment : JSON.stringify(segment);
    return text === '' ? key : `${text}.${key}`;
  }, '');
}
