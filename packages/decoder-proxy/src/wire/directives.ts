/**
 * W3C extended log directives (`#Version:`, `#Fields:`, `#Date:`, `#Software:`, `#GMT-Offset:`…): a line that
 * starts with `#`, a name, a colon and a value. Some writers append `// comments` to the value (the IIS sample in
 * the W3C note); they are dropped, except from free-text directives.
 */
export interface Directive {
  /** Lower-case name without `#`: `fields`, `date`, `software`, `gmt-offset`… */
  readonly name: string;
  readonly value: string;
}

const FREE_TEXT = new Set(['remark', 'software']);

/** The directive on a `#` line, or undefined when the line is a plain comment. */
export function parseDirective(line: string): Directive | undefined {
  const colon = line.indexOf(':');
  if (colon < 2) return undefined;
  const name = line.slice(1, colon).trim().toLowerCase();
  if (!/^[a-z][a-z0-9-]*$/.test(name)) return undefined;
  let value = line.slice(colon + 1);
  if (!FREE_TEXT.has(name)) {
    const comment = value.search(/\s\/\//);
    if (comment >= 0) value = value.slice(0, comment);
  }
  return { name, value: value.trim() };
}

/** Directive names of the W3C note and the ones ProxySG, IIS and Oracle Web Cache add. */
export const KNOWN_DIRECTIVES: ReadonlySet<string> = new Set(['version', 'fields', 'software', 'start-date', 'end-date', 'date', 'remark', 'gmt-offset']);
