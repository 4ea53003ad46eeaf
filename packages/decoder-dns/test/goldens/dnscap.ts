/**
 * dnscap's goldens (`dnscap -g` dumps): per message its time, endpoints, `OPCODE,RCODE,ID,flags`, and every
 * section with names, classes, types, TTLs, data and EDNS0. Each message in a gold must be among the decoder's
 * messages of the same capture with the same values. (A gold may hold two identical runs; test7/test8 hold runs
 * over several TCP captures, with and without dnscap's own reassembly: every message either run found is checked.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DnsRecord } from '@sightline/core';
import { type FoundDns, messagesOf } from '../helpers.js';
import { questionsOf } from '../../src/index.js';
import { className, opcodeName, rcodeName, typeName } from '../../src/wire/types.js';
import { type CaseResult, Checker, utcMs } from './common.js';

const SOURCE = 'dnscap';

interface GoldMessage {
  readonly file: string;
  readonly ms: number;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  /** `dns …` text (one line, continuations joined), or undefined when the packet had no DNS. */
  readonly dns: string | undefined;
}

function readGold(text: string): GoldMessage[] {
  const out: GoldMessage[] = [];
  const blocks = text.split(/\n(?=\[\d+\] )/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.startsWith('[') || l.startsWith('\t'));
    const flat = lines.join('\n').replace(/ *\\\n\t/g, ' ').replace(/\s+/g, ' ').trim();
    const m = /^\[\d+\] (\d{4}-\d\d-\d\d) (\S+) \[#\d+ (\S+) \d+\] \[([^\]]+)\]\.(\d+) \[([^\]]+)\]\.(\d+)(?: dns (.*))?$/.exec(flat);
    if (m === null) continue;
    out.push({ file: m[3]!, ms: utcMs(m[1]!, m[2]!), src: m[4]!, sport: Number(m[5]), dst: m[6]!, dport: Number(m[7]), dns: m[8] });
  }
  return out;
}

const withDot = (name: string): string => (name === '.' ? '.' : `${name}.`);

function recordText(r: DnsRecord): string {
  const data = r.type === 2 || r.type === 5 || r.type === 12 ? withDot(r.data ?? '') : r.data ?? '';
  return `${withDot(r.name)},${className(r.class ?? 1)},${typeName(r.type)},${r.ttl},${data}`;
}

const FLAGS: [number, string][] = [[0x8000, 'qr'], [0x0400, 'aa'], [0x0200, 'tc'], [0x0100, 'rd'], [0x0080, 'ra'], [0x0020, 'ad'], [0x0010, 'cd']];

/** Our message in dnscap's words: `OPCODE,RCODE,ID,flags` and the four sections as dnscap writes them. */
function asDnscap(f: FoundDns): { header: string; sections: string[][] } {
  const m = f.msg!;
  const flags = FLAGS.filter(([bit]) => (m.flags & bit) !== 0).map(([, n]) => n).join('|');
  const header = `${opcodeName(m.opcode)},${rcodeName(m.headerRcode)},${m.id},${flags}`;
  const qs = questionsOf(m).map((q) => `${withDot(q.name)},${className(q.class)},${typeName(q.type)}`);
  const ar = (m.additionals ?? []).map(recordText);
  if (m.edns !== undefined) {
    const e = m.edns;
    ar.splice(m.optIndex ?? ar.length, 0, `.,${e.udpSize},${e.udpSize},${(e.extendedRcode << 24) | (e.version << 16) | (e.dnssecOk ? 0x8000 : 0) | e.z},edns0[len=${0},UDP=${e.udpSize},ver=${e.version},rcode=${e.extendedRcode},DO=${e.dnssecOk ? 1 : 0},z=${e.z}]`);
  }
  return { header, sections: [qs, (m.answers ?? []).map(recordText), (m.authorities ?? []).map(recordText), ar] };
}

/** dnscap's `dns` text split into its header and sections (each section: a count, then that many entries). */
function parseDns(text: string): { header: string; sections: string[][] } | undefined {
  const tokens = text.split(' ');
  const header = tokens.shift()!;
  if (!/^[A-Z0-9]+,[A-Z0-9]+,\d+,/.test(header)) return undefined; // dnscap could not parse it ("Label length overflow"…)
  const sections: string[][] = [];
  while (sections.length < 4 && tokens.length > 0) {
    const n = Number(tokens.shift());
    const entries: string[] = [];
    for (let i = 0; i < n && tokens.length > 0; i++) {
      let t = tokens.shift()!;
      // EDNS options follow the OPT entry as separate tokens: edns0opt[…]
      while (tokens[0]?.startsWith('edns0opt[')) t += ` ${tokens.shift()}`;
      entries.push(t);
    }
    sections.push(entries);
  }
  return { header, sections };
}

/** The `len=` of dnscap's edns0 is the RDATA length, which the event does not keep; compare without it. */
const normalise = (entry: string): string => entry.replace(/edns0\[len=\d+,/, 'edns0[').replace(/ edns0opt\[[^\]]*\]/g, '');

export function dnscapCases(corpusDir: string): CaseResult[] {
  const dir = join(corpusDir, 'dnscap-dns');
  const golds: [string, string[], boolean][] = [
    ['dns.gold', ['dns.pcap'], true],
    ['dns.gold', ['frags.pcap'], false],
    ['dnspad.gold', ['dnspad.pcap'], true],
    ['ether_padd.gold', ['ether_padd.pcap', 'ipv6-with-ethernet-padding.pcap'], true],
    ['test7.gold', ['dnso1tcp.pcap', '1qtcpnosyn.pcap', 'do1t-nosyn-1nolen.pcap', 'dnso1tcp-midmiss.pcap'], true],
    ['test8.gold', ['dnsotcp-many1pkt.pcap', 'dnsotcp-manyopkts.pcap', 'dnso1tcp-bighole.pcap'], true],
  ];
  const results: CaseResult[] = [];
  for (const [gold, pcaps, byTime] of golds) {
    const messages = readGold(readFileSync(join(dir, 'expected', gold), 'utf8'));
    for (const pcap of pcaps) {
      const c = new Checker();
      const { found } = messagesOf(readFileSync(join(dir, 'pcap', pcap)), pcap);
      const ours = found.filter((f) => f.msg !== undefined);
      // frags.pcap is checked against dns.gold as upstream does: same messages, times and file name normalised away.
      const mine = messages.filter((g) => g.file === (byTime ? pcap : 'dns.pcap'));
      const seen = new Set<string>();
      let unparsed = 0;
      let cursor = 0;
      for (const g of mine) {
        if (g.dns === undefined) continue;
        const parsed = parseDns(g.dns);
        if (parsed === undefined) {
          unparsed++;
          continue;
        }
        const id = Number(parsed.header.split(',')[2]);
        const qr = parsed.header.split(',')[3]!.split('|').includes('qr');
        const key = `${g.ms}|${g.src}|${g.sport}|${id}|${qr}|${g.dns}`;
        if (byTime && seen.has(key)) continue; // the second of two identical runs
        seen.add(key);
        const match = (f: FoundDns): boolean => f.event!.src_ip === g.src && f.event!.src_port === g.sport && f.event!.dst_ip === g.dst && f.event!.dst_port === g.dport && f.msg!.id === id && f.msg!.response === qr;
        let f: FoundDns | undefined;
        if (byTime) f = ours.find((x) => match(x) && x.event!.event_time === g.ms);
        else {
          const i = ours.findIndex((x, k) => k >= cursor && match(x));
          if (i >= 0) {
            f = ours[i];
            cursor = i + 1;
          }
        }
        const where = `${g.src}.${g.sport} > ${g.dst}.${g.dport} id ${id} at ${new Date(g.ms).toISOString()}`;
        if (f === undefined) {
          c.fail(`${where}: in the gold, not among the decoder's messages`);
          continue;
        }
        const ourText = asDnscap(f);
        c.eq(`${where} header`, parsed.header, ourText.header);
        ['question', 'answer', 'authority', 'additional'].forEach((name, s) => {
          c.eq(`${where} ${name} section`, (parsed.sections[s] ?? []).map(normalise), (ourText.sections[s] ?? []).map(normalise));
        });
      }
      const r = c.result(SOURCE, `${gold} on ${pcap}`);
      results.push(unparsed > 0 && r.status === 'passed' ? { ...r, detail: `${unparsed} block(s) where dnscap itself could not parse a TCP segment were not compared` } : r);
    }
  }
  return results;
}
