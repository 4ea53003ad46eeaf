/**
 * Splits a W3C / ELFF log line into its values: separated by runs of spaces or tabs, a value that starts with `"`
 * runs to the next `"` that is followed by a separator or the end of the line (`""` and `\"` inside are quotes).
 * The spans are written into preallocated typed arrays: no per-value objects, and nothing is allocated for a
 * value until the caller asks for its text.
 */

/** Most values a line may have (a ProxySG layout has up to ~80 fields); more is treated as not a log record. */
export const MAX_COLUMNS = 512;

export const TOKEN_UNTERMINATED_QUOTE = -1;
export const TOKEN_CONTROL_CHAR = -2;
export const TOKEN_TOO_MANY = -3;

/** Flag bits per value. */
export const QUOTED = 1;
/** The quoted value contains `""` or `\"` pairs to turn into `"`. */
export const ESCAPED = 2;

export class Spans {
  /** Start of each value's text (inside its quotes). */
  readonly start = new Int32Array(MAX_COLUMNS);
  /** End (exclusive) of each value's text (inside its quotes). */
  readonly end = new Int32Array(MAX_COLUMNS);
  readonly flags = new Uint8Array(MAX_COLUMNS);
  /** Position of the first control character, for the issue message. */
  badAt = -1;
}

const CONTROL_OR_TAB = /[\x00-\x1f\x7f]/;

/**
 * Tokenizes `line` into `spans`; returns the number of values, or one of the negative `TOKEN_*` codes. Control
 * characters (bytes below 0x20 other than tab, and DEL) make the line binary garbage.
 */
export function tokenize(line: string, spans: Spans): number {
  return CONTROL_OR_TAB.test(line) ? tokenizeSlow(line, spans) : tokenizeSpaces(line, spans);
}

/**
 * The common case, a line separated by spaces only and free of control characters: jumps from separator to
 * separator and quote to quote with indexOf (native scans) instead of looking at every character.
 */
function tokenizeSpaces(line: string, spans: Spans): number {
  const n = line.length;
  const start = spans.start;
  const end = spans.end;
  const flags = spans.flags;
  let count = 0;
  let i = 0;
  for (;;) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) return count;
    if (count === MAX_COLUMNS) return TOKEN_TOO_MANY;
    if (line.charCodeAt(i) === 34) {
      const s = i + 1;
      let f = QUOTED;
      let j = s;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) {
          spans.badAt = s - 1;
          return TOKEN_UNTERMINATED_QUOTE;
        }
        if (q > s && line.charCodeAt(q - 1) === 92) {
          f |= ESCAPED; // \"
          j = q + 1;
          continue;
        }
        const next = q + 1 < n ? line.charCodeAt(q + 1) : 32;
        if (next === 32) {
          j = q;
          break;
        }
        if (next === 34) f |= ESCAPED; // ""
        j = next === 34 ? q + 2 : q + 1;
      }
      start[count] = s;
      end[count] = j;
      flags[count] = f;
      count++;
      i = j + 1;
    } else {
      let j = line.indexOf(' ', i);
      if (j < 0) j = n;
      start[count] = i;
      end[count] = j;
      flags[count] = 0;
      count++;
      i = j;
    }
  }
}

/** Any line: tabs as separators, control characters reported. */
function tokenizeSlow(line: string, spans: Spans): number {
  const n = line.length;
  const start = spans.start;
  const end = spans.end;
  const flags = spans.flags;
  let count = 0;
  let i = 0;
  for (;;) {
    let c = 0;
    while (i < n && ((c = line.charCodeAt(i)) === 32 || c === 9)) i++;
    if (i >= n) return count;
    if (count === MAX_COLUMNS) return TOKEN_TOO_MANY;
    if (c === 34) {
      // quoted value
      let f = QUOTED;
      const s = ++i;
      for (;;) {
        if (i >= n) {
          spans.badAt = s - 1;
          return TOKEN_UNTERMINATED_QUOTE;
        }
        c = line.charCodeAt(i);
        if (c === 34) {
          const next = i + 1 < n ? line.charCodeAt(i + 1) : 32;
          if (next === 32 || next === 9) break;
          if (next === 34) {
            f |= ESCAPED;
            i += 2;
            continue;
          }
          i++; // a quote inside the value that does not close it
          continue;
        }
        if (c === 92 && i + 1 < n && line.charCodeAt(i + 1) === 34) {
          f |= ESCAPED;
          i += 2;
          continue;
        }
        if (c < 32 || c === 127) {
          if (c !== 9) {
            spans.badAt = i;
            return TOKEN_CONTROL_CHAR;
          }
        }
        i++;
      }
      start[count] = s;
      end[count] = i;
      flags[count] = f;
      count++;
      i++; // past the closing quote
    } else {
      const s = i;
      for (; i < n; i++) {
        c = line.charCodeAt(i);
        if (c <= 32 || c === 127) {
          if (c === 32 || c === 9) break;
          spans.badAt = i;
          return TOKEN_CONTROL_CHAR;
        }
      }
      start[count] = s;
      end[count] = i;
      flags[count] = 0;
      count++;
    }
  }
}

/** The text of value `k` (quotes removed, `""`/`\"` turned into `"`). */
export function valueAt(line: string, spans: Spans, k: number): string {
  const text = line.slice(spans.start[k]!, spans.end[k]!);
  return (spans.flags[k]! & ESCAPED) === 0 ? text : text.replace(/""|\\"/g, '"');
}
