import { KNOWN_DIRECTIVES, parseDirective } from './directives.js';
import { type Layout, headerlessLayout } from './layouts.js';
import { type LineFormat, MAX_REGEX_LINE } from './line-format.js';
import { NCSA_FORMAT } from './ncsa.js';
import { SQUID_NATIVE, compileSquidFormat } from './squid-format.js';
import { type Spans, tokenize } from './tokenize.js';

/** What one line says about the format of its input. */
export type Detection =
  | { readonly kind: 'elff' }
  | { readonly kind: 'headerless'; readonly layout: Layout }
  | { readonly kind: 'regex'; readonly format: LineFormat };

export const SQUID_NATIVE_FORMAT: LineFormat = compileSquidFormat(SQUID_NATIVE, 'squid');

/** `YYYY-MM-DD HH:MM:SS` at the start of a line (ProxySG/ELFF records without a #Fields directive). */
const DATE_TIME_START = /^\d{4}-\d{2}-\d{2}[ \t]+\d{1,2}:\d{2}:\d{2}/;

/** True when a line starts like an ELFF record (date and time first). */
export function startsWithDateTime(line: string): boolean {
  return DATE_TIME_START.test(line);
}

/** The format a single line is written in, or undefined when no format reads it. */
export function detectLine(line: string, spans: Spans): Detection | undefined {
  if (line.charCodeAt(0) === 35) {
    const d = parseDirective(line);
    return d !== undefined && KNOWN_DIRECTIVES.has(d.name) ? { kind: 'elff' } : undefined;
  }
  if (line.length > MAX_REGEX_LINE) return undefined;
  if (DATE_TIME_START.test(line)) {
    const n = tokenize(line, spans);
    const layout = n > 0 ? headerlessLayout(n) : undefined;
    return layout === undefined ? undefined : { kind: 'headerless', layout };
  }
  if (SQUID_NATIVE_FORMAT.regex.test(line)) return { kind: 'regex', format: SQUID_NATIVE_FORMAT };
  if (NCSA_FORMAT.regex.test(line)) return { kind: 'regex', format: NCSA_FORMAT };
  return undefined;
}

/** How sure detection is, by what recognised the input: directives and Squid's layout are distinctive. */
export function confidenceOf(d: Detection): number {
  if (d.kind === 'elff') return 0.95;
  if (d.kind === 'headerless') return 0.85;
  return d.format === NCSA_FORMAT ? 0.6 : 0.9;
}

/**
 * Confidence that `head` (the first bytes of an input) is a proxy log: the detection of the first lines that
 * say anything, lowered when most of the first lines are unreadable. `match` tests a line against the formats
 * the decoder was configured with, when it was.
 */
export function sniffText(head: string, match: (line: string) => Detection | undefined): number {
  const lines = head.split('\n');
  // The last piece may be cut by the probe's size; use it only when it is the only line.
  if (lines.length > 1) lines.pop();
  let considered = 0;
  let recognised = 0;
  let best = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (++considered > 20) break;
    const d = match(line);
    if (d === undefined) continue;
    recognised++;
    best = Math.max(best, confidenceOf(d));
    if (d.kind === 'elff') break; // directives decide
  }
  if (recognised === 0) return 0;
  return recognised * 2 >= Math.min(considered, 20) ? best : best / 2;
}

