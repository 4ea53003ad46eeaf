// Writes a pcap of NetFlow v9 export packets for end-to-end measurements (CLI, tshark):
//   node bench/make-pcap.mjs OUT.pcap [packets]
// softflowd-like template re-sent every 20 packets, 24 flows per packet, one exporter, UDP 2055.
import { openSync, writeSync, closeSync } from 'node:fs';
import { pcapFile, udpFrame } from '@sightline/capture';
import { v9Packets } from './packets.mjs';

const out = process.argv[2] ?? 'netflow-v9.pcap';
const n = Number(process.argv[3] ?? 200000);
const fd = openSync(out, 'w');
const step = 10000;
for (let i = 0; i < n; i += step) {
  const packets = v9Packets(Math.min(step, n - i), 1_700_000_000 + i / 100, 24, 20);
  const file = pcapFile(packets.map((payload, j) => ({ timeMs: 1_700_000_000_000 + (i + j), data: udpFrame({ src: '192.0.2.10', dst: '192.0.2.1', srcPort: 40000, dstPort: 2055, payload }) })));
  writeSync(fd, i === 0 ? file : file.subarray(24));
}
closeSync(fd);
console.log(`wrote ${out}: ${n} packets, ${n * 24} flows`);
