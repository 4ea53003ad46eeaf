import { basename, extname } from 'node:path';
import type { Logger } from '@sightline/core';
import type { FeedConfig } from '../config.schema.js';
import { column, csvRows, fileProblem, listLines, readText } from '../reload/files.js';
import { type ParsedIndicator, parseIndicator } from './indicator.js';
import type { IntelIndexBuilder } from './intel-index.js';
import { readStixBundle } from './stix.js';

const PLUGIN = 'threat-intel';
/** A feed with more bad lines than this share is rejected as a whole (an HTML error page saved as the feed). */
export const MAX_INVALID_SHARE = 0.05;

/** Lines read between two yields to the event loop, so loading a big feed does not hold up the pipeline. */
const YIELD_EVERY = 20_000;
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

const SEVERITY_WORDS: Readonly<Record<string, number>> = { unknown: -1, none: 0, info: 0, low: 1, medium: 2, moderate: 2, high: 3, critical: 3 };

export function feedFormat(feed: FeedConfig): 'text' | 'csv' | 'stix' {
  if (feed.format !== 'auto') return feed.format;
  const ext = extname(feed.path.replace(/\.gz$/i, '')).toLowerCase();
  return ext === '.json' || ext === '.stix' ? 'stix' : ext === '.csv' || ext === '.tsv' ? 'csv' : 'text';
}

export function feedSource(feed: FeedConfig): string {
  return feed.source ?? basename(feed.path).replace(/\.gz$/i, '').replace(/\.[a-z0-9]+$/i, '');
}

function severityOf(text: string | undefined, fallback: number): number | string {
  if (text === undefined || text.trim() === '') return fallback;
  const t = text.trim().toLowerCase();
  if (t in SEVERITY_WORDS) return SEVERITY_WORDS[t]!;
  const n = Number(t);
  return Number.isInteger(n) && n >= -1 && n <= 3 ? n : `severity "${text}" is not -1..3 or unknown/none/low/medium/high/critical`;
}

/** Reads one feed file into the builder; returns a line for the log. Throws SL_CONTEXT_FILE_INVALID. */
export async function readFeed(feed: FeedConfig, path: string, builder: IntelIndexBuilder, logger: Logger, now: number): Promise<string> {
  const text = await readText(path, PLUGIN);
  const source = feedSource(feed);
  const format = feedFormat(feed);
  const before = builder.size;
  let total = 0;
  const bad: { line: number | undefined; why: string }[] = [];
  const add = (ind: ParsedIndicator, severity: number, category: string | undefined, id: string | undefined) => builder.add(ind, source, severity, category, id);

  if (format === 'stix') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw fileProblem(PLUGIN, path, undefined, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const r = readStixBundle(json, now);
    if (typeof r === 'string') throw fileProblem(PLUGIN, path, undefined, r);
    for (const s of r.indicators) for (const ind of s.indicators) add(ind, s.benign ? 0 : feed.severity, s.category ?? feed.category, s.id);
    const skipped = [...r.skipped].map(([why, n]) => `${n} ${why}`).join('; ');
    if (skipped !== '') logger.info(`threat-intel: ${path}: skipped indicators: ${skipped}`);
    return `${source}: ${builder.size - before} indicators from ${r.indicators.length} STIX indicator objects${skipped === '' ? '' : ` (skipped: ${skipped})`}`;
  }

  if (format === 'text') {
    for (const [line, raw] of listLines(text)) {
      if (++total % YIELD_EVERY === 0) await yieldToEvents();
      const tokens = raw.split(/[\s,;]+/);
      // hosts-file lines: "0.0.0.0 evil.example"
      const value = (tokens[0] === '0.0.0.0' || tokens[0] === '127.0.0.1') && tokens[1] !== undefined ? tokens[1] : tokens[0]!;
      const ind = parseIndicator(value);
      if (typeof ind === 'string') bad.push({ line, why: ind });
      else add(ind, feed.severity, feed.category, undefined);
    }
  } else {
    const delimiter = feed.delimiter ?? (extname(path.replace(/\.gz$/i, '')).toLowerCase() === '.tsv' ? '\t' : ',');
    const rows = csvRows(text, path, PLUGIN, delimiter);
    const header = rows[0]?.cells ?? [];
    const named = (name: string | undefined, names: string[]) => column(header, name === undefined ? names : [name.toLowerCase()]);
    const c = feed.columns;
    const col = {
      indicator: named(c?.indicator, ['indicator', 'value', 'ioc', 'observable', 'ip', 'domain', 'url', 'address', 'host']),
      type: named(c?.type, ['type', 'indicator_type', 'ioc_type', 'kind']),
      severity: named(c?.severity, ['severity', 'level', 'score', 'threat_level']),
      category: named(c?.category, ['category', 'threat_type', 'threat', 'label', 'tags', 'malware']),
      id: named(c?.id, ['id', 'indicator_id', 'uuid']),
    };
    if (col.indicator < 0) throw fileProblem(PLUGIN, path, rows[0]?.line ?? 1, `no indicator column in the header (${header.join(', ') || 'empty'}); name it indicator, value or ioc, or set columns.indicator`);
    const cell = (cells: readonly string[], i: number) => (i < 0 ? undefined : cells[i] === '' ? undefined : cells[i]);
    for (const row of rows.slice(1)) {
      if (++total % YIELD_EVERY === 0) await yieldToEvents();
      const value = cell(row.cells, col.indicator);
      if (value === undefined) {
        bad.push({ line: row.line, why: 'no indicator' });
        continue;
      }
      const ind = parseIndicator(value, cell(row.cells, col.type));
      const sev = severityOf(cell(row.cells, col.severity), feed.severity);
      if (typeof ind === 'string') bad.push({ line: row.line, why: ind });
      else if (typeof sev === 'string') bad.push({ line: row.line, why: sev });
      else add(ind, sev, cell(row.cells, col.category) ?? feed.category, cell(row.cells, col.id));
    }
  }
  const first = bad[0];
  if (first !== undefined && (bad.length > total * MAX_INVALID_SHARE || builder.size === before)) {
    throw fileProblem(PLUGIN, path, first.line, `${bad.length} of ${total} lines are not indicators (more than ${MAX_INVALID_SHARE * 100}%), first: ${first.why}`);
  }
  if (first !== undefined) logger.warn(`threat-intel: ${path}: ${bad.length} of ${total} lines skipped, first at line ${first.line}: ${first.why}`, { code: 'SL_CONTEXT_FILE_INVALID' });
  return `${source}: ${builder.size - before} indicators${bad.length > 0 ? ` (${bad.length} bad lines skipped)` : ''}`;
}
