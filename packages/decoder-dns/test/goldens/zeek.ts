/**
 * Zeek's DNS btest baselines: dns.log rows (a query and its response paired, as the decoder's `transactions`
 * mode does), the records its event handlers printed (DNSKEY, RRSIG, DS, NSEC, NSEC3PARAM, SVCB, TSIG, HINFO,
 * EDNS client subnet, cookies, keepalive, flags, BIND signing records, extended rcode, TTLs) and weird.log lines
 * that name a decoding fault. Zeek's own policy limits (queries per message, compression chain depth) are not
 * decoding facts: those cases are skipped with the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CapturedPacket, decodeIp, decodeLink, isLayerError, pcapFile, readCaptureBytes } from '@sightline/capture';
import type { DnsEvent, DnsRecord } from '@sightline/core';
import { decodeBytes } from '../helpers.js';
import { RR_TYPES, rcodeName } from '../../src/wire/types.js';
import { type CaseResult, Checker, skip } from './common.js';

const SOURCE = 'zeek';

const TYPE_NUMBERS = new Map(Object.entries(RR_TYPES).map(([n, name]) => [name, Number(n)]));
const typeNumber = (t: string): number => TYPE_NUMBERS.get(t) ?? Number(t.replace(/^TYPE/, ''));
const ALGORITHMS: Record<number, string> = { 15: 'Ed25519', 16: 'Ed448' };

/** Internet checksum of the UDP/TCP segment with its pseudo-header; 0 when it is right. */
function transportChecksum(ip: { version: 4 | 6; protocol: number }, d: Uint8Array, ipOffset: number, seg: Uint8Array): number {
  let sum = 0;
  const add16 = (b: Uint8Array, o: number, n: number): void => {
    for (let i = 0; i < n; i += 2) sum += (b[o + i]! << 8) | (i + 1 < n ? b[o + i + 1]! : 0);
  };
  if (ip.version === 4) add16(d, ipOffset + 12, 8);
  else add16(d, ipOffset + 8, 32);
  sum += ip.protocol + seg.length;
  add16(seg, 0, seg.length);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * Zeek drops packets whose UDP or TCP checksum is wrong, unless run with -C (most DNS btests are). Captures made
 * on the sending host often carry such packets (the card fills the checksum in later). For the btests that run
 * without -C, the capture is read as Zeek read it: without those packets.
 */
function asZeekSeesIt(bytes: Uint8Array): Uint8Array {
  const { packets } = readCaptureBytes(bytes);
  const kept: CapturedPacket[] = packets.filter((p) => {
    const link = decodeLink(p.linkType, p.data);
    if (isLayerError(link) || link.ipVersion === 0) return true;
    const ip = decodeIp(p.data, link.offset);
    if (isLayerError(ip) || ip.fragment !== undefined || ip.truncated || (ip.protocol !== 17 && ip.protocol !== 6)) return true;
    if (ip.protocol === 17 && ip.version === 4 && ip.payload.length >= 8 && ip.payload[6] === 0 && ip.payload[7] === 0) return true; // no checksum
    return transportChecksum(ip, p.data, link.offset, ip.payload) === 0;
  });
  if (kept.length === packets.length) return bytes;
  return pcapFile(kept.map((p) => ({ timeMs: p.seconds * 1000 + p.nanos / 1e6, data: p.data, originalLength: p.originalLength })), { linkType: packets[0]?.linkType ?? 1 });
}

/** Zeek's string escaping (`\xNN` for bytes outside printable ASCII) back to bytes. */
export function zeekBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === 'x' && /^[0-9a-f]{2}$/i.test(s.slice(i + 2, i + 4))) {
      out.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else out.push(s.charCodeAt(i));
  }
  return Buffer.from(out);
}

/** The strings of a TXT/SPF record's presentation form. */
function txtStrings(data: string): Buffer[] {
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

/** A record the way Zeek's dns.log writes it in `answers` / `auth`. */
function zeekRecord(r: DnsRecord, section: 'answer' | 'auth', withAlgorithm = false): string[] {
  // Zeek writes names in lower case (the type mnemonics in RRSIG data stay as they are).
  const d = [1, 28, 16, 99, 46].includes(r.type) ? r.data ?? '' : (r.data ?? '').toLowerCase();
  r = { ...r, name: r.name.toLowerCase() };
  const w = d.split(' ');
  if (r.type === 46 && w[7] !== undefined) w[7] = w[7].toLowerCase();
  switch (r.type) {
    case 1:
    case 28:
    case 2:
    case 5:
    case 12:
    case 39:
      return [d];
    case 15:
      return [w[1]!];
    case 6:
      return [w[0]!];
    case 16:
    case 99:
      return [txtStrings(d).map((b) => `${r.type === 16 ? 'TXT' : 'SPF'} ${b.length} ${b.toString('latin1')}`).join(' ')];
    case 46:
      return [`RRSIG ${typeNumber(w[0]!)} ${w[7]}`, ...(withAlgorithm && ALGORITHMS[Number(w[1])] !== undefined ? [ALGORITHMS[Number(w[1])]!] : [])];
    case 48:
      return [`DNSKEY ${w[2]}`, ...(withAlgorithm && ALGORITHMS[Number(w[2])] !== undefined ? [ALGORITHMS[Number(w[2])]!] : [])];
    case 43:
      return [`DS ${w[1]} ${w[2]}`];
    case 47:
      return [`NSEC ${r.name} ${w[0]}`];
    case 51:
      return ['NSEC3PARAM'];
    case 65534:
      return ['BIND9 signing signal'];
    default:
      void section;
      return [];
  }
}

interface ZeekRow {
  readonly [field: string]: string;
}

function readLog(text: string): ZeekRow[] {
  let fields: string[] = [];
  const rows: ZeekRow[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#fields')) fields = line.split('\t').slice(1);
    if (line === '' || line.startsWith('#')) continue;
    if (fields.length === 0) {
      fields = line.split('\t'); // a zeek-cut extract: the first line names the columns
      continue;
    }
    const cols = line.split('\t');
    rows.push(Object.fromEntries(fields.map((f, i) => [f, cols[i] ?? ''])));
  }
  return rows;
}

const flag = (e: DnsEvent, f: 'AA' | 'TC' | 'RD' | 'RA' | 'AD' | 'CD'): boolean => e.dns_flags?.includes(f) ?? false;
const tf = (b: boolean): string => (b ? 'T' : 'F');

/**
 * One of our (paired) events as a dns.log row, in Zeek's words. Zeek's dns.log takes the question, RD and the
 * Z bits (Z, AD, CD) from the query; the rcode from the response; AA, TC, RA, the answers and the round-trip time
 * only when the response has answers (Zeek sets them while handling answers). A row without a query names the
 * first answer's owner as its query. The originator is whoever Zeek took for it: the sender of the connection's
 * first packet, unless that packet was a response (then the other side: Zeek "flips" the connection).
 */
function asRow(e: DnsEvent, withAlgorithm: boolean, orig: { host: string; port: number }): Record<string, string> {
  const hasResponse = e.dns_message_type !== 'query';
  const hasQuery = e.dns_message_type !== 'response';
  const answers = e.dns_answers ?? [];
  const answered = hasResponse && answers.length > 0;
  const rendered = answers.flatMap((r) => zeekRecord(r, 'answer', withAlgorithm));
  const ttls = answers.flatMap((r) => (zeekRecord(r, 'answer').length > 0 ? [`${(r.ttl ?? 0).toFixed(6)}`] : []));
  const auth = (e.dns_authorities ?? []).flatMap((r) => zeekRecord(r, 'auth'));
  const queryFlags = e.dns_message_type === 'transaction' ? String(e.additional_attrs?.['query_flags'] ?? '').split(',') : hasQuery ? (e.dns_flags ?? []) : [];
  const queryZ = e.dns_message_type === 'transaction' ? e.additional_attrs?.['query_dns_z'] === 1 : hasQuery && e.additional_attrs?.['dns_z'] === 1;
  const fromResponse = (f: 'AA' | 'TC' | 'RA'): boolean => (answered ? flag(e, f) : !hasResponse ? flag(e, f) : false);
  const rcode = e.dns_response_code ?? 0;
  const flipped = e.src_ip !== orig.host || e.src_port !== orig.port;
  return {
    'id.orig_h': (flipped ? e.dst_ip : e.src_ip) ?? '',
    'id.orig_p': String(flipped ? e.dst_port : e.src_port),
    'id.resp_h': (flipped ? e.src_ip : e.dst_ip) ?? '',
    'id.resp_p': String(flipped ? e.src_port : e.dst_port),
    proto: e.n_proto === 6 ? 'tcp' : 'udp',
    trans_id: String(e.dns_id),
    rtt: e.dns_message_type === 'transaction' && answered ? ((e.dns_rtt ?? 0) / 1000).toFixed(6) : '-',
    query: (hasQuery ? e.dns_query : answers[0]?.name)?.toLowerCase() ?? '-',
    qclass: hasQuery && e.dns_class !== undefined ? String(e.dns_class) : '-',
    qtype: hasQuery && e.dns_type !== undefined ? String(e.dns_type) : '-',
    rcode: hasResponse ? String(rcode) : '-',
    rcode_name: hasResponse ? rcodeName(rcode) : '-',
    AA: tf(fromResponse('AA')),
    TC: tf(fromResponse('TC')),
    RD: tf(queryFlags.includes('RD')),
    RA: tf(fromResponse('RA')),
    Z: String((queryZ ? 4 : 0) | (queryFlags.includes('AD') ? 2 : 0) | (queryFlags.includes('CD') ? 1 : 0)),
    answers: rendered.length === 0 ? '-' : rendered.join(','),
    TTLs: ttls.length === 0 ? '-' : ttls.join(','),
    rejected: tf(hasResponse && rcode !== 0),
    opcode: String(e.dns_opcode ?? 0),
    auth: auth.length === 0 ? '-' : [...new Set(auth)].sort().join(','),
    original_query: e.dns_query ?? '-',
  };
}

/** Who Zeek takes for each connection's originator (see asRow). */
function originators(events: readonly DnsEvent[]): Map<string, { host: string; port: number }> {
  const out = new Map<string, { host: string; port: number }>();
  for (const e of events) {
    const a = `${e.src_ip}|${e.src_port}`;
    const b = `${e.dst_ip}|${e.dst_port}`;
    const key = `${e.n_proto}|${[a, b].sort().join('|')}`;
    if (out.has(key)) continue;
    const response = e.dns_message_type === 'response';
    out.set(key, response ? { host: e.dst_ip!, port: e.dst_port! } : { host: e.src_ip!, port: e.src_port! });
  }
  return out;
}

const connectionKey = (e: DnsEvent): string => `${e.n_proto}|${[`${e.src_ip}|${e.src_port}`, `${e.dst_ip}|${e.dst_port}`].sort().join('|')}`;

const COMPARED = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'trans_id', 'rtt', 'query', 'qclass', 'qtype', 'rcode', 'AA', 'TC', 'RD', 'RA', 'Z', 'answers', 'TTLs', 'rejected', 'opcode', 'auth', 'original_query'];

/** The btests whose dns.log shows Zeek ran without -C: their query has a bad UDP checksum and is missing from the log. */
const WITHOUT_IGNORE_CHECKSUMS = new Set(['scripts.base.protocols.dns.multiple-txt-strings', 'scripts.base.protocols.dns.spf']);

async function dnsLogCase(c: Checker, test: string, log: string, traces: string[], withAlgorithm: boolean): Promise<void> {
  const rows = readLog(log);
  const ours: Record<string, string>[] = [];
  for (const t of traces) {
    const original = readFileSync(t);
    const bytes = WITHOUT_IGNORE_CHECKSUMS.has(test) ? asZeekSeesIt(original) : original;
    if (WITHOUT_IGNORE_CHECKSUMS.has(test)) c.eq('a packet with a bad checksum, which Zeek without -C drops, is in the capture', true, bytes !== original);
    // The first message of each connection in capture order decides its orientation, as Zeek's first packet does.
    const orig = originators((await decodeBytes(bytes)).events);
    for (const e of (await decodeBytes(bytes, { pairing: 'transactions' })).events) ours.push(asRow(e, withAlgorithm, orig.get(connectionKey(e))!));
  }
  c.eq('rows', rows.length, ours.length);
  const left = [...ours];
  for (const row of rows) {
    const fields = COMPARED.filter((f) => row[f] !== undefined);
    const norm = (r: Record<string, string>, f: string): string => (f === 'auth' && r[f] !== '-' ? r[f]!.split(',').sort().join(',') : f === 'rtt' && r[f] !== '-' ? Number(r[f]).toFixed(6) : r[f] ?? '');
    const same = (o: Record<string, string>, f: string): boolean => row[f] === undefined || o[f] === row[f];
    const i = left.findIndex((o) => same(o, 'trans_id') && same(o, 'id.orig_p') && same(o, 'query') && same(o, 'qtype') && (row['qtype_name'] === undefined || row['qtype'] !== undefined || RR_TYPES[Number(o['qtype'])] === row['qtype_name']));
    if (i < 0) {
      c.fail(`row for id ${row['trans_id']} ${row['query']} (${row['qtype_name'] ?? ''}): not among the decoder's events`);
      continue;
    }
    const o = left.splice(i, 1)[0]!;
    for (const f of fields) c.eq(`id ${row['trans_id']} ${f}`, norm(row, f), norm(o, f));
  }
}

/** `[a=1, b=x]` → {a: '1', b: 'x'} (values may contain ", " only inside brackets, which these baselines avoid). */
function record(line: string): Record<string, string> {
  const body = line.slice(line.indexOf('[') + 1, line.lastIndexOf(']'));
  const out: Record<string, string> = {};
  for (const part of body.split(/, (?=[A-Za-z_]+=)/)) {
    const eq = part.indexOf('=');
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '' && !l.startsWith('###'));
const allRecords = (events: DnsEvent[]): DnsRecord[] => events.flatMap((e) => [...(e.dns_answers ?? []), ...(e.dns_authorities ?? []), ...(e.dns_additionals ?? [])]);
const zeekInterval = (s: string): number => [...s.matchAll(/([\d.]+) (day|hr|min|sec)s?/g)].reduce((n, m) => n + Number(m[1]) * { day: 86400, hr: 3600, min: 60, sec: 1 }[m[2] as 'day']!, 0);
const b64 = (s: string): string => Buffer.from(s, 'base64').toString('hex');

export async function zeekCases(corpusDir: string): Promise<CaseResult[]> {
  const base = join(corpusDir, 'zeek-dns/baselines');
  const tr = (...p: string[]) => join(corpusDir, 'zeek-dns/traces', ...p);
  const read = (test: string, file: string) => readFileSync(join(base, test, file), 'utf8');
  const events = async (trace: string, config: Record<string, unknown> = {}) => (await decodeBytes(readFileSync(trace), config)).events;
  const out: CaseResult[] = [];
  const run = async (name: string, body: (c: Checker) => Promise<void> | void): Promise<void> => {
    const c = new Checker();
    try {
      await body(c);
    } catch (e) {
      c.fail(`error: ${(e as Error).message}`);
    }
    out.push(c.result(SOURCE, name));
  };
  const P = 'scripts.base.protocols.dns.';
  const logs: [string, string, string[], boolean?][] = [
    [`${P}binds`, 'dns.log', [tr('dns/dns-binds.pcap')]],
    [`${P}dns-key`, 'dns.log', [tr('dnssec/dnskey2.pcap')]],
    [`${P}dnskey`, 'dns.log', [tr('dnssec/dnskey.pcap')]],
    [`${P}ds`, 'dns.log', [tr('dnssec/ds.pcap')]],
    [`${P}duplicate-reponses`, 'dns.log', [tr('dns-two-responses.pcap')]],
    [`${P}flip`, 'dns.log', [tr('dns53.pcap')]],
    [`${P}mdns-no-assoc`, 'dns.log', [tr('dns/mdns-no-assoc.pcap')]],
    [`${P}multiple-txt-strings`, 'dns.log', [tr('dns-txt-multiple.pcap')]],
    [`${P}notify`, 'dns.log', [tr('dns/dns_notify2.pcap')]],
    [`${P}nsec`, 'dns.log', [tr('dnssec/nsec.pcap')]],
    [`${P}nsec3param`, 'dns.log', [tr('dnssec/nsec3param.pcap')]],
    [`${P}spf`, 'dns.log', [tr('dns-spf.pcap')]],
    [`${P}wks`, 'dns.log', [tr('dns/dns-wks.pcap')]],
    [`${P}zero-responses`, 'dns.log', [tr('dns-zero-RRs.pcap')]],
    ['scripts.policy.protocols.dns.original_case', 'dns.log', [tr('dns_original_case.pcap')]],
    [`${P}dnssec`, 'dns.ed25519.log', [tr('dnssec/ed25519.no.pcap')], true],
    [`${P}dnssec`, 'dns.ed448.log', [tr('dnssec/ed448.no.pcap')], true],
  ];
  for (const [test, file, traces, algo] of logs) await run(`${test}/${file}`, (c) => dnsLogCase(c, test, read(test, file), traces, algo === true));

  await run(`${P}ad-cd/output`, async (c) => {
    const blocks = read(`${P}ad-cd`, 'output').split('===, ').slice(1);
    for (const block of blocks) {
      const trace = block.split('\n')[0]!.replace('<...>/', '');
      const evs = await events(tr('dnssec', trace));
      const rows = lines(block).slice(1).map((l) => l.split(', '));
      c.eq(`${trace} messages`, rows.length, evs.length);
      rows.forEach((r, i) => {
        const e = evs[i]!;
        c.eq(`${trace} #${i + 1} [is_orig, QR, AD, CD]`, [r[2], r[4], r[6], r[8]], [tf(e.dns_message_type === 'query'), tf(e.dns_message_type === 'response'), tf(flag(e, 'AD')), tf(flag(e, 'CD'))]);
      });
    }
  });
  await run(`${P}binds/output`, async (c) => {
    const recs = allRecords(await events(tr('dns/dns-binds.pcap'))).filter((r) => r.type === 65534);
    const want = lines(read(`${P}binds`, 'output')).map(record);
    c.eq('records', want.length, recs.length);
    want.forEach((w, i) => {
      const hex = (recs[i]?.data ?? '').split(' ')[2] ?? '';
      const b = Buffer.from(hex, 'hex');
      c.eq(`#${i + 1} algorithm key_id removal complete`, [w['algorithm'], w['key_id'], w['removal_flag'], w['complete_flag']].map(Number), [b[0], b.readUInt16BE(1), b[3], b[4]]);
    });
  });
  await run(`${P}dns-edns-cookie/output`, async (c) => {
    const cookies = (await events(tr('dns-edns-cookie.pcap'))).filter((e) => e.dns_edns_cookie !== undefined).map((e) => e.dns_edns_cookie!);
    const want = lines(read(`${P}dns-edns-cookie`, 'output')).map(record);
    c.eq('messages with a cookie', want.length, cookies.length);
    want.forEach((w, i) => c.eq(`#${i + 1} client + server cookie`, zeekBytes(w['client_cookie']!).toString('hex') + zeekBytes(w['server_cookie']!).toString('hex'), cookies[i]));
  });
  await run(`${P}dns-edns-ecs/output`, async (c) => {
    const got: string[] = [];
    for (const t of ['dns-edns-ecs-bad.pcap', 'dns-edns-ecs-weirds.pcap', 'dns-edns-ecs.pcap']) {
      for (const e of await events(tr(t))) if (e.dns_edns_client_subnet !== undefined && e.additional_attrs?.['dns_malformed'] === undefined) got.push(`${e.dns_edns_client_subnet}/${e.additional_attrs?.['edns_ecs_scope'] ?? 0}`);
    }
    const want = lines(read(`${P}dns-edns-ecs`, 'output')).map(record).map((w) => `${w['address']}/${w['source_prefix_len']}/${w['scope_prefix_len']}`);
    c.eq('valid client subnet options (address/source/scope)', [...want].sort(), [...got].sort());
  });
  await run(`${P}dns-edns-tcp-keepalive/output`, async (c) => {
    const got = (await events(tr('dns-edns-tcp-keepalive.pcap'))).filter((e) => e.additional_attrs?.['edns_keepalive'] !== undefined).map((e) => e.additional_attrs!['edns_keepalive']);
    const want = lines(read(`${P}dns-edns-tcp-keepalive`, 'output')).map(record).map((w) => (w['keepalive_timeout_omitted'] === 'T' ? null : Number(w['keepalive_timeout'])));
    c.eq('keepalive timeouts (null: omitted)', want, got);
  });
  await run(`${P}dnskey/output + ${P}ds/output + ${P}nsec/output + ${P}nsec3param/output`, async (c) => {
    for (const [test, trace] of [['dnskey', 'dnssec/dnskey.pcap'], ['ds', 'dnssec/ds.pcap'], ['nsec', 'dnssec/nsec.pcap'], ['nsec3param', 'dnssec/nsec3param.pcap']] as const) {
      const recs = allRecords(await events(tr(trace)));
      const want = lines(read(`${P}${test}`, 'output'));
      const byType = (t: number) => recs.filter((r) => r.type === t);
      const taken = new Map<number, number>();
      const next = (t: number) => {
        const k = taken.get(t) ?? 0;
        taken.set(t, k + 1);
        return byType(t)[k];
      };
      for (const l of want) {
        if (l.startsWith('DNSKEY')) {
          const w = record(l);
          const r = next(48)?.data?.split(' ') ?? [];
          c.eq(`${test} DNSKEY flags protocol algorithm`, [w['flags'], w['protocol'], w['algorithm']], [r[0], r[1], r[2]]);
          c.eq(`${test} DNSKEY key`, zeekBytes(w['public_key']!).toString('hex'), b64(r[3] ?? ''));
        } else if (l.startsWith('RRSIG')) {
          const w = record(l);
          const r = next(46)?.data?.split(' ') ?? [];
          c.eq(`${test} RRSIG covered algorithm labels ttl tag signer`, [Number(w['type_covered']), w['algorithm'], w['labels'], zeekInterval(w['orig_ttl']!), w['key_tag'], w['signer_name']], [typeNumber(r[0] ?? ''), r[1], r[2], Number(r[3]), r[6], r[7]]);
          const incep = r[5] ?? '';
          c.eq(`${test} RRSIG inception`, Number(w['sig_incep']), Date.UTC(+incep.slice(0, 4), +incep.slice(4, 6) - 1, +incep.slice(6, 8), +incep.slice(8, 10), +incep.slice(10, 12), +incep.slice(12, 14)) / 1000);
          c.eq(`${test} RRSIG signature`, zeekBytes(w['signature']!).toString('hex'), b64(r[8] ?? ''));
        } else if (l.startsWith('DS')) {
          const w = record(l);
          const r = next(43)?.data?.split(' ') ?? [];
          c.eq(`${test} DS tag algorithm digest type digest`, [w['key_tag'], w['algorithm'], w['digest_type'], l.split('], ')[1]], [r[0], r[1], r[2], r[3]]);
        } else if (l.startsWith('NSEC,')) {
          const [, next2, bitmap] = /^NSEC, (\S+), \[(.*)\]$/.exec(l) ?? [];
          const r = next(47)?.data?.split(' ') ?? [];
          c.eq(`${test} NSEC next name (Zeek: lower case)`, next2, r[0]?.toLowerCase());
          const bm = zeekBytes(bitmap ?? '');
          const types: number[] = [];
          for (let i = 0; i < bm.length; i++) for (let bit = 0; bit < 8; bit++) if (bm[i]! & (0x80 >> bit)) types.push(i * 8 + bit);
          c.eq(`${test} NSEC type bitmap (window 0)`, types, r.slice(1).map(typeNumber));
        } else if (l.startsWith('NSEC3PARAM')) {
          const w = record(l);
          const r = next(51)?.data?.split(' ') ?? [];
          c.eq(`${test} NSEC3PARAM algorithm flags iterations salt`, [w['nsec_hash_algo'], w['nsec_flags'], w['nsec_iter'], l.split('], ')[1]], [r[0], r[1], r[2], r[3]]);
        }
      }
    }
  });
  await run(`${P}ech/output`, async (c) => {
    const recs = allRecords(await events(tr('dns/ech.pcap'))).filter((r) => r.type === 65 || r.type === 64);
    const params = recs.flatMap((r) => (r.data ?? '').split(' ').slice(2).map((p): [string, string?] => (p.includes('=') ? [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] : [p])));
    const want = lines(read(`${P}ech`, 'output')).map(record);
    const names: Record<string, string> = { '1': 'alpn', '3': 'port', '4': 'ipv4hint', '5': 'ech', '6': 'ipv6hint' };
    c.eq('parameters', want.map((w) => names[w['key']!] ?? w['key']), params.map(([k]) => k));
    want.forEach((w, i) => {
      const [k, v] = params[i] ?? ['', ''];
      const expect = k === 'alpn' ? w['alpn']!.replace(/^\[|\]$/g, '').split(', ').join(',') : k === 'ipv4hint' || k === 'ipv6hint' ? w['hint']!.replace(/^\[|\]$/g, '').split(', ').join(',') : k === 'ech' ? w['ech'] : w['p'];
      c.eq(`parameter ${i + 1} (${k})`, expect, v);
    });
  });
  await run(`${P}edns-rcode/output`, async (c) => {
    const e = (await events(tr('dns/dns_extended_rcode.pcap'))).find((x) => x.dns_message_type === 'response');
    c.eq('extended rcode', Number(lines(read(`${P}edns-rcode`, 'output'))[0]), e?.dns_response_code);
  });
  await run(`${P}tsig/out`, async (c) => {
    const evs = await events(tr('dns-tsig.pcap'));
    const w = record(lines(read(`${P}tsig`, 'out'))[0]!);
    const q = evs.find((e) => e.dns_message_type === 'query');
    const tsig = q?.dns_additionals?.find((x) => x.type === 250);
    const r = tsig?.data?.split(' ') ?? [];
    c.eq('TSIG record owner (Zeek: query) and the message is a query', [w['query'], w['is_query']], [tsig?.name, tf(q !== undefined).replace('T', '1')]);
    c.eq('algorithm fudge original id error', [w['alg_name'], Number(w['fudge']), w['orig_id'], Number(w['rr_error'])], [r[0], Number(r[2]), r[5], r[6] === 'NOERROR' ? 0 : r[6]]);
    c.eq('MAC', zeekBytes(w['sig']!).toString('hex'), b64(r[4] ?? ''));
    c.eq('MAC length', Number(lines(read(`${P}tsig`, 'out'))[1]), Number(r[3]));
  });
  await run(`${P}hinfo/.stdout`, async (c) => {
    const evs = await events(tr('dns/hinfo.pcap'));
    const line = lines(read(`${P}hinfo`, '.stdout'))[0]!;
    const [, cpu, os] = /, ([^,]+), ([^,]+)$/.exec(line)!;
    const r = evs.flatMap((e) => e.dns_answers ?? []).find((x) => x.type === 13);
    c.eq('HINFO cpu and os', [cpu, os], txtStrings(r?.data ?? '').map((b) => b.toString('latin1')));
    const resp = evs.find((e) => e.dns_message_type === 'response')!;
    c.eq('header', [51592, 'T', 'T', 'T', 1, 1, 0, 1], [resp.dns_id, tf(flag(resp, 'AA')), tf(flag(resp, 'RD')), tf(flag(resp, 'RA')), resp.dns_question_count, resp.dns_answer_count, resp.dns_authority_count, resp.dns_additional_count]);
    c.eq('answer TTL (1 hr)', 3600, r?.ttl);
  });
  await run(`${P}huge-ttl/.stdout`, async (c) => {
    const evs = await events(tr('dns-huge-ttl.pcap'));
    const want = lines(read(`${P}huge-ttl`, '.stdout')).map(record).map((w) => zeekInterval(w['TTL']!));
    c.eq('answer TTLs (49710 days 6 h 28 min 15 s = 2^32 - 1)', want, (evs[0]?.dns_answers ?? []).map((r) => r.ttl));
  });
  await run(`${P}wks/output`, async (c) => {
    const r = allRecords(await events(tr('dns/dns-wks.pcap'))).filter((x) => x.type === 11);
    const answered = (await events(tr('dns/dns-wks.pcap'))).filter((e) => e.dns_message_type === 'response').flatMap((e) => e.dns_answers ?? []).filter((x) => x.type === 11);
    c.eq('WKS records decoded (none left in generic form)', 0, r.filter((x) => x.data!.startsWith('\\#')).length);
    c.eq('one dns_WKS_reply event per response carrying WKS answers', lines(read(`${P}wks`, 'output')).length, answered.length > 0 ? 1 : 0);
  });
  for (const [test, file, trace, what] of [
    ['svcb-alpn-malformed-len', 'out-too-long', 'dns/svcb-alpn-malformed-len-too-long.pcap', 'alpn'],
    ['svcb-alpn-malformed-len', 'out-too-short', 'dns/svcb-alpn-malformed-len-too-short.pcap', 'alpn'],
    ['svcb-port-malformed', 'out', 'dns/svcb-port-malformed.pcap', 'port'],
  ] as const) {
    await run(`${P}${test}/${file} + weird.log`, async (c) => {
      const evs = await events(tr(trace));
      const r = allRecords(evs).find((x) => x.type === 65 || x.type === 64);
      const raw = zeekBytes(record(lines(read(`${P}${test}`, file))[0]!)['raw']!).toString('hex');
      c.eq(`the malformed ${what} parameter is kept (record in generic form holding the raw bytes)`, true, (r?.data ?? '').startsWith('\\#') && (r?.data ?? '').replace(/\s/g, '').includes(raw));
      c.eq(`the fault is named (Zeek: DNS_SVCB_${what}_length_invalid)`, true, evs.some((e) => String(e.additional_attrs?.['dns_malformed'] ?? '').includes(`SVCB ${what}`)));
    });
  }
  await run(`${P}svcb-rdlength-mismatch/weird.log`, async (c) => {
    const evs = await events(tr('dns-svcb-rdlength-mismatch.pcap'));
    c.eq('the short SVCB record is named (Zeek: DNS_SVCB_wrong_length)', true, evs.some((e) => String(e.additional_attrs?.['dns_malformed'] ?? '').includes('SVCB data has 2 bytes')));
  });
  await run(`${P}dns-edns-ecs/weird.log`, async (c) => {
    const faults: string[] = [];
    for (const t of ['dns-edns-ecs-bad.pcap', 'dns-edns-ecs-weirds.pcap', 'dns-edns-ecs.pcap']) for (const e of await events(tr(t))) if (e.additional_attrs?.['dns_malformed'] !== undefined) faults.push(`${e.src_ip} ${e.additional_attrs['dns_malformed']}`);
    const weirds = readLog(read(`${P}dns-edns-ecs`, 'weird.log'));
    for (const w of weirds) {
      const mine = faults.find((f) => f.startsWith(`${w['id.orig_h']} `) && /client subnet|EDNS option|cut short|declares/.test(f));
      c.eq(`${w['name']} from ${w['id.orig_h']}: the decoder names an EDNS fault in that message`, true, mine !== undefined);
    }
  });
  await run(`${P}edns-bad-length/weird.log`, async (c) => {
    const evs = await events(tr('dns/dns-edns-bad-length.pcap'));
    c.eq('EDNS_truncated_option: the decoder names it', true, evs.some((e) => String(e.additional_attrs?.['dns_malformed'] ?? '').includes('EDNS option header is cut short')));
  });
  await run('dns/loc-invalid-length.pcap (upstream: dns_invalid_loc_length once)', async (c) => {
    const evs = await events(tr('dns/loc-invalid-length.pcap'));
    c.eq('the LOC length fault is named once', 1, evs.filter((e) => String(e.additional_attrs?.['dns_malformed'] ?? '').includes('LOC data has')).length);
  });
  await run('dns/dns-invalid-names.pcap (upstream: DNS_label_len_gt_pkt, DNS_label_forward_compress_offset, dns_invalid_name)', async (c) => {
    const evs = await events(tr('dns/dns-invalid-names.pcap'));
    const faults = evs.map((e) => String(e.additional_attrs?.['dns_malformed'] ?? ''));
    c.eq('a label longer than the packet', true, faults.some((f) => f.includes('runs past the end of the message')));
    c.eq('a forward compression pointer', true, faults.some((f) => f.includes('does not point backwards')));
    c.eq('every message with a bad name is flagged', 3, faults.filter((f) => f !== '').length);
  });
  await run('dns-inverse-query.pcap (upstream: no dns.log for IQUERY)', async (c) => {
    const evs = await events(tr('dns-inverse-query.pcap'));
    c.eq('inverse queries are decoded with opcode 1 (IQUERY), for the user to filter', [1, 1], evs.map((e) => e.dns_opcode));
  });
  await run(`${P}max-queries/weird.log`, async (c) => {
    const evs = await events(tr('dns/conn-count-too-large.pcap'));
    c.eq('10 questions in the message (Zeek: DNS_Conn_count_too_large "10 > 3")', 10, evs[0]?.dns_question_count);
    c.eq('all 10 questions read', 9, String(evs[0]?.additional_attrs?.['dns_questions'] ?? '').split(', ').length);
  });
  out.push(skip(SOURCE, `${P}max-compression-depth/weird.log`, 'DNS_max_compression_chain_depth_exceeded is Zeek\'s policy limit (6 jumps); the chain is legal and the decoder follows it (the tshark differential agrees on all 7 answers)'));
  out.push(skip(SOURCE, 'dns/dns-corrupt.pcap, dns/mdns.pcap, dns/tm1t.pcap, dns/proto255.pcap', 'no decoded values in Zeek\'s goldens for these traces (conn.log / notice.log checks or none); they are in the tshark differential'));
  return out;
}
