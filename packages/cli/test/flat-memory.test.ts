import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, pipeline, workDir } from './helpers.js';

// "A run over an input far larger than memory keeps a flat RSS": the run gets a 48 MiB JavaScript heap and an
// input of about 150 MiB of events generated on the fly; it must finish, and its resident memory late in the run
// must not have grown beyond what it was early on (plus a margin), so memory does not grow with the input.
describe('memory stays flat however long the input', () => {
  it('processes ~150 MiB of events through a 48 MiB heap with flat RSS', () => {
    const dir = workDir('flat-');
    const p = pipeline(
      dir,
      [
        'name: flat',
        'output: out',
        'inputs:',
        '  - { type: synthetic, kind: proxy, events: 350000, seed: 5 }',
        'enrichers: [{ use: map, config: { lookups: [{ field: src_ip, table: { "10.1.0.2": { src_zone: office } } }] } }]',
        'sinks:',
        '  - { use: file, config: { format: ndjson, rotate: { max_bytes: 32MiB } } }',
        '  - { use: file, name: csv, config: { format: csv } }',
      ].join('\n'),
    );
    const r = cli(['run', p, '--progress', 'lines', '--progress-interval', '250ms'], { nodeOptions: '--max-old-space-size=48' });
    try {
      expect(r.stderr).not.toContain('heap out of memory');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('delivered   350,000 events');
      const samples = [...r.stderr.matchAll(/progress: .*?([\d.]+) (MiB|GiB) · (\d[\d,]*) events.*?rss ([\d.]+) MiB/g)].map((m) => ({
        read: Number(m[1]) * (m[2] === 'GiB' ? 1024 : 1),
        rss: Number(m[4]),
      }));
      expect(samples.length).toBeGreaterThan(6);
      const readMiB = samples.at(-1)!.read;
      expect(readMiB).toBeGreaterThan(120);
      const early = samples.filter((s) => s.read < readMiB / 3).map((s) => s.rss);
      const late = samples.filter((s) => s.read > (2 * readMiB) / 3).map((s) => s.rss);
      expect(early.length).toBeGreaterThan(0);
      expect(late.length).toBeGreaterThan(0);
      // Flat: the late maximum stays within a margin of the early maximum, far below the input size.
      expect(Math.max(...late)).toBeLessThan(Math.max(...early) + 40);
      expect(Math.max(...late)).toBeLessThan(readMiB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
