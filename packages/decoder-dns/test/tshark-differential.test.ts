/**
 * Differential check against tshark (Wireshark 4, the Debian package) on every DNS capture of the shared corpus:
 * frame by frame, the fields of Apache Spot's tshark command (frame.time_epoch, frame.len, ip.src, ip.dst,
 * dns.resp.name/type/class of the first record, dns.flags.rcode, dns.a) and the question fields must agree with
 * what the decoder reads, and so must every record's name, type, class and TTL, the counts and the flags.
 * tshark uses the same DNS ports (53, 5353 mDNS, 5355 LLMNR; TCP 53, 5353) and a UDP heuristic, as the decoder does.
 *
 * Where the two differ by design, the difference is listed in KNOWN with the reason, and the test prints it.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { SPOT_DNS_INGEST_COLUMNS } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { corpus, hasTool } from '../../../test/corpus.js';
import type { DnsEvent } from '@sightline/core';
import { questionsOf } from '../src/index.js';
import { RR_TYPES } from '../src/wire/types.js';
import { type FoundDns, capturesIn, messagesOf, tshark, tsharkName } from './helpers.js';

const FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'dns.id',
  'dns.flags.response',
  'dns.flags.opcode',
  'dns.flags.rcode',
  'dns.count.queries',
  'dns.count.answers',
  'dns.count.auth_rr',
  'dns.count.add_rr',
  'dns.count.zones',
  'dns.count.prerequisites',
  'dns.count.updates',
  'dns.qry.name',
  'dns.qry.type',
  'dns.qry.class',
  'dns.resp.name',
  'dns.resp.type',
  'dns.resp.class',
  'dns.resp.ttl',
  'dns.a',
  'dns.aaaa',
  'icmp.type',
  'icmpv6.type',
  '_ws.malformed',
] as const;
type Field = (typeof FIELDS)[number];
const SEP = '\x1e';
const AGG = '\x1f';

/** Differences that are the decoder's choice, not a bug: file (relative to the corpus) → frame → reason. */
const KNOWN: Record<string, Record<number, string>> = {
  'zeek-dns/traces/dns/dns-edns-bad-length.pcap': {
    1: 'the OPT record comes before another additional record; the data model keeps OPT apart from dns_additionals, so the Spot view\'s "first record" is the A record after it (tshark: OPT). The A record itself agrees',
  },
};

type Row = Record<Field, string[]>;

function parseRows(stdout: string): Map<number, Row> {
  const rows = new Map<number, Row>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const cols = line.split(SEP);
    const row = {} as Row;
    FIELDS.forEach((f, i) => (row[f] = cols[i] === undefined || cols[i] === '' ? [] : cols[i]!.split(AGG)));
    if (row['dns.id'].length > 0) rows.set(Number(row['frame.number'][0]), row);
  }
  return rows;
}

const hexNum = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const spotColumn = (name: string) => SPOT_DNS_INGEST_COLUMNS.find((c) => c.name === name)!;

const TYPE_NUMBERS = new Map(Object.entries(RR_TYPES).map(([n, name]) => [name, Number(n)]));
const typeNumber = (t: string): number => TYPE_NUMBERS.get(t) ?? Number(t.replace(/^TYPE/, ''));

/** tshark lists the types of NSEC/NSEC3/CSYNC type bitmaps among `dns.resp.type`: the same list, from our records. */
function typesAsTshark(records: readonly { type: number; data?: string }[]): number[] {
  const out: number[] = [];
  for (const r of records) {
    out.push(r.type);
    const words = (r.data ?? '').split(' ');
    const bitmap = r.type === 47 ? words.slice(1) : r.type === 50 ? words.slice(5) : r.type === 62 ? words.slice(2) : [];
    if (!(r.data ?? '').startsWith('\\#')) for (const t of bitmap) if (t !== '') out.push(typeNumber(t));
  }
  return out;
}

/** tshark's stand-ins for names it could not read: `<Name too long>`, `<Name contains a pointer that loops>`… */
const placeholder = (name: string | undefined): boolean => name !== undefined && name.startsWith('<') && name !== '<Root>';

/**
 * Compares one frame's DNS messages (tshark's row may list several, for TCP) with ours; returns the differences.
 * In a malformed message (tshark raised an exception, or the decoder found a fault) each side stops at a different
 * place: lists are then compared on their common prefix, up to the first name tshark could not read.
 */
function compareFrame(row: Row, ours: FoundDns[], notes: string[]): string[] {
  const diffs: string[] = [];
  let prefix = false;
  const d = (what: string, theirs: unknown, mine: unknown): void => {
    if (prefix && Array.isArray(theirs) && Array.isArray(mine)) {
      let n = Math.min(theirs.length, mine.length);
      const cut = theirs.findIndex((x) => placeholder(typeof x === 'string' ? x : undefined));
      if (cut >= 0) n = Math.min(n, cut);
      theirs = theirs.slice(0, n);
      mine = mine.slice(0, n);
    }
    if (JSON.stringify(theirs) !== JSON.stringify(mine)) diffs.push(`${what}: tshark ${JSON.stringify(theirs)}, ours ${JSON.stringify(mine)}`);
  };
  const k = row['dns.id'].length;
  d('messages in the frame', k, ours.length);
  if (k !== ours.length) return diffs;
  // Split the aggregated lists per message by the header counts (exact for well-formed messages; one message is the usual case).
  let qAt = 0;
  let rAt = 0;
  let cAt = 0;
  let tAt = 0;
  let aAt = 0;
  let a6At = 0;
  for (let i = 0; i < k; i++) {
    const f = ours[i]!;
    const e = f.event;
    if (e === undefined) {
      diffs.push(`message ${i + 1}: tshark decodes it, ours is too short to be DNS`);
      continue;
    }
    const msg = f.msg!;
    const p = `message ${i + 1}`;
    prefix = row['_ws.malformed'].length > 0 || msg.problem !== undefined || row['dns.qry.name'].some(placeholder) || row['dns.resp.name'].some(placeholder);
    if (prefix) notes.push(`malformed (${msg.problem?.message ?? 'tshark: exception'}): compared up to where either side stopped`);
    d(`${p} frame.len`, Number(row['frame.len'][0]), e.dns_len);
    const epoch = row['frame.time_epoch'][0]!;
    const [s, frac = '0'] = epoch.split('.');
    d(`${p} frame.time_epoch (ms)`, Number(s) * 1000 + Number(frac.padEnd(9, '0').slice(0, 3)), e.event_time);
    const src = row['ip.src'].length > 0 ? row['ip.src'] : row['ipv6.src'];
    const dst = row['ip.dst'].length > 0 ? row['ip.dst'] : row['ipv6.dst'];
    d(`${p} ip.src`, src[src.length - 1], e.src_ip);
    d(`${p} ip.dst`, dst[dst.length - 1], e.dst_ip);
    d(`${p} dns.id`, Number(row['dns.id'][i]), e.dns_id);
    d(`${p} dns.flags.response`, row['dns.flags.response'][i] === '1' || row['dns.flags.response'][i] === 'True', e.dns_message_type === 'response');
    d(`${p} dns.flags.opcode`, Number(row['dns.flags.opcode'][i]), e.dns_opcode);
    if (e.dns_message_type === 'response') d(`${p} dns.flags.rcode (Spot dns_qry_rcode)`, Number(row['dns.flags.rcode'][i]), spotColumn('dns_qry_rcode').get(e as never));
    // UPDATE messages (opcode 5) name their sections zones, prerequisites, updates (RFC 2136).
    const update = e.dns_opcode === 5;
    const qd = Number(row[update ? 'dns.count.zones' : 'dns.count.queries'][i]);
    const an = Number(row[update ? 'dns.count.prerequisites' : 'dns.count.answers'][i]);
    const ns = Number(row[update ? 'dns.count.updates' : 'dns.count.auth_rr'][i]);
    const ar = Number(row['dns.count.add_rr'][i]);
    d(`${p} counts`, [qd, an, ns, ar], [e.dns_question_count, e.dns_answer_count, e.dns_authority_count, e.dns_additional_count]);
    // Questions: tshark lists the ones it could read.
    const nq = k === 1 ? row['dns.qry.name'].length : qd;
    const qNames = row['dns.qry.name'].slice(qAt, qAt + nq);
    const qTypes = row['dns.qry.type'].slice(qAt, qAt + nq).map(Number);
    const qClasses = row['dns.qry.class'].slice(qAt, qAt + nq).map(hexNum);
    qAt += nq;
    const questions = questionsOf(msg);
    if (!prefix) d(`${p} questions read`, qNames.length, questions.length);
    d(`${p} dns.qry.name`, qNames, questions.map((q) => tsharkName(q.name)));
    d(`${p} dns.qry.type`, qTypes, questions.map((q) => q.type));
    d(`${p} dns.qry.class`, qClasses, questions.map((q) => q.class));
    // Records: tshark lists OPT among them (without class and TTL); the event keeps OPT apart.
    const nr = k === 1 ? row['dns.resp.type'].length : an + ns + ar;
    const rTypes = row['dns.resp.type'].slice(rAt, rAt + nr).map(Number);
    const rNames = row['dns.resp.name'].slice(rAt, rAt + nr);
    rAt += nr;
    const nOpt = rTypes.filter((t) => t === 41).length;
    const nc = k === 1 ? row['dns.resp.class'].length : nr - nOpt;
    const rClasses = row['dns.resp.class'].slice(cAt, cAt + nc).map(hexNum);
    cAt += nc;
    const nt = k === 1 ? row['dns.resp.ttl'].length : nr - nOpt;
    const rTtls = row['dns.resp.ttl'].slice(tAt, tAt + nt).map(Number);
    tAt += nt;
    const records = [...(e.dns_answers ?? []), ...(e.dns_authorities ?? []), ...(e.dns_additionals ?? [])];
    const withOpt: { type: number; name: string; data?: string }[] = [...records];
    if (msg.edns !== undefined) withOpt.splice((e.dns_answers?.length ?? 0) + (e.dns_authorities?.length ?? 0) + (msg.optIndex ?? 0), 0, { type: 41, name: '.' });
    const oursTypes = typesAsTshark(withOpt);
    // tshark files SRV owner names under dns.srv.name, not dns.resp.name.
    const oursNames = withOpt.filter((r) => r.type !== 33).map((r) => tsharkName(r.name));
    d(`${p} dns.resp.type`, rTypes, oursTypes);
    d(`${p} dns.resp.name`, rNames, oursNames);
    // tshark shows no class or TTL for OPT records (wherever they are).
    d(`${p} dns.resp.class`, rClasses, records.filter((r) => r.type !== 41).map((r) => r.class));
    d(`${p} dns.resp.ttl`, rTtls, records.filter((r) => r.type !== 41).map((r) => r.ttl));
    // Spot's first-record columns (occurrence=f), from the event through the Spot view.
    if (e.dns_message_type === 'response' && !withOpt.some((r) => r.type === 33)) {
      d(`${p} Spot dns.resp.name (first)`, rNames[0] === undefined ? undefined : rNames[0], spotName(spotColumn('dns_qry_name').get(e as never), rNames[0] === undefined));
      d(`${p} Spot dns.resp.type (first)`, rTypes[0], rTypes[0] === undefined ? undefined : spotColumn('dns_qry_type').get(e as never));
      const firstClass = rTypes[0] === 41 ? undefined : rClasses[0];
      const spotClass = spotColumn('dns_qry_class').get(e as never);
      if (rTypes[0] !== undefined) d(`${p} Spot dns.resp.class (first)`, firstClass, spotClass === undefined ? undefined : Number(spotClass));
    }
    const na = k === 1 ? row['dns.a'].length : records.filter((r) => r.type === 1).length;
    const aList = row['dns.a'].slice(aAt, aAt + na);
    aAt += na;
    d(`${p} dns.a`, aList, records.filter((r) => r.type === 1).map((r) => r.data));
    if (e.dns_message_type === 'response') d(`${p} Spot dns.a (first)`, aList[0], spotColumn('dns_a').get(e as never));
    const n6 = k === 1 ? row['dns.aaaa'].length : records.filter((r) => r.type === 28).length;
    d(`${p} dns.aaaa`, row['dns.aaaa'].slice(a6At, a6At + n6), records.filter((r) => r.type === 28).map((r) => r.data));
    a6At += n6;
  }
  return diffs;
}

/** The Spot view writes names as tshark does, except that it has no name when there is no record at all. */
function spotName(v: unknown, none: boolean): string | undefined {
  if (none) return undefined;
  return typeof v === 'string' ? (v === '<Root>' ? v : tsharkName(v)) : undefined;
}

const c = corpus();
const haveTshark = await hasTool('tshark');
const DIRS = ['tcpdump-dns', 'dnscap-dns', 'zeek-dns', 'suricata-verify-dns', 'ndpi'];

describe.skipIf(!c.available || !haveTshark)(`dns decoder against tshark -T fields on the corpus${!c.available ? c.note : !haveTshark ? ' (skipped: tshark is not installed)' : ''}`, () => {
  const files = c.available ? DIRS.flatMap((d) => capturesIn(c.path(d))) : [];

  it(`agrees with tshark frame by frame on the ${files.length} DNS captures (Spot's fields, questions, records)`, { timeout: 900_000 }, async () => {
    const report: string[] = [];
    const failures: string[] = [];
    let frames = 0;
    let messages = 0;
    const results = await Promise.all(
      files.map(async (file) => {
        const args = ['-r', file, '-n', '-T', 'fields', '-E', `separator=${SEP}`, '-E', `aggregator=${AGG}`, '-E', 'quote=n', ...FIELDS.flatMap((f) => ['-e', f])];
        return { file, out: await tshark(args) };
      }),
    );
    for (const { file, out } of results) {
      const rel = relative(c.dir, file);
      if (out.status !== 0) {
        report.push(`${rel}: tshark cannot read it (${out.stderr.trim().split('\n').pop()}); compared the decoder's issues only`);
        continue;
      }
      const rows = parseRows(out.stdout);
      const { found } = messagesOf(readFileSync(file), rel);
      const byFrame = new Map<number, FoundDns[]>();
      for (const f of found) {
        if (f.msg === undefined) {
          // Too short for a DNS header: the decoder makes no event but an issue (tshark shows no DNS either).
          if (rows.has(f.frame)) failures.push(`${rel} #${f.frame}: tshark decodes a message the decoder finds too short`);
          else report.push(`${rel} #${f.frame}: a payload on a DNS port too short for a DNS header (no event, an SL_DNS_MALFORMED issue; tshark shows no DNS either)`);
          continue;
        }
        (byFrame.get(f.frame) ?? byFrame.set(f.frame, []).get(f.frame)!).push(f);
      }
      const known = KNOWN[rel] ?? {};
      const frameNumbers = new Set([...rows.keys(), ...byFrame.keys()]);
      let fileDiffs = 0;
      for (const n of [...frameNumbers].sort((a, b) => a - b)) {
        const row = rows.get(n);
        const ours = byFrame.get(n) ?? [];
        if (row !== undefined && (row['icmp.type'].length > 0 || row['icmpv6.type'].length > 0) && ours.length === 0) {
          report.push(`${rel} #${n}: tshark shows the DNS message quoted inside an ICMP error; the decoder does not read quoted packets (not a DNS message on the wire)`);
          continue;
        }
        const notes: string[] = [];
        if (row === undefined && ours.length > 0 && ours.every((f) => f.event?.n_proto === 6 && f.msg?.problem === undefined && f.msg?.trailing === 0)) {
          report.push(`${rel} #${n}: ${ours.length} DNS-over-TCP message(s) decoded cleanly where tshark shows none (tshark stops reassembling a stream after a capture gap or a start without SYN; the decoder finds the next message boundary)`);
          frames++;
          messages += ours.length;
          continue;
        }
        const diffs = row === undefined ? [`frame has ${ours.length} DNS message(s) for us, none for tshark`] : compareFrame(row, ours, notes);
        if (diffs.length === 0 && notes.length > 0) report.push(`${rel} #${n}: ${notes.join('; ')}`);
        frames++;
        messages += ours.length;
        if (diffs.length === 0) continue;
        fileDiffs++;
        if (known[n] !== undefined) report.push(`${rel} #${n}: known difference — ${known[n]} (${diffs.join('; ')})`);
        else failures.push(`${rel} #${n}: ${diffs.join('; ')}`);
      }
      if (fileDiffs === 0) report.push(`${rel}: ${rows.size} DNS frames, all agree`);
    }
    console.log(`[dns vs tshark] ${files.length} captures, ${frames} frames with DNS, ${messages} messages compared; ${failures.length} unexplained differences\n  ${report.join('\n  ')}${failures.length > 0 ? `\n  DIFFERENCES:\n  ${failures.join('\n  ')}` : ''}`);
    expect(failures).toEqual([]);
    expect(frames).toBeGreaterThan(500);
  });
});

export type { DnsEvent };
