/**
 * nDPI's ndpiReader outputs (a weak golden): one line per flow with its protocol, endpoints, the DNS query name
 * ("Hostname/SNI", as nDPI normalises it: lower case, non-printable bytes as '?', unusual characters as '_', an
 * in-addr.arpa name as its address) and the first address answered. Each DNS flow must be among the decoder's
 * messages with that name and that first answer.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DnsEvent } from '@sightline/core';
import { decodeBytes } from '../helpers.js';
import { type CaseResult, Checker } from './common.js';
import { nameLabels } from '../helpers.js';

const SOURCE = 'nDPI';

/** The query name as nDPI shows it. */
function ndpiName(name: string): string {
  const labels = nameLabels(name).map((l) => [...l].map((b) => (b < 0x20 || b >= 0x7f ? '?' : String.fromCharCode(b).toLowerCase())).join(''));
  const text = labels.join('.');
  const arpa = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(text);
  return arpa === null ? text : `${arpa[4]}.${arpa[3]}.${arpa[2]}.${arpa[1]}`;
}

/** nDPI replaces characters outside [a-z0-9.-_?] with '_' and, in names it flags as invalid, drops the first one. */
function sameHost(ndpi: string, ours: string): boolean {
  if (ndpi === ours) return true;
  const replaced = ours.replace(/[^a-z0-9.\-_?]/g, '_');
  return ndpi === replaced || ndpi === replaced.slice(1);
}

const endpoint = (s: string): [string, number] => {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(s)!;
  return [m[1]!, Number(m[2])];
};

export async function ndpiCases(corpusDir: string): Promise<CaseResult[]> {
  const dir = join(corpusDir, 'ndpi');
  const results: CaseResult[] = [];
  for (const out of readdirSync(join(dir, 'result')).sort()) {
    const pcap = out.replace(/\.out$/, '');
    const flows = readFileSync(join(dir, 'result', out), 'utf8')
      .split('\n')
      .map((l) => /^\t\d+\t(TCP|UDP) (\S+) (?:<->|->) (\S+) \[proto: [\d.]+\/DNS[^\]]*\].*\[Hostname\/SNI: ([^\]]*)\]\[([^\]]*)\]/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    const c = new Checker();
    const { events } = await decodeBytes(readFileSync(join(dir, 'pcap', pcap)));
    for (const f of flows) {
      const [a, ap] = endpoint(f[2]!);
      const [b, bp] = endpoint(f[3]!);
      const proto = f[1] === 'TCP' ? 6 : 17;
      const inFlow = (e: DnsEvent): boolean => e.n_proto === proto && ((e.src_ip === a && e.src_port === ap && e.dst_ip === b && e.dst_port === bp) || (e.src_ip === b && e.src_port === bp && e.dst_ip === a && e.dst_port === ap));
      const mine = events.filter(inFlow);
      const where = `${f[1]} ${f[2]} <-> ${f[3]}`;
      if (mine.length === 0) {
        c.fail(`${where}: nDPI sees a DNS flow, the decoder has no message in it`);
        continue;
      }
      // nDPI's host is a question name of the flow (an inverse query has none: then its answer's owner, the address asked about).
      const hosts = mine.flatMap((e) => (e.dns_query !== undefined ? [ndpiName(e.dns_query)] : e.dns_opcode === 1 ? (e.dns_answers ?? []).map((r) => ndpiName(r.name)) : []));
      c.eq(`${where} Hostname/SNI ${f[4]} among the flow's question names ${JSON.stringify(hosts)}`, true, hosts.some((h) => sameHost(f[4]!, h)));
      if (f[5] !== '0.0.0.0') {
        const first = mine.flatMap((e) => (e.dns_message_type === 'response' ? (e.dns_answers ?? []) : [])).find((r) => r.type === 1 || r.type === 28);
        c.eq(`${where} first answer address`, f[5], first?.data);
      }
    }
    results.push(c.checks === 0 ? { source: SOURCE, name: pcap, status: 'skipped', detail: 'no DNS flow in nDPI\'s output for this capture', checks: 0 } : c.result(SOURCE, pcap));
  }
  return results;
}
