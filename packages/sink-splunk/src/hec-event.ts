import { type OdmEvent, type Stream, toCim } from '@sightline/core';
import type { SplunkSinkConfig } from './config.schema.js';

const DEFAULT_SOURCETYPE = { flow: 'sightline:flow', dns: 'sightline:dns', proxy: 'sightline:proxy', alerts: 'sightline:alert' } as const;

/** One HEC event object as JSON: `time` in epoch seconds, metadata per kind, CIM-named fields as the event. */
export function hecEvent(e: OdmEvent, stream: Stream, config: Pick<SplunkSinkConfig, 'index' | 'sourcetype' | 'source' | 'host'>): string {
  const key = stream === 'alerts' ? 'alerts' : e.event_kind;
  const meta: Record<string, unknown> = { time: e.event_time / 1000, source: config.source, sourcetype: config.sourcetype[key] ?? DEFAULT_SOURCETYPE[key] };
  const host = config.host ?? e.dvc_host ?? e.dvc_ip;
  if (host !== undefined) meta['host'] = host;
  const index = config.index[key];
  if (index !== undefined) meta['index'] = index;
  meta['event'] = toCim(e, stream);
  return JSON.stringify(meta);
}

export interface HecChunk {
  body: string;
  bytes: number;
  readonly items: number[];
}

/** Splits a batch into HEC requests of at most `maxEvents` events and `maxBytes` bytes (one oversize event travels alone). */
export function encodeHec(events: readonly OdmEvent[], stream: Stream, config: Parameters<typeof hecEvent>[2], maxEvents: number, maxBytes: number): { chunks: HecChunk[]; unencodable: { index: number; reason: string }[] } {
  const chunks: HecChunk[] = [];
  const unencodable: { index: number; reason: string }[] = [];
  let cur: HecChunk = { body: '', bytes: 0, items: [] };
  for (let i = 0; i < events.length; i++) {
    let line: string;
    try {
      line = `${hecEvent(events[i]!, stream, config)}\n`;
    } catch (err) {
      unencodable.push({ index: i, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const bytes = Buffer.byteLength(line);
    if (cur.items.length > 0 && (cur.items.length >= maxEvents || cur.bytes + bytes > maxBytes)) {
      chunks.push(cur);
      cur = { body: '', bytes: 0, items: [] };
    }
    cur.body += line;
    cur.bytes += bytes;
    cur.items.push(i);
  }
  if (cur.items.length > 0) chunks.push(cur);
  return { chunks, unencodable };
}
