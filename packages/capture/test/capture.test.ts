import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySource } from '@sightline/core';
import { prng, randomChunks } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { corpus, hasTool } from '../../../test/corpus.js';
import {
  type CapturedPacket,
  LOCATE_TRANSPORT,
  decodeIp,
  decodeLink,
  isLayerError,
  ipv6String,
  locatePacket,
  newPacketLocation,
  pcapFile,
  pcapngFile,
  readCapture,
  readCaptureBytes,
  sniffCapture,
  udpFrame,
  udpOf,
} from '../src/index.js';

/** Runs tshark without blocking the event loop, two at a time (the machines have 2 cores). */
let running = 0;
const waiting: (() => void)[] = [];
function tshark(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const start = (): void => {
      running++;
      const child = spawn('tshark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (status) => {
        running--;
        waiting.shift()?.();
        resolve({ status, stdout, stderr });
      });
    };
    if (running < 2) start();
    else waiting.push(start);
  });
}

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
const haveTshark = await hasTool('tshark');
describe.skipIf(!c.available || !haveTshark)(`against tshark on the corpus captures${!c.available ? c.note : !haveTshark ? ' (skipped: tshark is not installed)' : ''}`, () => {
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
  // One tshark start per capture: minutes on a loaded 2-core machine, hence the long timeout.
  it(`reads the same packets and times as tshark in ${files.length} captures`, { timeout: 900_000 }, async () => {
    let compared = 0;
    const skipped: string[] = [];
    const outputs = await Promise.all(files.map((f) => tshark(['-r', f, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.encap_type'])));
    for (const [k, f] of files.entries()) {
      const t = outputs[k]!;
      if (t.status !== 0) {
        skipped.push(`${f}: tshark cannot read it (${t.stderr.trim().split('\n').filter((l) => !l.startsWith('Running as user')).join(' ') || `exit ${t.status}`})`);
        continue;
      }
      // tshark also lists pcapng custom blocks as frames, without an encapsulation; they are not packets.
      const theirs = (t.stdout.trimEnd() === '' ? [] : t.stdout.trimEnd().split('\n').map((l) => l.split('\t'))).filter((cols) => cols[2] !== '' && cols[2] !== undefined);
      const { packets } = await readAll(readFileSync(f));
      expect(packets.length, f).toBe(theirs.length);
      packets.forEach((p, i) => {
        const [epoch, len] = theirs[i]!;
        if (epoch === '') return; // no timestamp (pcapng simple packet block)
        const [s, frac = '0'] = epoch!.split('.');
        expect(p.seconds, `${f} #${i + 1}`).toBe(Number(s));
        expect(Math.abs(p.nanos - Number(frac.padEnd(9, '0').slice(0, 9))), `${f} #${i + 1} nanos`).toBeLessThan(1000);
        expect(p.data.length, `${f} #${i + 1} length`).toBe(Number(len));
      });
      compared++;
    }
    console.log(`[capture] compared ${compared} captures with tshark; ${skipped.length} skipped:\n  ${skipped.join('\n  ')}`);
    expect(compared).toBeGreaterThan(20);
  });

  it('locates UDP/TCP headers without allocating exactly where decodeLink + decodeIp find them, on every corpus packet', () => {
    const loc = newPacketLocation();
    let located = 0;
    for (const f of files) {
      const { packets } = readCaptureBytes(readFileSync(f), { name: f });
      for (const p of packets) {
        if (locatePacket(p.linkType, p.data, loc) !== LOCATE_TRANSPORT) continue;
        located++;
        const link = decodeLink(p.linkType, p.data);
        if (isLayerError(link)) throw new Error(`${f} #${p.index}: located, but decodeLink says ${link.error.message}`);
        const ip = decodeIp(p.data, link.offset);
        if (isLayerError(ip)) throw new Error(`${f} #${p.index}: located, but decodeIp says ${ip.error.message}`);
        expect([loc.ipOffset, loc.protocol, loc.transportOffset, loc.ipEnd - loc.transportOffset, loc.ipVersion], `${f} #${p.index}`).toEqual([link.offset, ip.protocol, ip.payload.byteOffset - p.data.byteOffset, ip.payload.length, ip.version]);
        expect(ip.fragment, `${f} #${p.index}`).toBeUndefined();
      }
    }
    expect(located).toBeGreaterThan(1000);
  });
});

describe('link layers beyond Ethernet', () => {
  const ipPacket = udpFrame({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 53, dstPort: 1024, payload: Buffer.from('dns') }).subarray(14);
  const v6Packet = udpFrame({ src: '2001:db8::1', dst: '2001:db8::2', srcPort: 53, dstPort: 1024, payload: Buffer.from('dns') }).subarray(14);
  const cat = (...parts: (number[] | Uint8Array)[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
  const eth = (type: number[], ...rest: (number[] | Uint8Array)[]): Uint8Array => cat(new Array(12).fill(2), type, ...rest);
  const cases: [string, number, Uint8Array, 4 | 6, number][] = [
    ['PPP with HDLC address/control (LINKTYPE_PPP)', 9, cat([0xff, 0x03, 0x00, 0x21], ipPacket), 4, 4],
    ['PPP with a compressed protocol field', 9, cat([0x21], ipPacket), 4, 1],
    ['PPP in HDLC framing carrying IPv6 (LINKTYPE_PPP_HDLC)', 50, cat([0xff, 0x03, 0x00, 0x57], v6Packet), 6, 4],
    ['Cisco HDLC', 104, cat([0x0f, 0x00, 0x08, 0x00], ipPacket), 4, 4],
    ['FDDI with LLC/SNAP', 10, cat([0x50], new Array(12).fill(1), [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00], ipPacket), 4, 21],
    ['PPPoE session in Ethernet behind a VLAN tag', 1, eth([0x81, 0x00, 0x00, 0x64, 0x88, 0x64], [0x11, 0x00, 0x12, 0x34, 0x00, 0x40, 0x00, 0x21], ipPacket), 4, 26],
    ['MPLS with two labels in Ethernet', 1, eth([0x88, 0x47], [0, 0x01, 0x00, 0x40, 0, 0x02, 0x01, 0x40], v6Packet), 6, 22],
  ];
  for (const [what, linkType, frame, version, offset] of cases) {
    it(`finds IP in ${what}`, () => {
      const link = decodeLink(linkType, frame);
      expect(isLayerError(link) ? link.error.message : [link.ipVersion, link.offset]).toEqual([version, offset]);
      const ip = decodeIp(frame, offset);
      expect(isLayerError(ip) ? ip.error.message : [ip.src, ip.protocol]).toEqual([version === 4 ? '192.0.2.1' : '2001:db8::1', 17]);
    });
  }
  it('says what is not IP (a PPP control protocol) without calling it an error', () => {
    const link = decodeLink(50, Uint8Array.from([0xff, 0x03, 0xc0, 0x21, 1, 2, 3]));
    expect(isLayerError(link) ? 'error' : link.ipVersion).toBe(0);
  });
});

void tmpdir;
void writeFileSync;
