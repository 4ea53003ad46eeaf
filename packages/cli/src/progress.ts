import { formatBytes, formatDuration } from '@sightline/core';
import type { Progress } from '@sightline/runtime';

const n = (v: number): string => v.toLocaleString('en-US');

function rate(count: number, ms: number): string {
  const r = ms > 0 ? (count * 1000) / ms : 0;
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0);
}

export function progressLine(p: Progress): string {
  const parts: string[] = [];
  if (p.bytesTotal !== undefined && p.bytesTotal > 0) {
    const pct = Math.min(100, (100 * p.bytesRead) / p.bytesTotal);
    parts.push(`${formatBytes(p.bytesRead)}/${formatBytes(p.bytesTotal)} (${pct.toFixed(0)}%)`);
  } else parts.push(formatBytes(p.bytesRead));
  parts.push(`${n(p.eventsDecoded)} events (${rate(p.eventsDecoded, p.elapsedMs)}/s)`);
  if (p.quarantined > 0) parts.push(`${n(p.quarantined)} quarantined`);
  if (p.deadLettered > 0) parts.push(`${n(p.deadLettered)} dead-lettered`);
  if (p.alerts > 0) parts.push(`${n(p.alerts)} alerts`);
  if (p.phase === 'modelling') parts.push('modelling');
  parts.push(`rss ${formatBytes(p.rssBytes)}`);
  parts.push(formatDuration(p.elapsedMs));
  return parts.join(' · ');
}

/**
 * Shows progress on stderr: a bar redrawn in place on a terminal, a plain line every few seconds otherwise (logs
 * and CI). Log lines written through `log` clear the bar first so the two never garble each other.
 */
export class ProgressRenderer {
  readonly #tty: boolean;
  readonly #out: NodeJS.WriteStream;
  #shown = false;
  #last = '';

  readonly #intervalMs: number | undefined;

  constructor(out: NodeJS.WriteStream = process.stderr, mode: 'auto' | 'bar' | 'lines' | 'off' = 'auto', intervalMs?: number) {
    this.#out = out;
    this.#intervalMs = intervalMs;
    this.#tty = mode === 'bar' || (mode === 'auto' && out.isTTY === true);
    this.enabled = mode !== 'off';
  }

  readonly enabled: boolean;

  get intervalMs(): number {
    return this.#intervalMs ?? (this.#tty ? 200 : 5000);
  }

  update(p: Progress): void {
    if (!this.enabled) return;
    const line = progressLine(p);
    if (this.#tty) {
      const bar = this.#bar(p);
      const width = this.#out.columns ?? 100;
      const text = `${bar} ${line}`.slice(0, Math.max(20, width - 1));
      this.#out.write(`\r\x1b[2K${text}`);
      this.#shown = true;
      this.#last = text;
    } else if (line !== this.#last) {
      this.#out.write(`progress: ${line}\n`);
      this.#last = line;
    }
  }

  #bar(p: Progress): string {
    const width = 20;
    if (p.bytesTotal === undefined || p.bytesTotal === 0) {
      const spin = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
      return spin[Math.floor(p.elapsedMs / 100) % spin.length]!;
    }
    const filled = Math.round((width * Math.min(p.bytesRead, p.bytesTotal)) / p.bytesTotal);
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
  }

  /** Writes a log line without breaking the bar. */
  log(line: string): void {
    if (this.#tty && this.#shown) this.#out.write('\r\x1b[2K');
    this.#out.write(line);
    if (this.#tty && this.#shown) this.#out.write(this.#last);
  }

  done(): void {
    if (this.#tty && this.#shown) this.#out.write('\r\x1b[2K');
    this.#shown = false;
  }
}
