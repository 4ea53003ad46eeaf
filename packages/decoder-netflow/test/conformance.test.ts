import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pcapFile, udpFrame } from '@sightline/capture';
import { type DecoderSample, decoderConformance, registerConformance } from '@sightline/core/testkit';
import { describe, it } from 'vitest';
import { corpus } from '../../../test/corpus.js';
import { manifest } from '../src/index.js';
import { compressBlock } from 'lz4js';
import { IE, type Field, V9_FLOW_FIELDS, ipfixMessage, nfcapdFile, nfdumpCsv, v5Packet, v9Packet } from './encode.js';

// The decoder contract (valid events, coded issues, deterministic ids, streaming, chunk-independence, fuzzing),
// on inputs the project makes itself: one of each format the decoder reads.
const SECS = 1_700_000_000;
const row = (i: number): (number | string)[] => [`10.0.${i}.1`, `10.1.${i}.2`, 1000 + i, 443, 6, 0x12, 0, 100 * i, i, 1000, 2000, 1, 2];
const v5 = v5Packet({ uptime: 5000, secs: SECS, flows: [1, 2, 3].map((i) => ({ src: `10.5.0.${i}`, dst: '10.5.1.1', packets: i, bytes: 60 * i, first: 100, last: 4000, srcPort: 1000 + i, dstPort: 53, proto: 17 })) });
const v9 = v9Packet({ uptime: 9000, secs: SECS, sets: [{ template: [{ id: 256, fields: V9_FLOW_FIELDS }] }, { data: { id: 256, fields: V9_FLOW_FIELDS, rows: [row(1), row(2), row(3)] } }] });
const ipfixFields: Field[] = [{ id: IE.src6, length: 16 }, { id: IE.dst6, length: 16 }, { id: IE.octets, length: 8 }, { id: IE.applicationName, length: 65535 }, { id: 7, length: 4, pen: 9 }];
const ipfix = ipfixMessage({ secs: SECS, domain: 3, sets: [{ template: [{ id: 300, fields: ipfixFields }] }, { data: { id: 300, fields: ipfixFields, rows: [['2001:db8::1', '2001:db8::2', 5, 'dns', Uint8Array.from([1, 2, 3, 4])], ['2001:db8::3', '2001:db8::4', 7, 'https', Uint8Array.from([5, 6, 7, 8])]] } }] });
const capture = pcapFile([v5, v9, ipfix].map((payload, i) => ({ timeMs: 1_700_000_000_000 + i, data: udpFrame({ src: '192.0.2.9', dst: '192.0.2.1', srcPort: 40000 + i, dstPort: 2055, payload }) })));
const csv = Buffer.from(nfdumpCsv([['2023-05-14 17:28:32', '2023-05-14 17:28:33', '10.0.0.1', '10.0.0.2', 443, 53744, 'TCP', '...AP.S.', 3, 436, '2023-05-14 17:29:00.304'], ['2023-05-14 17:28:34', '2023-05-14 17:28:35', '10.0.0.3', '10.0.0.4', 53, 5353, 'UDP', '........', 1, 60, '2023-05-14 17:29:00.304']]));

const nfFlows = [1, 2, 3].map((i) => ({ first: 1_700_000_000_000 + i, last: 1_700_000_001_000 + i, received: 1_700_000_002_000, packets: i, bytes: 100 * i, srcPort: 1000 + i, dstPort: 53, proto: 17, src: `10.3.0.${i}`, dst: '10.3.1.1', exporter: '192.0.2.3' }));
const lz4 = (block: Uint8Array): Uint8Array => {
  const out = new Uint8Array(block.length * 2 + 64);
  const n = compressBlock(block, out, 0, block.length, new Uint32Array(65536));
  return out.subarray(0, n);
};

const samples: DecoderSample[] = [
  { name: 'NetFlow v5 datagram, project encoder', bytes: v5, framing: 'datagram', minEvents: 3 },
  { name: 'NetFlow v9 template + data datagram, project encoder', bytes: v9, framing: 'datagram', minEvents: 3 },
  { name: 'IPFIX variable-length and enterprise fields, raw payload file', bytes: ipfix, minEvents: 2 },
  { name: 'pcap of v5, v9 and IPFIX exports, project capture writer', bytes: capture, minEvents: 8 },
  { name: 'nfdump 1.7 CSV, project writer', bytes: csv, minEvents: 2 },
  { name: 'v9 then v5 raw payloads back to back', bytes: Uint8Array.from([...v9, ...v5]), minEvents: 6 },
  { name: 'nfcapd file (nfdump 1.7 layout), project writer', bytes: nfcapdFile(nfFlows), minEvents: 3 },
  { name: 'LZ4 nfcapd file, project writer', bytes: nfcapdFile(nfFlows, lz4), minEvents: 3 },
];

registerConformance(decoderConformance({ manifest, samples, fuzzCases: 300 }), { describe, it });

// The same contract on every NetFlow payload and capture of the corpus, the invalid ones included (flowbeat's
// netflow5_test_invalid01.dat claims 55,582 records in 1,464 bytes): fuzzed, mutated, truncated.
const c = corpus();
const corpusSamples: DecoderSample[] = [];
if (c.available) {
  for (const f of readdirSync(c.path('flowbeat-netflow/dat')).sort()) corpusSamples.push({ name: `flowbeat ${f}`, bytes: readFileSync(c.path('flowbeat-netflow/dat', f)), framing: 'datagram', minEvents: 0 });
  for (const f of readdirSync(c.path('akvorado-netflow/pcap')).sort()) corpusSamples.push({ name: `akvorado ${f}`, bytes: readFileSync(join(c.path('akvorado-netflow/pcap'), f)), minEvents: 0 });
}
describe.skipIf(!c.available)(`conformance on the corpus payloads and captures${c.note}`, () => {
  if (corpusSamples.length > 0) registerConformance(decoderConformance({ manifest, samples: corpusSamples, sniffs: false, fuzzCases: 400, seed: 0x3f }), { describe, it }, { timeout: 300_000 });
});
