import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { SightlineError, describeCause } from '@sightline/core';

/** Reads a reference file (gzip is undone when the bytes say so). Throws SL_CONTEXT_FILE_UNREADABLE. */
export async function readBytes(path: string, plugin: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new SightlineError('SL_CONTEXT_FILE_UNREADABLE', `${path} cannot be read: ${describeCause(e)}`, { plugin, cause: e, details: { file: path } });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (e) {
      throw new SightlineError('SL_CONTEXT_FILE_UNREADABLE', `${path} looks gzipped but cannot be decompressed: ${describeCause(e)}`, { plugin, cause: e, details: { file: path } });
    }
  }
  return bytes;
}

export async function readText(path: string, plugin: string): Promise<string> {
  const text = (await readBytes(path, plugin)).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A reference file problem at a line: SL_CONTEXT_FILE_INVALID with the file and line in its details. */
export function fileProblem(plugin: string, file: string, line: number | undefined, message: string): SightlineError {
  return new SightlineError('SL_CONTEXT_FILE_INVALID', `${file}${line === undefined ? '' : `:${line}`}: ${message}`, {
    plugin,
    details: line === undefined ? { file } : { file, line },
  });
}

/**
 * Lines of a plain list: `#` starts a comment (whole line or after the value), blank lines are skipped.
 * Yields the 1-based line number and the trimmed text.
 */
export function* listLines(text: string): Generator<[number, string]> {
  let line = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    line++;
    let s = text.slice(from, to);
    const hash = s.indexOf('#');
    if (hash >= 0) s = s.slice(0, hash);
    s = s.trim();
    if (s !== '') yield [line, s];
    from = to + 1;
  }
}

export interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/** Rows of a CSV file (RFC 4180 quoting, `#` comment lines, blank lines skipped), each with its first line number. */
export function csvRows(text: string, file: string, plugin: string, delimiter = ','): CsvRow[] {
  try {
    const records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map((r) => ({ line: r.info.lines, cells: r.record }));
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw fileProblem(plugin, file, typeof line === 'number' ? line : undefined, `not valid CSV: ${describeCause(e)}`);
  }
}

/** Finds a column by any of its accepted names (case-insensitive); -1 when absent. */
export function column(header: readonly string[], names: readonly string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}
