import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcapFile, udpFrame } from '@sightline/capture';
import { basename } from 'node:path';
import { type FlowEvent, memorySource } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { corpus, hasTool } from '../../../test/corpus.js';
import { type FieldComparison, compareNetflowFields, compareWithNfdump, ianaNameOf } from './golden-compare.js';
import { decode, stream } from './helpers.js';

// Conformance against other decoders' goldens in ../shared/corpus: flowbeat (2018 event dumps), Elastic beats
// (current golden format) and the derived nfdump CSV renderings of corpus pcaps. Every case ends up passed,
// failed or skipped with a written reason, and the test prints the table.
const c = corpus();
const tshark = await hasTool('tshark');

interface Row {
  suite: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  expected: number | string;
  got: number;
  compared: number;
  note: string;
}
const rows: Row[] = [];

function printTable(): void {
  const w = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
  const lines = rows.map((r) => `${w(r.suite, 9)} ${w(r.name, 62)} ${w(r.status, 8)} ${w(String(r.expected), 5)} ${w(String(r.got), 5)} ${w(String(r.compared), 6)} ${r.note}`);
  const count = (s: Row['status']): number => rows.filter((r) => r.status === s).length;
  console.log(`\n[netflow goldens] ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n${w('suite', 9)} ${w('case', 62)} ${w('status', 8)} ${w('want', 5)} ${w('got', 5)} ${w('fields', 6)} note\n${lines.join('\n')}\n`);
}

/** Flowbeat's golden files and the .dat inputs its test table lists for them (a simple YAML: name, then `- file`). */
function flowbeatCases(): { name: string; files: string[]; golden: { events?: { Fields: Record<string, Record<string, unknown>> }[]; error?: string } }[] {
  const yaml = readFileSync(c.path('flowbeat-netflow/dat_tests.yaml'), 'utf8');
  const inputs = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of yaml.split('\n')) {
    const test = /^ {2}(\S.*):\s*$/.exec(line);
    const item = /^\s*-\s+(\S+\.dat)\s*$/.exec(line);
    if (test !== null) inputs.set((current = test[1]!), []);
    else if (item !== null && current !== undefined) inputs.get(current)!.push(item[1]!);
  }
  const cases = [];
  for (const f of readdirSync(c.path('flowbeat-netflow/golden')).sort()) {
    const golden = JSON.parse(readFileSync(c.path('flowbeat-netflow/golden', f), 'utf8')) as { test_name: string; events?: { Fields: Record<string, Record<string, unknown>> }[]; error?: string };
    if (f.endsWith('.pcap.golden.json')) cases.push({ name: f.replace('.golden.json', ''), files: [`pcap/${f.replace('.golden.json', '')}`], golden });
    else cases.push({ name: golden.test_name, files: (inputs.get(golden.test_name) ?? []).map((x) => `dat/${x}`), golden });
  }
  return cases;
}

/**
 * Goldens that record another decoder's mistake. Each is skipped with its reason, and the reason itself is
 * checked (verify returns a problem when our behaviour is not what the reason says).
 */
const KNOWN_DIFFERENCES: Record<string, { reason: string; verify: (events: FlowEvent[], issues: string[], golden: Record<string, unknown>[]) => string | undefined }> = {
  'Netflow 9 nprobe DPI L7': {
    reason: "the golden's second event is made of the 17 bytes left after the first record of an 83-byte template (flowbeat reads a cut record); we decode the first record the same and quarantine the 17 bytes as SL_DECODE_TRUNCATED",
    verify: (events, issues, golden) => {
      if (events.length !== 1 || !issues.includes('SL_DECODE_TRUNCATED')) return `expected 1 event and a truncation issue, got ${events.length} and [${issues.join(', ')}]`;
      const r = compareNetflowFields(events[0]!, golden[0]!, IGNORE);
      return r.mismatches.length > 0 || r.compared < 8 ? `first record differs: ${r.mismatches.join('; ')}` : undefined;
    },
  },
  'Netflow 9 invalid 01': {
    reason: 'flowbeat drops this packet because its header count (2) disagrees with the 6 records it carries; nfdump (see the differential test) decodes them, and so do we: 2 flows (NTP over IPv6, DNS over IPv4)',
    verify: (events) => (events.map((e) => `${e.src_ip}:${e.src_port}`).join(' ') === '2001:44b8:1118:7200::10:123 192.168.0.1:53' ? undefined : `expected the NTP and DNS flows, got ${events.length} events`),
  },
};

/** Source/destination address and ports of every flow tshark's cflow dissector finds in these payloads (sent in order from one exporter). */
function tsharkFlows(payloads: Uint8Array[]): string[] | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-tshark-'));
  try {
    const file = join(dir, 'exports.pcap');
    writeFileSync(file, pcapFile(payloads.map((payload, i) => ({ timeMs: 1_700_000_000_000 + i, data: udpFrame({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 4444, dstPort: 2055, payload }) }))));
    const r = spawnSync('tshark', ['-r', file, '-d', 'udp.port==2055,cflow', '-T', 'fields', '-E', 'aggregator=|', '-E', 'occurrence=a', '-e', 'cflow.srcaddr', '-e', 'cflow.dstaddr', '-e', 'cflow.srcaddrv6', '-e', 'cflow.dstaddrv6', '-e', 'cflow.srcport', '-e', 'cflow.dstport'], { encoding: 'utf8' });
    if (r.status !== 0) return undefined;
    const flows: string[] = [];
    for (const line of r.stdout.split('\n')) {
      if (line.trim() === '') continue;
      const [s4 = '', d4 = '', s6 = '', d6 = '', sp = '', dp = ''] = line.split('\t');
      const list = (x: string): string[] => (x === '' ? [] : x.split('|'));
      const src = [...list(s4), ...list(s6)];
      const dst = [...list(d4), ...list(d6)];
      const sps = list(sp);
      const dps = list(dp);
      for (let i = 0; i < src.length; i++) flows.push(`${src[i]} ${dst[i]} ${sps[i] ?? 0} ${dps[i] ?? 0}`);
    }
    return flows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Single golden fields that record another decoder's mistake: left out of the comparison, our value checked instead. */
const FIELD_DIFFERENCES: Record<string, { field: string; reason: string; verify: (events: FlowEvent[]) => string | undefined }> = {
  'Netflow 9 Cisco ASR 9000 series template 260': {
    field: 'samplerId',
    reason: "the template's FLOW_SAMPLER_ID is 2 bytes (00 01); flowbeat reads 0, tshark and we read 1",
    verify: (events) => (events.every((e) => e.additional_attrs?.['samplerId'] === 1) ? undefined : 'expected samplerId 1 on every event'),
  },
};

const IGNORE = new Set(['template_id', 'observation_domain_id', 'source_id', 'type', 'exporter', 'flowStartSysUpTime', 'flowEndSysUpTime']);

function judge(suite: string, name: string, events: FlowEvent[], golden: Record<string, unknown>[], nameOf: (k: string) => string | undefined, timeOf?: (i: number) => { start?: string | undefined; end?: string | undefined }, extraNote = ''): Row {
  const total: FieldComparison = { compared: 0, absent: [], mismatches: [] };
  if (events.length !== golden.length) return { suite, name, status: 'failed', expected: golden.length, got: events.length, compared: 0, note: `event count differs ${extraNote}` };
  golden.forEach((g, i) => {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(g)) {
      const n = nameOf(k);
      if (n !== undefined) fields[n] = v;
    }
    const r = compareNetflowFields(events[i]!, fields, IGNORE);
    total.compared += r.compared;
    total.absent.push(...r.absent);
    total.mismatches.push(...r.mismatches.map((m) => `#${i + 1} ${m}`));
    const t = timeOf?.(i);
    for (const [k, key] of [['start', 'begin_time'], ['end', 'end_time']] as const) {
      const iso = t?.[k];
      if (iso === undefined || iso.startsWith('0001-')) continue;
      total.compared++;
      const mine = events[i]![key];
      if (mine === undefined) {
        total.compared--;
        total.absent.push(`event.${k}`);
      } else if (Math.abs(Date.parse(iso) - mine) > 0) total.mismatches.push(`#${i + 1} event.${k}: golden ${iso}, ours ${mine === undefined ? 'none' : new Date(mine).toISOString()}`);
    }
  });
  const absent = [...new Set(total.absent.map((a) => a.replace(/ \(.*/, '')))];
  const note = total.mismatches.length > 0 ? total.mismatches.slice(0, 3).join('; ') : absent.length > 0 ? `not compared (no value on our side): ${absent.slice(0, 6).join(', ')}${absent.length > 6 ? '…' : ''}` : '';
  return { suite, name, status: total.mismatches.length === 0 ? 'passed' : 'failed', expected: golden.length, got: events.length, compared: total.compared, note: `${note} ${extraNote}`.trim() };
}

describe.skipIf(!c.available)(`NetFlow goldens of the corpus${c.note}`, () => {
  it('decodes every flowbeat case to the golden events (fields both sides have), and prints the table', async () => {
    for (const tc of flowbeatCases()) {
      const missing = tc.files.filter((f) => {
        try {
          readFileSync(c.path('flowbeat-netflow', f));
          return false;
        } catch {
          return true;
        }
      });
      if (tc.files.length === 0 || missing.length > 0) {
        rows.push({ suite: 'flowbeat', name: tc.name, status: 'skipped', expected: '-', got: 0, compared: 0, note: `input withheld from the corpus: ${missing.join(', ') || 'no input listed'}` });
        continue;
      }
      const isPcap = tc.files[0]!.startsWith('pcap/');
      const out = isPcap
        ? await decode(stream(tc.files[0]!, readFileSync(c.path('flowbeat-netflow', tc.files[0]!))))
        : await decode(memorySource(tc.name, tc.files.map((f) => readFileSync(c.path('flowbeat-netflow', f))), 'datagram'));
      const issues = out.issues.length > 0 ? `(issues: ${[...new Set(out.issues.map((i) => i.code))].join(', ')})` : '';
      if (tc.golden.error !== undefined) {
        // flowbeat failed on these; tshark's NetFlow dissector is the independent reference instead.
        const viaTshark = tshark ? tsharkFlows(tc.files.map((f) => readFileSync(c.path('flowbeat-netflow', f)))) : undefined;
        if (viaTshark === undefined) {
          rows.push({ suite: 'flowbeat', name: tc.name, status: 'skipped', expected: 'err', got: out.events.length, compared: 0, note: `golden records flowbeat's own failure "${tc.golden.error}", not an expectation; tshark (the fallback reference) is not installed; we decode ${out.events.length} events ${issues}` });
          continue;
        }
        const ours = out.events.map((e) => `${e.src_ip} ${e.dst_ip} ${e.src_port ?? 0} ${e.dst_port ?? 0}`);
        const same = ours.length === viaTshark.length && ours.every((x, i) => x === viaTshark[i]);
        rows.push({ suite: 'tshark', name: tc.name, status: same ? 'passed' : 'failed', expected: viaTshark.length, got: ours.length, compared: ours.length * 4, note: same ? `flowbeat's golden is its own failure ("${tc.golden.error}"); addresses and ports checked against tshark's cflow dissector instead ${issues}` : `differs from tshark: ours [${ours.slice(0, 2).join('; ')}], tshark [${viaTshark.slice(0, 2).join('; ')}]` });
        continue;
      }
      const events = tc.golden.events ?? [];
      const golden = events.map((e) => e.Fields['netflow'] ?? {});
      const known = KNOWN_DIFFERENCES[tc.name];
      if (known !== undefined) {
        const problem = known.verify(out.events, out.issues.map((i) => i.code), golden);
        rows.push({ suite: 'flowbeat', name: tc.name, status: problem === undefined ? 'skipped' : 'failed', expected: golden.length, got: out.events.length, compared: 0, note: problem ?? `known difference, checked: ${known.reason}` });
        continue;
      }
      const fieldKnown = FIELD_DIFFERENCES[tc.name];
      const checked = fieldKnown?.verify(out.events);
      const row = judge('flowbeat', tc.name, out.events, golden, (k) => (fieldKnown !== undefined && k === fieldKnown.field ? undefined : k), (i) => ({ start: events[i]!.Fields['event']?.['start'] as string | undefined, end: events[i]!.Fields['event']?.['end'] as string | undefined }), issues);
      if (fieldKnown !== undefined) {
        if (checked !== undefined) row.status = 'failed';
        row.note = `${row.note} ${checked ?? `(${fieldKnown.field} not compared, checked: ${fieldKnown.reason})`}`.trim();
      }
      rows.push(row);
    }
  });

  it('decodes the Elastic beats golden cases to the golden events', async () => {
    for (const f of readdirSync(c.path('beats-netflow-golden')).filter((x) => x.endsWith('.golden.json')).sort()) {
      const golden = JSON.parse(readFileSync(c.path('beats-netflow-golden', f), 'utf8')) as { test_name: string; events: { Fields: Record<string, Record<string, unknown>> }[] };
      const flowbeat = flowbeatCases().find((x) => x.name === golden.test_name);
      if (flowbeat === undefined || flowbeat.files.length === 0) {
        rows.push({ suite: 'beats', name: golden.test_name, status: 'skipped', expected: golden.events.length, got: 0, compared: 0, note: 'inputs not listed in flowbeat dat_tests.yaml' });
        continue;
      }
      const out = await decode(memorySource(golden.test_name, flowbeat.files.map((x) => readFileSync(c.path('flowbeat-netflow', x))), 'datagram'));
      rows.push(judge('beats', golden.test_name, out.events, golden.events.map((e) => e.Fields['netflow'] ?? {}), ianaNameOf));
    }
  });

  it('decodes each corpus pcap to the flows nfdump 1.7.1 rendered from it (derived-nfdump-csv), and reads those CSVs to the same flows', async () => {
    const sources: Record<string, string> = {};
    for (const line of readFileSync(c.path('derived-nfdump-csv/LICENSE-NOTE.md'), 'utf8').split('\n')) {
      const m = /^\| `shared\/corpus\/derived-nfdump-csv\/(\S+\.csv)` \| derived: nfdump 1\.7\.1 rendering of (.*) \| - \|$/.exec(line);
      if (m !== null) sources[m[1]!] = m[2]!;
    }
    for (const [csv, from] of Object.entries(sources)) {
      const pcaps = [...from.matchAll(/`shared\/corpus\/([^`]+)`/g)].map((m) => m[1]!);
      const fromCsv = await decode(stream(csv, readFileSync(c.path('derived-nfdump-csv', csv))));
      // nfdump has no pending buffer: data that comes before its template is lost. Decode the same way.
      const fromPcap = await decode(memorySource(pcaps.join('+'), [Buffer.concat(pcaps.map((p, i) => (i === 0 ? readFileSync(c.path(p)) : readFileSync(c.path(p)).subarray(24))))], 'stream'), { templates: { pending_max_bytes: 0 } });
      const r = compareWithNfdump(fromCsv.events, fromPcap.events);
      const csvIssues = fromCsv.issues.map((i) => i.code);
      const ok = r.mismatches.length === 0 && csvIssues.length === 0;
      rows.push({ suite: 'nfdump', name: `${csv} <- ${pcaps.map((p) => basename(p)).join(' + ')}`, status: ok ? 'passed' : 'failed', expected: fromCsv.events.length, got: fromPcap.events.length, compared: r.compared, note: ok ? r.notes.join('; ') : `${r.mismatches.slice(0, 3).join('; ')} ${csvIssues.join(', ')}` });
    }
  });

  it('decodes the pmacct test captures to the flows nfacctd aggregated from them (sums per aggregation key)', async () => {
    const PROTO: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, ipv6: 41, '4': 4, ipip: 4, ospf: 89, gre: 47 };
    for (const dir of readdirSync(c.path('pmacct-flows')).filter((d) => /^\d+-/.test(d)).sort()) {
      const golden = readFileSync(c.path('pmacct-flows', dir, 'output-flow-00.json'), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
      const out = await decode(stream(`${dir}/traffic-00.pcap`, readFileSync(c.path('pmacct-flows', dir, 'traffic-00.pcap'))));
      // pmacct renormalises counters by a sampling rate from its own config maps in some tests: those counters are not comparable.
      const renormalised = /renormali[sz]e[^\n]*true/i.test(readFileSync(c.path('pmacct-flows', dir, 'README.md'), 'utf8')) || dir.startsWith('102-') || dir.startsWith('106-');
      const key = (src: unknown, dst: unknown, sp: unknown, dp: unknown, pr: unknown, inIf: unknown, outIf: unknown): string => [src, dst, sp ?? 0, dp ?? 0, pr, inIf ?? 0, outIf ?? 0].join(' ');
      const sums = new Map<string, { packets: number; bytes: number }>();
      for (const e of out.events) {
        const k = key(e.src_ip, e.dst_ip, e.src_port, e.dst_port, e.n_proto, e.flow_input, e.flow_output);
        const s0 = sums.get(k) ?? { packets: 0, bytes: 0 };
        s0.packets += e.flow_in_packets ?? 0;
        s0.bytes += e.in_bytes ?? 0;
        sums.set(k, s0);
      }
      let compared = 0;
      const problems: string[] = [];
      const groups = new Map<string, { packets: number; bytes: number }>();
      for (const g of golden) {
        const proto = typeof g['ip_proto'] === 'string' ? (PROTO[g['ip_proto'] as string] ?? Number(g['ip_proto'])) : g['ip_proto'];
        const k = key(g['ip_src'], g['ip_dst'], g['port_src'], g['port_dst'], proto, g['iface_in'], g['iface_out']);
        const s0 = groups.get(k) ?? { packets: 0, bytes: 0 };
        s0.packets += Number(g['packets']);
        s0.bytes += Number(g['bytes']);
        groups.set(k, s0);
      }
      for (const [k, want] of groups) {
        const got = sums.get(k);
        compared++;
        if (got === undefined) problems.push(`no flow ${k}`);
        else if (!renormalised && (got.packets !== want.packets || got.bytes !== want.bytes)) problems.push(`${k}: pmacct ${want.packets} pkts ${want.bytes} B, ours ${got.packets} pkts ${got.bytes} B`);
      }
      rows.push({ suite: 'pmacct', name: dir, status: problems.length === 0 ? 'passed' : 'failed', expected: groups.size, got: sums.size, compared, note: problems.length > 0 ? problems.slice(0, 3).join('; ') : `${renormalised ? 'keys only (pmacct renormalises counters by its own sampling map); ' : 'keys, packets and bytes; '}${out.issues.length > 0 ? `issues: ${[...new Set(out.issues.map((i) => i.code))].join(', ')}` : ''}` });
    }
  });

  it('has no failed case', () => {
    printTable();
    expect(rows.filter((r) => r.status === 'failed').map((r) => `${r.suite} ${r.name}: ${r.note}`)).toEqual([]);
  });
});
