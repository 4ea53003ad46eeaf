import { type FlowEvent, type OdmEvent, protocolName } from '@sightline/core';
import { bitlen } from './math.js';
import { type SpotWordOptions, hourOf, offsetOption } from './options.js';
import type { EventWords, Featurizer } from './types.js';

/** Spot's two flow words: the word seen from the source IP and from the destination IP. */
export interface FlowWords {
  readonly src: string;
  readonly dst: string;
}

const LOW_TO_LOW = '111111';
const HIGH_TO_HIGH = '333333';

/**
 * Spot's `FlowWordCreator.flowWords` (apache-spot.md §1.5): `[-1_]<keyPort>_<proto>_<hour>_bitlen(ibyt)_bitlen(ipkt)`,
 * the `-1_` on the side that owns the service port. Ports ≤ 1024 are "low"; both low → 111111, both high →
 * 333333; a zero port yields to the other.
 */
export function spotFlowWords(hour: number, sport: number, dport: number, proto: string, ibyt: number, ipkt: number): FlowWords {
  const [src, dst] = flowWordPair(hour, sport, dport, proto, ibyt, ipkt);
  return { src, dst };
}

/** `[srcWord, dstWord]`: the array the featurizer hands on as `words`, so no other object is made per flow. */
function flowWordPair(hour: number, sport: number, dport: number, proto: string, ibyt: number, ipkt: number): [string, string] {
  const tail = `_${proto}_${hour}_${bitlen(ibyt)}_${bitlen(ipkt)}`;
  if (dport === 0 && sport === 0) {
    const w = `0${tail}`;
    return [w, w];
  }
  if (dport === 0 || (sport <= 1024 && dport > 1024 && sport > 0)) {
    const w = `${sport}${tail}`;
    return [`-1_${w}`, w];
  }
  if (sport === 0 || (sport > 1024 && dport <= 1024)) {
    const w = `${dport}${tail}`;
    return [w, `-1_${w}`];
  }
  const w = (sport <= 1024 ? LOW_TO_LOW : HIGH_TO_HIGH) + tail;
  return [w, w];
}

/** nfdump's protocol names for 0..255, built once (unknown numbers as the number). */
const PROTOCOLS: readonly string[] = Array.from({ length: 256 }, (_, n) => protocolName(n) ?? String(n));

/** The protocol string Spot's flow words carry: nfdump's name (`TCP`, `UDP`, `ICMP`…) or the number. */
export function flowProtocol(n: number): string {
  return PROTOCOLS[n] ?? String(n);
}

/** Options of the flow featurizer (only the hour's time zone applies to flows). */
export type FlowWordOptions = Pick<SpotWordOptions, 'utc_offset_minutes'>;

/**
 * Spot's flow featurizer (`spot-flow`): two (document, word) pairs per flow, source IP with the source word and
 * destination IP with the destination word. Fields: hour of `event_time` (Spot's `trhour`, nfdump's `tr`),
 * `src_port`, `dst_port`, `n_proto`, `in_bytes` (ibyt), `flow_in_packets` (ipkt).
 *
 * Cleaning (Spot's §1.8 filter; `null` is Spot's `word_error`, neither trained on nor scored): no `src_ip` or
 * `dst_ip`, no `n_proto`, a negative port, and missing or negative `in_bytes`/`flow_in_packets`. A missing port
 * counts as 0, which is what nfdump prints for protocols without ports, the only input Spot saw.
 */
export function createFlowFeaturizer(options: FlowWordOptions = {}): Featurizer {
  const offset = offsetOption(options);
  return {
    kind: 'flow',
    name: 'spot-flow',
    words(event: OdmEvent): EventWords | null {
      if (event.event_kind !== 'flow') return null;
      const e: FlowEvent = event;
      const sip = e.src_ip;
      const dip = e.dst_ip;
      const proto = e.n_proto;
      const ibyt = e.in_bytes;
      const ipkt = e.flow_in_packets;
      if (sip === undefined || sip === '' || dip === undefined || dip === '' || proto === undefined) return null;
      if (ibyt === undefined || ipkt === undefined || !(ibyt >= 0) || !(ipkt >= 0)) return null;
      const sport = e.src_port ?? 0;
      const dport = e.dst_port ?? 0;
      if (!(sport >= 0) || !(dport >= 0)) return null;
      return { docs: [sip, dip], words: flowWordPair(hourOf(e.event_time, offset), sport, dport, flowProtocol(proto), ibyt, ipkt) };
    },
  };
}
