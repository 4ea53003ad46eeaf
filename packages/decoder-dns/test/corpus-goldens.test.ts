/**
 * Conformance against the reference outputs of other DNS decoders in the shared corpus (tcpdump, dnscap, Zeek,
 * suricata-verify, nDPI; gopacket's captures are containers only and are read in @sightline/capture's tests).
 * Every case whose golden states a decoded value must match; the test prints cases passed, failed, and skipped
 * with the reason.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/corpus.js';
import { manifest } from '../src/index.js';
import { capturesIn, messagesOf } from './helpers.js';
import type { CaseResult } from './goldens/common.js';
import { dnscapCases } from './goldens/dnscap.js';
import { ndpiCases } from './goldens/ndpi.js';
import { suricataCases } from './goldens/suricata.js';
import { tcpdumpCases } from './goldens/tcpdump.js';
import { zeekCases } from './goldens/zeek.js';

const c = corpus();

describe.skipIf(!c.available)(`dns decoder against the corpus goldens${c.note}`, () => {
  it('matches every decoded value stated by tcpdump, dnscap, Zeek, suricata-verify and nDPI goldens', { timeout: 600_000 }, async () => {
    const results: CaseResult[] = [...tcpdumpCases(c.dir), ...dnscapCases(c.dir), ...(await zeekCases(c.dir)), ...suricataCases(c.dir), ...(await ndpiCases(c.dir))];
    const lines: string[] = [];
    for (const source of [...new Set(results.map((r) => r.source))]) {
      const mine = results.filter((r) => r.source === source);
      const count = (s: CaseResult['status']) => mine.filter((r) => r.status === s).length;
      lines.push(`${source}: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped (${mine.reduce((n, r) => n + r.checks, 0)} values compared)`);
      for (const r of mine) if (r.status !== 'passed' || r.detail !== undefined) lines.push(`  ${r.status.toUpperCase()} ${r.name}${r.detail === undefined ? '' : `: ${r.detail}`}`);
    }
    const total = (s: CaseResult['status']) => results.filter((r) => r.status === s).length;
    console.log(`[dns goldens] ${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped\n${lines.join('\n')}`);
    expect(results.filter((r) => r.status === 'failed').map((r) => `${r.source} ${r.name}: ${r.detail}`)).toEqual([]);
    expect(total('passed')).toBeGreaterThan(50);
  });

  it('claims every corpus capture that holds DNS (>= 0.9) and leaves every NetFlow/IPFIX export capture alone (<= 0.2)', async () => {
    const d = await instantiate(manifest, {}, createTestContext());
    const score = (f: string): number => d.sniff({ head: readFileSync(f).subarray(0, 65536), name: f, framing: 'stream' });
    const wrong: string[] = [];
    let dns = 0;
    let netflow = 0;
    for (const f of ['tcpdump-dns', 'dnscap-dns', 'zeek-dns', 'suricata-verify-dns', 'ndpi', 'gopacket-pcap'].flatMap((x) => capturesIn(c.path(x)))) {
      const { found } = messagesOf(readFileSync(f), f);
      if (found.every((m) => m.msg === undefined)) continue;
      dns++;
      if (score(f) < 0.9) wrong.push(`${relative(c.dir, f)}: holds DNS, sniffed ${score(f).toFixed(2)}`);
    }
    for (const f of ['akvorado-netflow', 'pmacct-flows', 'flowbeat-netflow'].flatMap((x) => capturesIn(c.path(x))).concat(c.path('ndpi/pcap/netflowv9.pcap'))) {
      netflow++;
      if (score(f) > 0.2) wrong.push(`${relative(c.dir, f)}: NetFlow export capture, sniffed ${score(f).toFixed(2)}`);
    }
    console.log(`[dns sniff] ${dns} captures with DNS, ${netflow} NetFlow/IPFIX export captures`);
    expect(wrong).toEqual([]);
    expect(dns).toBeGreaterThan(90);
    expect(netflow).toBeGreaterThan(20);
  });
});
