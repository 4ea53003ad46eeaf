import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventKind, OdmEvent } from '@sightline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { WindowSpool } from './window-spool.js';

const dir = mkdtempSync(join(tmpdir(), 'sl-wspool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kinds: EventKind[] = ['flow', 'dns', 'proxy'];
function event(i: number): OdmEvent {
  return {
    event_id: `e${i}`,
    event_kind: kinds[i % 3],
    event_time: 1_000 + i,
    src_ip: '10.0.0.1',
    n: i,
    maybe: i % 5 === 0 ? undefined : i,
    ratio: i % 7 === 0 ? Number.NaN : i / 3,
    zero: -0,
    tags: i % 2 === 0 ? ['a', undefined, 'é😀\u2028'] : [],
    nested: { x: i % 4 === 0 ? undefined : 'y', deep: [{ z: Infinity }] },
  } as unknown as OdmEvent;
}

async function readAll(spool: WindowSpool, want: EventKind[], batchSize: number): Promise<OdmEvent[]> {
  const out: OdmEvent[] = [];
  const view = spool.view(want, batchSize);
  for await (const b of view.batches()) {
    expect(b.length).toBeLessThanOrEqual(batchSize);
    out.push(...b);
  }
  expect(out.length).toBe(view.count);
  return out;
}

describe('the LocalRunner\'s window spool', () => {
  it('gives the models what a JSON round trip gives, in order, only the kinds they take, as often as they read', async () => {
    const events = Array.from({ length: 7000 }, (_, i) => event(i));
    const spool = new WindowSpool(dir, 0, 3_600_000);
    for (let i = 0; i < events.length; i += 333) await spool.append(events.slice(i, i + 333));
    await spool.seal();
    expect(spool.total).toBe(7000);
    const json = (want: EventKind[]) => events.filter((e) => want.includes(e.event_kind)).map((e) => JSON.parse(JSON.stringify(e)) as OdmEvent);
    const dns = await readAll(spool, ['dns'], 100);
    expect(dns).toEqual(json(['dns']));
    for (let i = 0; i < dns.length; i++) expect(Object.keys(dns[i]!)).toEqual(Object.keys(json(['dns'])[i]!));
    expect(await readAll(spool, ['flow', 'proxy'], 4096)).toEqual(json(['flow', 'proxy']));
    expect(await readAll(spool, ['dns'], 100)).toEqual(dns);
    await expect(spool.append([event(1)])).rejects.toMatchObject({ code: 'SL_INTERNAL' });
    await spool.remove();
  });

  it('has nothing to read for a window with no events, and names a damaged spool file', async () => {
    const empty = new WindowSpool(dir, 7, 8);
    await empty.seal();
    expect(await readAll(empty, ['flow'], 10)).toEqual([]);

    const spool = new WindowSpool(dir, 1, 2);
    await spool.append(Array.from({ length: 50 }, (_, i) => event(i)));
    await spool.seal();
    writeFileSync(spool.path, readFileSync(spool.path).subarray(0, 60));
    await expect(readAll(spool, ['flow'], 10)).rejects.toThrow(/window spool file .* is truncated/);
  });
});
