import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/corpus.js';
import { sniffNetflow } from '../src/index.js';

// Auto-detection next to the DNS decoder, which also claims captures: every corpus capture of NetFlow/IPFIX
// exports must sniff >= 0.9 for this decoder, every capture of DNS (or other) traffic <= 0.2, judged on the
// first 64 KiB as the runtime probes it.
const c = corpus();

function captures(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)$/.test(e)) out.push(p);
    }
  };
  try {
    walk(c.path(dir));
  } catch {
    /* folder absent */
  }
  return out;
}

describe.skipIf(!c.available)(`sniffing the corpus captures${c.note}`, () => {
  it('claims captures of export packets (>= 0.9) and leaves DNS and other captures to other decoders (<= 0.2)', () => {
    const exports = [...captures('flowbeat-netflow'), ...captures('akvorado-netflow'), ...captures('pmacct-flows'), c.path('ndpi/pcap/netflowv9.pcap')];
    const others = [...captures('tcpdump-dns'), ...captures('dnscap-dns'), ...captures('zeek-dns'), ...captures('suricata-verify-dns'), ...captures('gopacket-pcap'), ...captures('ndpi').filter((p) => !p.endsWith('netflowv9.pcap'))];
    const score = (p: string): number => sniffNetflow(readFileSync(p).subarray(0, 65536), 'stream')?.confidence ?? 0;
    const lowExports = exports.filter((p) => score(p) < 0.9).map((p) => `${p}: ${score(p)}`);
    const highOthers = others.filter((p) => score(p) > 0.2).map((p) => `${p}: ${score(p)}`);
    console.log(`[netflow sniff] ${exports.length} export captures, ${others.length} other captures`);
    expect(exports.length).toBeGreaterThan(20);
    expect(others.length).toBeGreaterThan(100);
    expect(lowExports).toEqual([]);
    expect(highOthers).toEqual([]);
  });
});
