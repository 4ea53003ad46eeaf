/**
 * Comparison of Sightline flow events with other decoders' goldens (flowbeat, Elastic beats): each golden field
 * named by an IANA information element is looked up in the event (its ODM column, or additional_attrs under the
 * same name) and compared after normalising representations (base64 vs hex bytes, ISO times vs epoch ms, NUL
 * padding). Fields only one side has are counted, not compared.
 */
import type { FlowEvent } from '@sightline/core';
import { ianaElementByName } from '../src/index.js';
import { IPFIX_ELEMENTS } from '../src/wire/ipfix-registry.generated.js';

const ODM_OF: Record<string, keyof FlowEvent> = {
  sourceIPv4Address: 'src_ip',
  sourceIPv6Address: 'src_ip',
  destinationIPv4Address: 'dst_ip',
  destinationIPv6Address: 'dst_ip',
  sourceTransportPort: 'src_port',
  destinationTransportPort: 'dst_port',
  protocolIdentifier: 'n_proto',
  octetDeltaCount: 'in_bytes',
  octetTotalCount: 'in_bytes',
  packetDeltaCount: 'flow_in_packets',
  packetTotalCount: 'flow_in_packets',
  postOctetDeltaCount: 'out_bytes',
  postPacketDeltaCount: 'flow_out_packets',
  initiatorOctets: 'in_bytes',
  responderOctets: 'out_bytes',
  initiatorPackets: 'flow_in_packets',
  responderPackets: 'flow_out_packets',
  tcpControlBits: 'net_flags',
  ipClassOfService: 'src_tos',
  postIpClassOfService: 'dst_tos',
  ingressInterface: 'flow_input',
  egressInterface: 'flow_output',
  bgpSourceAsNumber: 'src_asn',
  bgpDestinationAsNumber: 'dst_asn',
  ipNextHopIPv4Address: 'flow_next_hop',
  ipNextHopIPv6Address: 'flow_next_hop',
  bgpNextHopIPv4Address: 'flow_bgp_next_hop',
  bgpNextHopIPv6Address: 'flow_bgp_next_hop',
  sourceIPv4PrefixLength: 'src_mask',
  sourceIPv6PrefixLength: 'src_mask',
  destinationIPv4PrefixLength: 'dst_mask',
  destinationIPv6PrefixLength: 'dst_mask',
  vlanId: 'src_vlan',
  postVlanId: 'dst_vlan',
  dot1qVlanId: 'src_vlan',
  postDot1qVlanId: 'dst_vlan',
  sourceMacAddress: 'src_mac',
  destinationMacAddress: 'dst_mac',
  flowDirection: 'flow_dir',
  forwardingStatus: 'flow_fwd_status',
  flowEndReason: 'flow_end_reason',
  postNATSourceIPv4Address: 'xlate_src_ip',
  postNATDestinationIPv4Address: 'xlate_dst_ip',
  postNATSourceIPv6Address: 'xlate_src_ip',
  postNATDestinationIPv6Address: 'xlate_dst_ip',
  postNAPTSourceTransportPort: 'xlate_src_port',
  postNAPTDestinationTransportPort: 'xlate_dst_port',
  icmpTypeIPv4: 'flow_icmp_type',
  icmpCodeIPv4: 'flow_icmp_code',
  icmpTypeIPv6: 'flow_icmp_type',
  icmpCodeIPv6: 'flow_icmp_code',
  udpSourcePort: 'src_port',
  tcpSourcePort: 'src_port',
  udpDestinationPort: 'dst_port',
  tcpDestinationPort: 'dst_port',
};

const TIME_FIELDS: Record<string, 'begin_time' | 'end_time'> = {
  flowStartSeconds: 'begin_time',
  flowEndSeconds: 'end_time',
  flowStartMilliseconds: 'begin_time',
  flowEndMilliseconds: 'end_time',
  flowStartMicroseconds: 'begin_time',
  flowEndMicroseconds: 'end_time',
  flowStartNanoseconds: 'begin_time',
  flowEndNanoseconds: 'end_time',
};

/** beats' snake_case names back to IANA names (`source_ipv4_address` -> `sourceIPv4Address`). */
const SNAKE = new Map<string, string>();
for (const [, name] of IPFIX_ELEMENTS) SNAKE.set(toSnake(name), name);
export function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}
export function ianaNameOf(snake: string): string | undefined {
  return SNAKE.get(snake);
}

function normalise(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.replace(/\u0000/g, '');
    return /^[0-9a-f:]+$/i.test(t) && t.includes(':') ? t.toLowerCase() : t;
  }
  return v;
}

function base64ToHex(s: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  return Buffer.from(s, 'base64').toString('hex');
}

export interface FieldComparison {
  compared: number;
  /** Golden fields this decoder has no value for (kept out of the comparison). */
  absent: string[];
  mismatches: string[];
}

/** Compares one event with one golden `netflow` object (IANA camelCase names). */
export function compareNetflowFields(e: FlowEvent, golden: Record<string, unknown>, ignore: ReadonlySet<string> = new Set()): FieldComparison {
  const out: FieldComparison = { compared: 0, absent: [], mismatches: [] };
  const attrs = e.additional_attrs ?? {};
  for (const [name, want] of Object.entries(golden)) {
    if (ignore.has(name) || want === null || typeof want === 'object') continue;
    let got: unknown;
    if (Object.hasOwn(attrs, name)) got = attrs[name];
    else if (name === 'icmpTypeCodeIPv4' || name === 'icmpTypeCodeIPv6') got = e.flow_icmp_type === undefined ? undefined : e.flow_icmp_type * 256 + (e.flow_icmp_code ?? 0);
    else if (TIME_FIELDS[name] !== undefined) got = e[TIME_FIELDS[name]!];
    else if (ODM_OF[name] !== undefined) got = e[ODM_OF[name]!];
    if (got === undefined) {
      out.absent.push(name);
      continue;
    }
    const info = ianaElementByName(name);
    let w: unknown = normalise(want);
    let g: unknown = normalise(got);
    if (info?.type.startsWith('dateTime') === true && typeof want === 'string') {
      const ms = Date.parse(want);
      if (!Number.isFinite(ms) || ms < 0) {
        out.absent.push(`${name} (golden value ${want} predates 1970)`);
        continue;
      }
      w = ms;
      if (info.type === 'dateTimeSeconds' && typeof g === 'number') g = Math.floor(g / 1000) * 1000;
    } else if (typeof want === 'string' && typeof got === 'string' && want !== got) {
      const asHex = base64ToHex(want);
      if (asHex !== undefined && /^[0-9a-f]*$/.test(got)) w = asHex;
      if (typeof g === 'string' && typeof w === 'string' && /^[0-9a-f]+$/.test(g) && w === '' && /^(00)+$/.test(g)) w = g; // NUL-only string vs bytes
    }
    out.compared++;
    if (w !== g) out.mismatches.push(`${name}: golden ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
  }
  return out;
}

/**
 * Flow by flow (nfdump writes flows in arrival order, as we emit them), the columns nfdump and we both have. nfdump
 * prints 0 / 0.0.0.0 / :: for "no value", so those cells are not compared (nfdump 1.7.1 leaves bytes at 0 for
 * records that count them in initiatorOctets, and prints :: for an IPv4 flow whose template also has zero IPv6
 * fields). It prints an IPv4 address found in an IPv6 record as ::a.b.c.d. Times are compared to the second.
 */
export function compareWithNfdump(nfdump: readonly FlowEvent[], ours: readonly FlowEvent[]): { compared: number; mismatches: string[]; notes: string[] } {
  const out = { compared: 0, mismatches: [] as string[], notes: [] as string[] };
  if (nfdump.length !== ours.length) {
    out.mismatches.push(`nfdump has ${nfdump.length} flows, we have ${ours.length}`);
    return out;
  }
  const v4 = (a: unknown): unknown => (typeof a === 'string' ? a.replace(/^::(\d+\.\d+\.\d+\.\d+)$/, '$1') : a);
  const none = (v: unknown): boolean => v === undefined || v === 0 || v === '0.0.0.0' || v === '::';
  let skipped = 0;
  let inconsistent = 0;
  let scaled = 0;
  let icmp = 0;
  nfdump.forEach((n, i) => {
    const o = ours[i]!;
    // nfdump multiplies the counters of v5 flows by the sampling rate of the v5 header (not by rates announced in
    // v9/IPFIX options data); we keep counters as exported, with the rate in flow_sampling_rate.
    const rate = o.flow_version === 5 && o.flow_sampling_rate !== undefined && o.flow_sampling_rate > 1 ? o.flow_sampling_rate : 1;
    if (rate > 1) scaled++;
    const cells: [string, unknown, unknown, boolean][] = [
      ['sa', v4(n.src_ip), o.src_ip, true],
      ['da', v4(n.dst_ip), o.dst_ip, true],
      ['sp', n.src_port, o.src_port ?? 0, false],
      ['dp', n.dst_port, o.dst_port ?? 0, false],
      ['pr', n.n_proto, o.n_proto ?? 0, false],
      ['ibyt', n.in_bytes, o.in_bytes === undefined ? undefined : o.in_bytes * rate, true],
      ['ipkt', n.flow_in_packets, o.flow_in_packets === undefined ? undefined : o.flow_in_packets * rate, true],
      ['in', n.flow_input, o.flow_input, true],
      ['out', n.flow_output, o.flow_output, true],
      ['ts', n.begin_time === undefined ? undefined : Math.floor(n.begin_time / 1000), o.begin_time === undefined ? undefined : Math.floor(o.begin_time / 1000), true],
    ];
    // nfdump 1.7.1 sometimes prints a start after the end (td 18446744073709492.000): its own row is inconsistent.
    if (n.begin_time !== undefined && n.end_time !== undefined && n.end_time < n.begin_time) {
      cells.pop();
      inconsistent++;
    }
    // nfdump 1.7.1's CSV prints 0 as the destination port of ICMP flows (it shows type/code elsewhere).
    if ((o.n_proto === 1 || o.n_proto === 58) && n.dst_port === 0 && o.flow_icmp_type !== undefined) {
      cells.splice(3, 1);
      icmp++;
    }
    for (const [name, want, got, zeroIsNone] of cells) {
      if (zeroIsNone && none(want)) {
        skipped++;
        continue;
      }
      out.compared++;
      if (want !== got) out.mismatches.push(`flow ${i + 1} ${name}: nfdump ${String(want)}, ours ${String(got)}`);
    }
  });
  if (skipped > 0) out.notes.push(`${skipped} cells where nfdump prints "no value" not compared`);
  if (scaled > 0) out.notes.push(`${scaled} sampled v5 flows compared with our counters times the header's sampling rate (nfdump scales, we keep the rate)`);
  if (icmp > 0) out.notes.push(`${icmp} ICMP destination ports not compared (nfdump prints 0, the port holds type/code)`);
  if (inconsistent > 0) out.notes.push(`${inconsistent} start times not compared: nfdump's row has its start after its end`);
  return out;
}
