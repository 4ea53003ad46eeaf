import type { RecordDraft } from '../to-event.js';

/**
 * A line layout read with one anchored regular expression, compiled once per format (Squid logformats, NCSA
 * common/combined). Capture group `g` fills slot `slots[g]` (-1: a helper group), named `keys[g]` in
 * additional_attrs when the slot has no ODM column. Patterns are written so that no group can backtrack into
 * the groups before it (atomic `(?=(…))\N` captures), which keeps matching linear in the line's length.
 */
export interface LineFormat {
  readonly name: string;
  readonly regex: RegExp;
  readonly slots: Int32Array;
  readonly keys: readonly string[];
  /** Group holding text after the last field (kept as `extra`), or -1. */
  readonly extraGroup: number;
}

/** Longest line a regex format is tried on; longer lines are quarantined (bounds the regex's work per line). */
export const MAX_REGEX_LINE = 65536;

/**
 * Fills `draft` from a line. Returns undefined when the line does not match, else the text after the last field
 * ('' when there is none).
 */
export function readWithFormat(format: LineFormat, line: string, draft: RecordDraft): string | undefined {
  const m = format.regex.exec(line);
  if (m === null) return undefined;
  const slots = format.slots;
  let extra = '';
  for (let g = 1; g < m.length; g++) {
    const v = m[g];
    if (v === undefined) continue;
    if (g === format.extraGroup) {
      extra = v;
      continue;
    }
    const slot = slots[g]!;
    if (slot >= 0) draft.set(slot, v, format.keys[g]!);
  }
  return extra;
}
