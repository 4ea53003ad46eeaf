/**
 * suricata-verify's DNS tests: YAML filters over Suricata's eve.json (`count` events matching every `match` key).
 * The decoder's events are shown in eve's DNS v3 form (type, id, flags, rcode, queries, answers/authorities with
 * rdata, srv and soa objects, grouped answers; TXT strings one entry each, as Suricata logs them) and every
 * filter on DNS events is evaluated. Filters on alerts need Suricata's rules: their DNS fields are still checked
 * (some event of ours must carry them). Filters on flow/stats records, on other output files (custom logging
 * configurations) or for Suricata before version 8 are skipped with the reason.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { type FoundDns, messagesOf } from '../helpers.js';
import { questionsOf } from '../../src/index.js';
import { rcodeName, typeName } from '../../src/wire/types.js';
import { type CaseResult, Checker, skip } from './common.js';

const SOURCE = 'suricata-verify';

/** Bytes as Suricata prints rdata it has no type for: printable ASCII as is, other bytes as \xNN. */
function suricataBytes(bytes: Buffer): string {
  let s = '';
  for (const b of bytes) s += b >= 0x80 ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b);
  return s;
}

function unquote(data: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of data.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const bytes: number[] = [];
    const s = m[1]!;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '\\') {
        const d = s.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(d)) {
          bytes.push(Number(d));
          i += 3;
        } else bytes.push(s.charCodeAt(++i));
      } else bytes.push(s.charCodeAt(i));
    }
    out.push(Buffer.from(bytes));
  }
  return out;
}

type Eve = Record<string, unknown>;

function evRecords(records: readonly { name: string; type: number; ttl?: number; data?: string }[]): Eve[] {
  const out: Eve[] = [];
  for (const r of records) {
    const base = { rrname: r.name, rrtype: typeName(r.type), ttl: r.ttl };
    const d = r.data ?? '';
    const w = d.split(' ');
    if (r.type === 16) for (const s of unquote(d)) out.push({ ...base, rdata: s.toString('latin1') });
    else if (r.type === 6) out.push({ ...base, soa: { mname: w[0], rname: w[1], serial: Number(w[2]), refresh: Number(w[3]), retry: Number(w[4]), expire: Number(w[5]), minimum: Number(w[6]) } });
    else if (r.type === 33) out.push({ ...base, srv: { priority: Number(w[0]), weight: Number(w[1]), port: Number(w[2]), name: w[3] } });
    else if (d.startsWith('\\# ')) out.push({ ...base, rdata: suricataBytes(Buffer.from(w[2] ?? '', 'hex')) });
    else out.push({ ...base, rdata: d });
  }
  return out;
}

/** One of our events as an eve.json DNS record (v3). */
function asEve(f: FoundDns): Eve {
  const e = f.event!;
  const m = f.msg!;
  const answers = evRecords(e.dns_answers ?? []);
  const grouped: Record<string, unknown[]> = {};
  for (const a of answers) (grouped[a['rrtype'] as string] ??= []).push(a['rdata'] ?? a['soa'] ?? a['srv']);
  const dns: Eve = {
    type: e.dns_message_type === 'query' ? 'request' : 'response',
    id: m.id,
    flags: m.flags.toString(16).padStart(4, '0'),
    opcode: m.opcode,
    rcode: rcodeName(m.rcode),
    queries: questionsOf(m).map((q) => ({ rrname: q.name, rrtype: typeName(q.type) })),
    answers,
    authorities: evRecords(e.dns_authorities ?? []),
    additionals: evRecords(e.dns_additionals ?? []),
    grouped,
  };
  for (const [bit, name] of [[0x8000, 'qr'], [0x0400, 'aa'], [0x0200, 'tc'], [0x0100, 'rd'], [0x0080, 'ra'], [0x0040, 'z'], [0x0020, 'ad'], [0x0010, 'cd']] as const) if (m.flags & bit) dns[name] = true;
  return { event_type: 'dns', src_ip: e.src_ip, src_port: e.src_port, dest_ip: e.dst_ip, dest_port: e.dst_port, proto: e.n_proto === 6 ? 'TCP' : 'UDP', pcap_cnt: f.frame, dns };
}

/** `dns.answers[0].rrname`, `dns.answers.__len` → the value in an eve record. */
function lookup(eve: Eve, path: string): unknown {
  let cur: unknown = eve;
  for (const part of path.split('.')) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part)!;
    if (m[1] === '__len') return Array.isArray(cur) ? cur.length : undefined;
    cur = (cur as Record<string, unknown> | undefined)?.[m[1]!];
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) cur = Array.isArray(cur) ? cur[Number(idx[1])] : undefined;
  }
  return cur;
}

/**
 * Tests that run Suricata with a DNS logging configuration of their own (only some record types, only when an
 * alert fired): which events exist depends on that configuration, so their counts are not checked, but every DNS
 * value they state must be carried by some event.
 */
const CONFIGURED: Record<string, string> = {
  'cond-log-dns-dig': 'DNS logged only for flows with an alert',
  'dns/dns-udp-eve-log-answer-only': 'DNS logging configured for answers only',
  'dns/dns-udp-eve-log-mx-only': 'DNS logging configured for MX records only',
  'dns/dns-udp-eve-log-query-only': 'DNS logging configured for queries only',
  'dns/dns-udp-eve-log-aaaa-only': 'DNS logging configured for AAAA records only',
  'dns/dns-eve-log-https-only': 'DNS logging configured for HTTPS records only',
};

/** Keys that are Suricata's bookkeeping, not decoded values. */
const NOT_DECODED = /^(dns\.tx_id|dns\.version|alert\.|direction|app_proto|flow_id|tx_id|event_type)/;

function tests(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === 'test.yaml') out.push(p);
    }
  };
  walk(dir);
  return out;
}

const versionOk = (req: Record<string, unknown> | undefined): boolean => {
  if (req === undefined) return true;
  const lt = req['lt-version'];
  return lt === undefined || Number(String(lt).split('.')[0]) > 8;
};

export function suricataCases(corpusDir: string): CaseResult[] {
  const root = join(corpusDir, 'suricata-verify-dns/tests');
  const results: CaseResult[] = [];
  for (const yamlPath of tests(root)) {
    const name = relative(root, dirname(yamlPath));
    const spec = parse(readFileSync(yamlPath, 'utf8')) as { pcap?: string; checks?: { filter?: { count?: number; match?: Record<string, unknown>; requires?: Record<string, unknown>; filename?: string } }[] };
    const dir = dirname(yamlPath);
    const pcap = spec.pcap !== undefined ? resolve(dir, spec.pcap) : readdirSync(dir).filter((f) => /\.pcap$/.test(f)).map((f) => join(dir, f))[0];
    if (pcap === undefined) {
      results.push(skip(SOURCE, name, 'no capture for this test in the corpus'));
      continue;
    }
    const { found } = messagesOf(readFileSync(pcap), pcap);
    const eves = found.filter((f) => f.msg !== undefined).map(asEve);
    const c = new Checker();
    const skipped: string[] = [];
    for (const [i, check] of (spec.checks ?? []).entries()) {
      const f = check.filter;
      if (f === undefined || f.match === undefined) continue;
      if (!versionOk(f.requires)) {
        skipped.push(`check ${i + 1}: for Suricata before 8 (old eve format)`);
        continue;
      }
      if (f.filename !== undefined && f.filename !== 'eve.json' && f.filename !== 'all.json') {
        skipped.push(`check ${i + 1}: ${f.filename} is a custom Suricata output (per-type DNS logging configuration)`);
        continue;
      }
      const type = Object.keys(f.match).some((k) => k.startsWith('alert.')) ? 'alert' : f.match['event_type'];
      const dnsType = f.match['dns.type'];
      const oldFormat = dnsType === 'query' || dnsType === 'answer' || 'dns.rrtype' in f.match || 'dns.rrname' in f.match;
      if (oldFormat && ('dns.rrtype' in f.match || 'dns.rrname' in f.match || !Object.keys(f.match).some((k) => k.startsWith('dns.') && k !== 'dns.type'))) {
        skipped.push(`check ${i + 1}: ${'dns.type' in f.match ? `dns.type "${String(dnsType)}"` : 'a top-level dns.rrtype'} is Suricata's old eve format (before DNS v2), with no field of the current format`);
        continue;
      }
      if (oldFormat) f.match = { ...f.match, 'dns.type': dnsType === 'query' ? 'request' : 'response' };
      // pcap_cnt is the packet at which Suricata inspected: for alerts and for TCP, the ACK of the data, not the message's packet.
      const keys = Object.entries(f.match).filter(([k]) => !NOT_DECODED.test(k) && !(k === 'pcap_cnt' && (type === 'alert' || f.match?.['proto'] === 'TCP')));
      const matches = (eve: Eve): boolean => keys.every(([k, v]) => JSON.stringify(lookup(eve, k)) === JSON.stringify(v));
      if (type === 'alert' || CONFIGURED[name] !== undefined || oldFormat) {
        const decoded = keys.filter(([k]) => k.startsWith('dns.'));
        if (decoded.length === 0) {
          skipped.push(`check ${i + 1}: ${type === 'alert' ? "an alert check with no DNS field (needs Suricata's rules)" : `counts events under a custom configuration (${CONFIGURED[name]})`}`);
          continue;
        }
        c.eq(`check ${i + 1} (${type === 'alert' ? "alert's" : oldFormat ? 'old eve format, addresses as Suricata oriented the flow:' : `${CONFIGURED[name]}:`} DNS fields ${decoded.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}): some event carries them`, true, eves.some(matches));
        continue;
      }
      if (type !== undefined && type !== 'dns') {
        skipped.push(`check ${i + 1}: ${String(type)} records are Suricata's flow/stats accounting, not decoded DNS`);
        continue;
      }
      const n = eves.filter(matches).length;
      if (!c.eq(`check ${i + 1} (${keys.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ').slice(0, 160)}) count`, f.count ?? 1, n) && n === 0) {
        // Say which key failed, on the event closest to matching.
        const best = eves.map((eve) => ({ eve, miss: keys.filter(([k, v]) => JSON.stringify(lookup(eve, k)) !== JSON.stringify(v)) })).sort((a, b) => a.miss.length - b.miss.length)[0];
        if (best !== undefined) c.diffs.push(`  closest event (frame ${String(best.eve['pcap_cnt'])}) differs on ${best.miss.map(([k, v]) => `${k}: golden ${JSON.stringify(v)} ours ${JSON.stringify(lookup(best.eve, k))}`).join(', ')}`);
      }
    }
    if (c.checks === 0) results.push(skip(SOURCE, name, skipped.join('; ') || 'no checks'));
    else {
      const r = c.result(SOURCE, name);
      results.push(skipped.length > 0 && r.status === 'passed' ? { ...r, detail: `also skipped: ${skipped.join('; ')}` } : r);
    }
  }
  return results;
}
