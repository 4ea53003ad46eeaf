import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySource } from '@sightline/core';
import { prng, randomChunks } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { corpus, hasTool } from '../../../test/corpus.js';
import { type CapturedPacket, decodeIp, decodeLink, isLayerError, ipv6String, pcapFile, pcapngFile, readCapture, sniffCapture, udpFrame, udpOf } from '../src/index.js';

async function readAll(bytes: Uint8Array, chunks?: Uint8Array[]) {
  const packets: CapturedPacket[] = [];
  const issues = [];
  for await (const b of readCapture(memorySource('t.pcap', chunks ?? [bytes]))) {
    packets.push(...b.packets);
    issues.push(...b.issues);
  }
  return { packets, issues };
}

const T = Date.UTC(2026, 0, 5, 13, 0, 0) + 123; // sub-millisecond precision is checked against tshark on the corpus
const frames = [
  udpFrame({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 5353, dstPort: 53, payload: Buffer.from('hello') }),
  udpFrame({ src: '2001:db8::1', dst: '2001:db8:0:0:1::2', srcPort: 40000, dstPort: 2055, payload: Buffer.from('v6 payload'), vlans: [100, 200] }),
];

describe('readCapture', () => {
  for (const [name, file] of [
    ['pcap µs', pcapFile(frames.map((data, i) => ({ timeMs: T + i * 1001, data })))],
    ['pcap ns', pcapFile(frames.map((data, i) => ({ timeMs: T + i * 1001, data })), { nanoseconds: true })],
    ['pcapng µs', pcapngFile(frames.map((data, i) => ({ timeMs: T + i * 1001, data })))],
    ['pcapng ns', pcapngFile(frames.map((data, i) => ({ timeMs: T + i * 1001, data })), { nanoseconds: true })],
  ] as const) {
    it(`reads what it writes (${name}), whatever the chunk boundaries`, async () => {
      expect(sniffCapture(file)).toBe(name.startsWith('pcapng') ? 'pcapng' : 'pcap');
      const whole = await readAll(file);
      expect(whole.issues).toEqual([]);
      expect(whole.packets.map((p) => [p.index, p.seconds, p.nanos])).toEqual([
        [1, Math.floor(T / 1000), 123_000_000],
        [2, Math.floor(T / 1000) + 1, 124_000_000],
      ]);
      const rand = prng(9);
      for (let k = 0; k < 10; k++) {
        const chunked = await readAll(file, randomChunks(file, rand, 13));
        expect(chunked.packets.map((p) => Buffer.from(p.data).toString('hex'))).toEqual(whole.packets.map((p) => Buffer.from(p.data).toString('hex')));
      }
    });
  }

  it('decodes Ethernet with QinQ, IPv4 and IPv6, and UDP', async () => {
    const { packets } = await readAll(pcapFile(frames.map((data, i) => ({ timeMs: T + i, data }))));
    const a = udpOf(packets[0]!);
    const b = udpOf(packets[1]!);
    if (a === undefined || b === undefined || isLayerError(a) || isLayerError(b)) throw new Error('not UDP');
    expect([a.ip.src, a.ip.dst, a.udp.srcPort, a.udp.dstPort, Buffer.from(a.udp.payload).toString()]).toEqual(['10.0.0.1', '10.0.0.2', 5353, 53, 'hello']);
    expect([b.ip.src, b.ip.dst, b.udp.dstPort, Buffer.from(b.udp.payload).toString()]).toEqual(['2001:db8::1', '2001:db8::1:0:0:2', 2055, 'v6 payload']);
    const link = decodeLink(1, packets[1]!.data);
    expect(isLayerError(link) ? [] : link.vlans).toEqual([100, 200]);
  });

  it('reports truncation, corruption and non-captures as coded issues, never throwing', async () => {
    const file = pcapFile(frames.map((data, i) => ({ timeMs: T + i, data })));
    const cut = await readAll(file.subarray(0, file.length - 5));
    expect(cut.packets).toHaveLength(1);
    expect(cut.issues).toMatchObject([{ code: 'SL_CAPTURE_TRUNCATED' }]);
    const bad = Buffer.from(file);
    bad.writeUInt32LE(0x7fffffff, 24 + 8); // first record claims 2 GiB
    expect((await readAll(bad)).issues).toMatchObject([{ code: 'SL_CAPTURE_CORRUPT', offset: 24 }]);
    expect((await readAll(Buffer.from('GET / HTTP/1.1\r\n'))).issues).toMatchObject([{ code: 'SL_CAPTURE_NOT_A_CAPTURE' }]);
    expect((await readAll(Buffer.alloc(0))).issues).toMatchObject([{ code: 'SL_CAPTURE_NOT_A_CAPTURE' }]);
  });

  it('writes IPv6 addresses in RFC 5952 form', () => {
    const b = (s: string) => Uint8Array.from(Buffer.from(s.replace(/:/g, ''), 'hex'));
    expect(ipv6String(b('20010db8000000000000000000000001'), 0)).toBe('2001:db8::1');
    expect(ipv6String(b('20010db8000000010000000000000001'), 0)).toBe('2001:db8:0:1::1');
    expect(ipv6String(b('00000000000000000000ffffc0000201'), 0)).toBe('::ffff:192.0.2.1');
    expect(ipv6String(b('00000000000000000000000000000000'), 0)).toBe('::');
    expect(ipv6String(b('20010db8000100000001000000000001'), 0)).toBe('2001:db8:1:0:1::1');
  });

  it('rejects bad IP headers as values', () => {
    expect(decodeIp(Uint8Array.from([0x45, 0, 0, 10, ...new Array(16).fill(0)]), 0)).toMatchObject({ error: { code: 'SL_CAPTURE_MALFORMED_PACKET' } });
    expect(decodeLink(147, new Uint8Array(10))).toMatchObject({ error: { code: 'SL_CAPTURE_UNSUPPORTED_LINK' } });
  });
});

// Differential: every capture in the corpus, packet count and timestamps as tshark reads them.
const c = corpus();
const tshark = await hasTool('tshark');
describe.skipIf(!c.available || !tshark)(`against tshark on the corpus captures${!c.available ? c.note : !tshark ? ' (skipped: tshark is not installed)' : ''}`, () => {
  const files: string[] = [];
  if (c.available) {
    for (const dir of ['akvorado-netflow/pcap', 'gopacket-pcap', 'ndpi', 'pmacct-flows', 'tcpdump-dns', 'dnscap-dns', 'zeek-dns', 'suricata-verify-dns']) {
      const walk = (d: string): void => {
        for (const e of readdirSync(d)) {
          const p = join(d, e);
          if (statSync(p).isDirectory()) walk(p);
          else if (/\.(pcap|pcapng|cap)$/.test(e)) files.push(p);
        }
      };
      try {
        walk(c.path(dir));
      } catch {
        /* folder absent */
      }
    }
  }
  // tshark runs once per capture; its start-up dominates, so the runs go in parallel, one per core, and the
  // comparison waits for each in file order.
  const runTshark = (f: string) =>
    new Promise<{ ok: boolean; stdout: string; stderr: string }>((resolve) => {
      execFile('tshark', ['-n', '-r', f, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.encap_type'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) =>
        resolve({ ok: !err, stdout, stderr }),
      );
    });
  it(`reads the same packets and times as tshark in ${files.length} captures`, { timeout: 600_000 }, async () => {
    let compared = 0;
    const skipped: string[] = [];
    const pending: Promise<{ ok: boolean; stdout: string; stderr: string }>[] = [];
    let next = 0;
    const lanes = Math.max(1, availableParallelism());
    for (let i = 0; i < files.length; i++) {
      while (next < files.length && next < i + lanes) pending[next] = runTshark(files[next++]!);
      const f = files[i]!;
      const t = await pending[i]!;
      delete pending[i];
      if (!t.ok) {
        skipped.push(`${f}: tshark cannot read it (${t.stderr.trim().split('\n')[0]})`);
        continue;
      }
      // tshark also lists pcapng custom blocks as frames, without an encapsulation; they are not packets.
      const theirs = (t.stdout.trimEnd() === '' ? [] : t.stdout.trimEnd().split('\n').map((l) => l.split('\t'))).filter((cols) => cols[2] !== '' && cols[2] !== undefined);
      const { packets } = await readAll(readFileSync(f));
      expect(packets.length, f).toBe(theirs.length);
      packets.forEach((p, j) => {
        const [epoch, len] = theirs[j]!;
        if (epoch === '') return; // no timestamp (pcapng simple packet block)
        const [s, frac = '0'] = epoch!.split('.');
        expect(p.seconds, `${f} #${j + 1}`).toBe(Number(s));
        expect(Math.abs(p.nanos - Number(frac.padEnd(9, '0').slice(0, 9))), `${f} #${j + 1} nanos`).toBeLessThan(1000);
        expect(p.data.length, `${f} #${j + 1} length`).toBe(Number(len));
      });
      compared++;
    }
    console.log(`[capture] compared ${compared} captures with tshark; ${skipped.length} skipped:\n  ${skipped.join('\n  ')}`);
    expect(compared).toBeGreaterThan(20);
  });
});

void tmpdir;
void writeFileSync;
