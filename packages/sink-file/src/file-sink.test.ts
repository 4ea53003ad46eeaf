import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type OdmEvent, SightlineError } from '@sightline/core';
import { EventFixtures, createTestContext, instantiate, registerConformance, sinkConformance } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { manifest } from './manifest.js';

function runDirCtx() {
  const ctx = createTestContext({ step: 'files' });
  return ctx;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name).slice(dir.length + 1));
  return out.sort();
}

registerConformance(
  sinkConformance({
    manifest,
    config: () => ({ path: join(mkdtempSync(join(tmpdir(), 'sl-files-')), '{stream}/{kind}') }),
    delivered: async (config) => {
      const base = (config as { path: string }).path.replace('/{stream}/{kind}', '/events');
      return filesUnder(base).flatMap((f) =>
        readFileSync(join(base, f), 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => (JSON.parse(l) as OdmEvent).event_id),
      );
    },
  }),
  { describe, it },
);

async function sinkWith(config: Record<string, unknown>) {
  const ctx = runDirCtx();
  const sink = await instantiate(manifest, config, ctx);
  await sink.open?.(ctx);
  return { sink, ctx };
}

describe('file sink', () => {
  it('writes one file per stream and kind, renamed from .inprogress only when complete', async () => {
    const { sink, ctx } = await sinkWith({});
    await sink.write({ stream: 'events', events: EventFixtures.mixed(9) }, ctx);
    expect(filesUnder(ctx.runDir)).toEqual(['events/dns.ndjson.inprogress', 'events/flow.ndjson.inprogress', 'events/proxy.ndjson.inprogress']);
    await sink.close();
    expect(filesUnder(ctx.runDir)).toEqual(['events/dns.ndjson', 'events/flow.ndjson', 'events/proxy.ndjson']);
    const flows = readFileSync(join(ctx.runDir, 'events/flow.ndjson'), 'utf8').trim().split('\n');
    expect(flows).toHaveLength(3);
    expect(sink.describeOutputs?.()).toHaveLength(3);
  });

  it('rotates by event count and by size into numbered parts, none over the limit', async () => {
    const { sink, ctx } = await sinkWith({ rotate: { max_events: 4 } });
    await sink.write({ stream: 'events', events: Array.from({ length: 10 }, (_, i) => EventFixtures.flow({}, i)) }, ctx);
    await sink.close();
    expect(filesUnder(join(ctx.runDir, 'events'))).toEqual(['flow-0000.ndjson', 'flow-0001.ndjson', 'flow-0002.ndjson']);
    const big = await sinkWith({ rotate: { max_bytes: '2KiB' } });
    for (let b = 0; b < 5; b++) await big.sink.write({ stream: 'events', events: Array.from({ length: 7 }, (_, i) => EventFixtures.proxy({}, b * 10 + i)) }, big.ctx);
    await big.sink.close();
    const parts = filesUnder(join(big.ctx.runDir, 'events'));
    expect(parts.length).toBeGreaterThan(3);
    let lines = 0;
    for (const p of parts) {
      const text = readFileSync(join(big.ctx.runDir, 'events', p), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
      lines += text.trim().split('\n').length;
    }
    expect(lines).toBe(35);
  });

  it('partitions by event-time window', async () => {
    const { sink, ctx } = await sinkWith({ rotate: { interval: '1h' }, path: 'out/{kind}-{window}' });
    const t = Date.UTC(2026, 0, 5, 13, 10);
    await sink.write({ stream: 'events', events: [EventFixtures.flow({ event_time: t }, 1), EventFixtures.flow({ event_time: t + 3_600_000 }, 2)] }, ctx);
    await sink.close();
    expect(filesUnder(join(ctx.runDir, 'out'))).toEqual(['flow-2026-01-05T13-00.ndjson', 'flow-2026-01-05T14-00.ndjson']);
  });

  it('writes CSV with a header and RFC 4180 quoting', async () => {
    const { sink, ctx } = await sinkWith({ format: 'csv', columns: ['src_ip', 'prx_browser', 'prx_code', 'dns_answers'] });
    await sink.write({ stream: 'events', events: [EventFixtures.proxy({ prx_browser: 'Agent "X", v1\nnext' })] }, ctx);
    await sink.close();
    expect(readFileSync(join(ctx.runDir, 'events/proxy.csv'), 'utf8')).toBe('src_ip,prx_browser,prx_code,dns_answers\n10.1.2.3,"Agent ""X"", v1\nnext",200,\n');
  });

  it('reproduces Spot\'s result files: tab separated, no header, Spot\'s columns', async () => {
    const { sink, ctx } = await sinkWith({ format: 'csv', columns: 'spot', path: '{kind}_results' });
    const alert = { ...EventFixtures.flow(), score_value: 0.0123, score_model: 'lda' } as OdmEvent;
    await sink.write({ stream: 'alerts', events: [alert] }, ctx);
    await sink.close();
    expect(readFileSync(join(ctx.runDir, 'flow_results.csv'), 'utf8')).toBe(
      ['2026-01-05 13:00:00', 2026, 1, 5, 13, 0, 0, '4.100', '10.1.2.3', '198.51.100.20', 51512, 443, 'TCP', 12, 5230, 0, 0, 0.0123].join('\t') + '\n',
    );
  });

  it('escapes spreadsheet formulas when asked', async () => {
    const { sink, ctx } = await sinkWith({ format: 'csv', columns: ['prx_query'], escape_formulas: true, header: false });
    await sink.write({ stream: 'events', events: [EventFixtures.proxy({ prx_query: '=HYPERLINK("http://evil")' })] }, ctx);
    await sink.close();
    expect(readFileSync(join(ctx.runDir, 'events/proxy.csv'), 'utf8')).toBe(`"'=HYPERLINK(""http://evil"")"\n`);
  });

  it('writes valid gzip when asked', async () => {
    const { sink, ctx } = await sinkWith({ gzip: true });
    await sink.write({ stream: 'events', events: [EventFixtures.dns({}, 1)] }, ctx);
    await sink.write({ stream: 'events', events: [EventFixtures.dns({}, 2)] }, ctx);
    await sink.close();
    const text = gunzipSync(readFileSync(join(ctx.runDir, 'events/dns.ndjson.gz'))).toString();
    expect(text.trim().split('\n')).toHaveLength(2);
  });

  it('does not write an event again when its batch is retried', async () => {
    const { sink, ctx } = await sinkWith({});
    const events = EventFixtures.mixed(6);
    await sink.write({ stream: 'events', events }, ctx);
    await sink.write({ stream: 'events', events: events.slice(2) }, ctx);
    await sink.close();
    const all = filesUnder(join(ctx.runDir, 'events')).flatMap((f) => readFileSync(join(ctx.runDir, 'events', f), 'utf8').trim().split('\n'));
    expect(all).toHaveLength(6);
  });

  it('fails at start with SL_OUTPUT_UNWRITABLE when its folder cannot be created', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'sl-block-')), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const ctx = createTestContext();
    const sink = await instantiate(manifest, { path: `${blocker}/sub/{kind}` }, ctx);
    const err = await Promise.resolve(sink.open!(ctx)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(SightlineError.isCode(err, 'SL_OUTPUT_UNWRITABLE')).toBe(true);
    expect((err as Error).message).toContain(blocker);
  });

  it('answers a write it cannot do with a result, not an exception', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'sl-block-')), 'a-file');
    writeFileSync(blocker, 'x');
    const ctx = createTestContext();
    const sink = await instantiate(manifest, { path: `${blocker}/{kind}` }, ctx);
    const r = await sink.write({ stream: 'events', events: [EventFixtures.flow()] }, ctx);
    expect(r.status).toBe('failure');
    if (r.status === 'failure') expect(r.error.code).toBe('SL_OUTPUT_UNWRITABLE');
  });
});

describe('file sink under concurrent writes', () => {
  it('writes batches delivered at the same time into one file per kind, none lost or left in progress', async () => {
    const { sink, ctx } = await sinkWith({});
    const batches = Array.from({ length: 12 }, (_, b) => EventFixtures.mixed(30).map((e, i) => ({ ...e, event_id: `${b.toString(16).padStart(2, '0')}${i.toString(16).padStart(30, '0')}` })));
    const results = await Promise.all(batches.map((events) => sink.write({ stream: 'events', events }, ctx)));
    expect(results.every((r) => r.status === 'success')).toBe(true);
    await sink.close();
    expect(filesUnder(join(ctx.runDir, 'events'))).toEqual(['dns.ndjson', 'flow.ndjson', 'proxy.ndjson']);
    const lines = filesUnder(join(ctx.runDir, 'events')).flatMap((f) => readFileSync(join(ctx.runDir, 'events', f), 'utf8').trim().split('\n'));
    expect(lines).toHaveLength(360);
  });
});
