/**
 * tcpdump's DNS goldens (tests/*.out: `TZ=GMT0 tcpdump -# -n -tttt -r <pcap> <options>`): one line per packet
 * with its number and time; for DNS, the id, flags, opcode/rcode names, question, counts, answers (type and data,
 * with owner names and TTLs at -vv/-vvv), EDNS size and cookie, and the message length. Each line's values are
 * compared with the decoder's message in the same packet.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type FoundDns, messagesOf } from '../helpers.js';
import { questionsOf } from '../../src/index.js';
import { type CaseResult, Checker, skip, utcMs } from './common.js';

const SOURCE = 'tcpdump';

const RCODES: Record<string, number> = { FormErr: 1, ServFail: 2, NXDomain: 3, NotImp: 4, Refused: 5, YXDomain: 6, YXRRSet: 7, NXRRSet: 8, NotAuth: 9, NotZone: 10, BadVers: 16, BadKey: 17, BadTime: 18, BadMode: 19, BadName: 20, BadAlg: 21, BadTruncation: 22, BadCookie: 23, NoChange: 15 };
const OPCODES: Record<string, number> = { inv_q: 1, stat: 2, op3: 3, notify: 4, update: 5, op6: 6, op7: 7, op8: 8, updateA: 9, updateD: 10, updateDA: 11, updateM: 12, updateMA: 13, zoneInit: 14, zoneRef: 15 };
const TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48 };
const typeOf = (t: string): number | undefined => TYPES[t] ?? (/^Type(\d+)$/.exec(t) ? Number(t.slice(4)) : undefined);
const TTL_UNITS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
const ttlOf = (t: string): number => [...t.matchAll(/(\d+)([wdhms])/g)].reduce((n, m) => n + Number(m[1]) * TTL_UNITS[m[2]!]!, 0);

/** The pcap and options of each expected output, from the corpus README's table. */
function outputs(corpusDir: string): { out: string; pcap: string; options: string }[] {
  const readme = readFileSync(join(corpusDir, 'README.md'), 'utf8');
  const list: { out: string; pcap: string; options: string }[] = [];
  for (const m of readme.matchAll(/`shared\/corpus\/tcpdump-dns\/expected\/([^`]+)` \| text \(tcpdump decode\) \| output of `TZ=GMT0 tcpdump -# -n -tttt -r (\S+) ?([^`]*)`/g)) list.push({ out: m[1]!, pcap: m[2]!, options: m[3]!.trim() });
  return list;
}

/** Frames of a tcpdump output: number, time, and the text after the addresses (the DNS part, when there is one). */
function frames(text: string): { n: number; ms: number; summary: string }[] {
  const out: { n: number; ms: number; summary: string }[] = [];
  for (const block of text.split(/\n(?=\s+\d+\s+(?:caplen \d+ len \d+ )?\d{4}-\d\d-\d\d )/)) {
    const head = /^\s+(\d+)\s+(?:caplen \d+ len \d+ )?(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+) ([\s\S]*)$/.exec(block);
    if (head === null) continue;
    const rest = head[4]!.replace(/\n\s+/g, ' ');
    const addr = /\d[\d.:a-f]*\.\d+ > [\d.:a-f]+\.\d+: (.*)$/.exec(rest);
    if (addr === null) continue;
    let summary = addr[1]!;
    const tcp = /^Flags \[[^\]]*\],.*?length (\d+)(?: (.*))?$/.exec(summary);
    if (tcp !== null) summary = tcp[2] ?? '';
    summary = summary.replace(/^\[(?:udp sum ok|bad udp cksum [^\]]*)\] /, '');
    out.push({ n: Number(head[1]), ms: utcMs(head[2]!, head[3]!), summary });
  }
  return out;
}

/** Checks one DNS summary line against the decoder's message. */
function compare(c: Checker, where: string, s: string, f: FoundDns): void {
  const e = f.event!;
  const m = f.msg!;
  const head = /^(\d+)((?: [A-Za-z][A-Za-z_0-9]*)*)([*+%$|-]*)(?= |$)/.exec(s);
  if (head === null) return c.fail(`${where}: cannot read "${s.slice(0, 60)}"`);
  c.eq(`${where} id`, Number(head[1]), m.id);
  const response = /\s\d+\/\d+\/\d+(\s|$)/.test(s);
  c.eq(`${where} query/response`, response, m.response);
  const words = head[2]!.trim().split(' ').filter((w) => w !== '');
  let rcode = 0;
  let opcode = 0;
  for (const w of words) {
    if (OPCODES[w] !== undefined) opcode = OPCODES[w]!;
    else if (RCODES[w] !== undefined) rcode = RCODES[w]!;
  }
  c.eq(`${where} opcode`, opcode, m.opcode);
  const marks = head[3]!;
  if (response) {
    c.eq(`${where} rcode`, rcode, m.rcode);
    c.eq(`${where} AA RA TC AD`, [marks.includes('*'), !marks.includes('-'), marks.includes('|'), marks.includes('$')], [(m.flags & 0x400) !== 0, (m.flags & 0x80) !== 0, (m.flags & 0x200) !== 0, (m.flags & 0x20) !== 0]);
    const counts = /\s(\d+)\/(\d+)\/(\d+)(?:\s|$)/.exec(s)!;
    c.eq(`${where} counts`, [Number(counts[1]), Number(counts[2]), Number(counts[3])], [m.ancount, m.nscount, m.arcount]);
    // Answers: "TYPE data" (or "name. [ttl] TYPE data" at -vv), comma-separated, up to " ns:", " ar:", "(" or a cut.
    const after = s.slice(counts.index + counts[0].length);
    const section = after.split(/ (?:ns|ar): | \(\d+\)$| \[\|domain\]/)[0]!.trim();
    const entries = section === '' ? [] : section.split(', ');
    const answers = e.dns_answers ?? [];
    entries.forEach((entry, i) => {
      const words2 = entry.split(' ');
      const ti = words2.findIndex((w) => typeOf(w) !== undefined);
      if (ti < 0) return;
      const a = answers[i];
      if (a === undefined) return c.fail(`${where} answer ${i + 1}: golden ${entry}, ours none`);
      c.eq(`${where} answer ${i + 1} type`, typeOf(words2[ti]!), a.type);
      const data = words2[ti + 1];
      if (data !== undefined && [1, 28, 2, 5, 12].includes(a.type)) c.eq(`${where} answer ${i + 1} data`, data.replace(/\.$/, ''), a.data);
      const ttl = /^\[(\w+)\]$/.exec(words2[ti - 1] ?? '');
      if (ttl !== null) c.eq(`${where} answer ${i + 1} TTL`, ttlOf(ttl[1]!), a.ttl);
      if (ti >= 1 && words2[0]!.endsWith('.')) c.eq(`${where} answer ${i + 1} name`, words2[0]!.replace(/\.$/, '') || '.', a.name);
    });
  } else {
    c.eq(`${where} RD CD`, [marks.includes('+'), marks.includes('%')], [(m.flags & 0x100) !== 0, (m.flags & 0x10) !== 0]);
    const au = /\[(\d+)au\]/.exec(s);
    c.eq(`${where} additional count`, au === null ? 0 : Number(au[1]), m.arcount);
  }
  const qd = /\[(\d+)q\]/.exec(s);
  if (qd !== null) c.eq(`${where} question count`, Number(qd[1]), m.qdcount);
  const q = /(?:^|\s)(?:q: )?(\S+)(?: \(Class (\d+)\))?\? (\S+)/.exec(s);
  const first = questionsOf(m)[0];
  if (q !== null && first === undefined) c.eq(`${where} tcpdump prints a question name the decoder cannot read: the decoder notes a problem`, true, m.problem !== undefined);
  else if (q !== null && first !== undefined) {
    c.eq(`${where} question type`, typeOf(q[1]!), first.type);
    if (q[2] !== undefined) c.eq(`${where} question class`, Number(q[2]), first.class);
    if (!/[^\x21-\x7e]|M-|\^/.test(q[3]!)) c.eq(`${where} question name`, q[3]!.replace(/\.$/, '') || '.', first.name);
  }
  const opt = /OPT UDPsize=(\d+)/.exec(s);
  if (opt !== null) c.eq(`${where} EDNS UDP size`, Number(opt[1]), m.edns?.udpSize);
  const cookie = /\[COOKIE ([0-9a-f]+)\]/.exec(s);
  if (cookie !== null) c.eq(`${where} EDNS cookie`, cookie[1], m.edns?.cookie);
  const len = /\((\d+)\)$/.exec(s);
  if (len !== null) c.eq(`${where} message length`, Number(len[1]), m.length);
  if (/\[\|domain\]|<BAD PTR>/.test(s)) c.eq(`${where} tcpdump stops early (cut or bad name): the decoder notes a problem`, true, m.problem !== undefined);
}

export function tcpdumpCases(corpusDir: string): CaseResult[] {
  const results: CaseResult[] = [];
  const expected = new Set(readdirSync(join(corpusDir, 'tcpdump-dns/expected')));
  for (const { out, pcap, options } of outputs(corpusDir)) {
    if (!expected.has(out)) continue;
    if (pcap === 'ppp_ip_udp_dns.pcap') {
      results.push(skip(SOURCE, out, 'tcpdump decodes an IP packet inside an unknown PPP protocol (0x7e08) of this fuzzed frame; the decoder does not take a non-IP PPP payload for IP (no event, no DNS)'));
      continue;
    }
    const ports = options.includes('-T domain') ? [53, 8053] : [53];
    const bytes = readFileSync(join(corpusDir, 'tcpdump-dns/pcap', pcap));
    const { found, issues } = messagesOf(bytes, pcap, { udpPorts: new Set([...ports, 5353, 5355]), tcpPorts: new Set(ports), heuristic: false });
    const byFrame = new Map<number, FoundDns>();
    for (const f of found) if (!byFrame.has(f.frame)) byFrame.set(f.frame, f);
    const c = new Checker();
    for (const fr of frames(readFileSync(join(corpusDir, 'tcpdump-dns/expected', out), 'utf8'))) {
      const where = `#${fr.n}`;
      const dnsText = /^\d+[ *+%$|\-A-Za-z_0-9]*(?: \[|\s\d+\/\d+\/\d+|\s\S+\? )/.test(fr.summary);
      const invalid = /\[length (\d+) < 12\] \(invalid\)/.exec(fr.summary);
      const f = byFrame.get(fr.n);
      if (invalid !== null) {
        c.eq(`${where} payload shorter than a header is not a message (tcpdump: length ${invalid[1]} < 12)`, true, f === undefined || f.msg === undefined);
        continue;
      }
      if (!dnsText) {
        if (/^(?:UDP|length 0|$)/.test(fr.summary) && f?.event !== undefined) c.fail(`${where}: tcpdump shows no DNS, the decoder made an event`);
        continue;
      }
      if (f?.event === undefined) {
        c.fail(`${where}: tcpdump decodes DNS (${fr.summary.slice(0, 50)}…), the decoder has no message here`);
        continue;
      }
      c.eq(`${where} time (ms)`, fr.ms, f.event.event_time);
      compare(c, where, fr.summary, f);
    }
    void issues;
    results.push(c.result(SOURCE, `${out} (${pcap}${options === '' ? '' : ` ${options}`})`));
  }
  return results;
}
