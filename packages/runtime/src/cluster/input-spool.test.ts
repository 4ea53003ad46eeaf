import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventKind, OdmEvent } from '@sightline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonEquivalent } from '../spool-frames.js';
import { InputSpool, spoolDir, spoolFile, spooledWindowView } from './input-spool.js';

const dir = mkdtempSync(join(tmpdir(), 'sl-spool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
function event(i: number, extra: Record<string, unknown> = {}): OdmEvent {
  return { event_id: `e${i}`, event_kind: i % 3 === 0 ? 'dns' : 'flow', event_time: i * 600_000, src_ip: '10.0.0.1', dst_ip: '10.0.0.2', ...extra } as unknown as OdmEvent;
}

async function readAll(paths: string[], kinds: EventKind[], count: number, batchSize = 7): Promise<OdmEvent[]> {
  const out: OdmEvent[] = [];
  for await (const b of spooledWindowView(0, HOUR, paths, count, kinds, batchSize).batches()) {
    expect(b.length).toBeLessThanOrEqual(batchSize);
    out.push(...b);
  }
  return out;
}

describe('the BullMQ runner\'s input spool', () => {
  it('gives back what a JSON round trip gives back, and the same object when that is the event itself', () => {
    const odd = { a: undefined, b: Number.NaN, c: -0, d: [1, undefined, Infinity], e: new Uint8Array([1, 2]), f: { g: undefined, h: 'x' }, i: new Date(0) };
    expect(jsonEquivalent(odd)).toEqual(JSON.parse(JSON.stringify(odd)));
    expect(Object.keys(jsonEquivalent(odd) as object)).toEqual(Object.keys(JSON.parse(JSON.stringify(odd)) as object));
    const plain = { a: 1, b: 'x', c: [1, 2, { d: null }], e: { f: true } };
    expect(jsonEquivalent(plain)).toBe(plain);
  });

  it('splits events by model window, keeps their order and kinds apart, and reads them back as JSON would', async () => {
    const events = Array.from({ length: 5000 }, (_, i) => event(i % 12, { n: i, maybe: i % 5 === 0 ? undefined : i, v: i % 7 === 0 ? Number.NaN : i / 3 }));
    const spool = new InputSpool(spoolDir(dir, 0), '1-0', HOUR);
    for (let i = 0; i < events.length; i += 300) await spool.append(events.slice(i, i + 300), new Set<EventKind>(['flow', 'dns']));
    const windows = await spool.commit();
    expect(Object.keys(windows)).toEqual(['0', String(HOUR)]);
    const expected = (start: number, kinds: EventKind[]) => events.filter((e) => e.event_time >= start && e.event_time < start + HOUR && kinds.includes(e.event_kind)).map((e) => JSON.parse(JSON.stringify(e)) as OdmEvent);
    expect(windows['0']).toEqual({ dns: expected(0, ['dns']).length, flow: expected(0, ['flow']).length });
    const flows = await readAll([spoolFile(dir, 0, 0)], ['flow'], windows['0']!.flow!);
    expect(flows).toEqual(expected(0, ['flow']));
    expect(flows.some((e) => 'maybe' in e && (e as unknown as { maybe: unknown }).maybe === undefined)).toBe(false);
    // Several inputs' files are read in the order given, as the LocalRunner spools inputs one after another.
    const again = await readAll([spoolFile(dir, 0, HOUR), spoolFile(dir, 0, HOUR)], ['flow', 'dns'], 2);
    expect(again).toEqual([...expected(HOUR, ['flow', 'dns']), ...expected(HOUR, ['flow', 'dns'])]);
  });

  it('leaves nothing behind for an abandoned attempt, and says so with a code when a spool file is truncated', async () => {
    const spool = new InputSpool(spoolDir(dir, 1), '1-0', HOUR);
    await spool.append(Array.from({ length: 5000 }, (_, i) => event(1, { n: i })), new Set<EventKind>(['flow']));
    await spool.abandon();
    await expect(readAll([spoolFile(dir, 1, 0)], ['flow'], 1)).rejects.toMatchObject({ code: 'SL_CLUSTER_PAYLOAD_EXPIRED' });

    const ok = new InputSpool(spoolDir(dir, 2), '1-0', HOUR);
    await ok.append(Array.from({ length: 100 }, (_, i) => event(1, { n: i })), new Set<EventKind>(['flow']));
    await ok.commit();
    const path = spoolFile(dir, 2, 0);
    writeFileSync(path, readFileSync(path).subarray(0, 50));
    await expect(readAll([path], ['flow'], 100)).rejects.toMatchObject({ code: 'SL_CLUSTER_PAYLOAD_UNREADABLE' });
  });
});
