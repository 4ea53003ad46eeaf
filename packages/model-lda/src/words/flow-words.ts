import { type FlowEvent, type OdmEvent, protocolName } from '@sightline/core';
import { bitlen } from './math.js';
import { type SpotWordOptions, hourOf, offsetOption } from './options.js';
import type { EventWords, Featurizer, LearnedWords } from './types.js';

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
      if (!isWordable(event)) return null;
      const sport = event.src_port ?? 0;
      const dport = event.dst_port ?? 0;
      return { docs: [event.src_ip, event.dst_ip], words: flowWordPair(hourOf(event.event_time, offset), sport, dport, flowProtocol(event.n_proto), event.in_bytes, event.flow_in_packets) };
    },
    codes(event: OdmEvent, _learned: LearnedWords, docs: string[], codes: Float64Array): number {
      if (!isWordable(event)) return -1;
      const proto = event.n_proto;
      const sport = event.src_port ?? 0;
      const dport = event.dst_port ?? 0;
      const hour = hourOf(event.event_time, offset);
      // What the code cannot hold exactly goes the string way (never seen from a real exporter).
      if (!(hour >= 0 && hour < 24) || !isUint(proto, 255) || !isUint(sport, 65535) || !isUint(dport, 65535)) return -2;
      const b1 = bitlen(event.in_bytes);
      const b2 = bitlen(event.flow_in_packets);
      if (b1 > 63 || b2 > 63) return -2;
      const tail = ((proto * 32 + hour) * 64 + b1) * 64 + b2;
      docs[0] = event.src_ip;
      docs[1] = event.dst_ip;
      // The same cases, in the same order, as flowWordPair.
      if (dport === 0 && sport === 0) {
        codes[0] = codes[1] = flowCode(0, 0, tail);
      } else if (dport === 0 || (sport <= 1024 && dport > 1024 && sport > 0)) {
        codes[0] = flowCode(sport, 1, tail);
        codes[1] = flowCode(sport, 0, tail);
      } else if (sport === 0 || (sport > 1024 && dport <= 1024)) {
        codes[0] = flowCode(dport, 0, tail);
        codes[1] = flowCode(dport, 1, tail);
      } else {
        codes[0] = codes[1] = flowCode(sport <= 1024 ? LOW_TO_LOW_CODE : HIGH_TO_HIGH_CODE, 0, tail);
      }
      return 2;
    },
    wordOf(code: number): string {
      return flowWordOfCode(code);
    },
  };
}

/** A flow with the fields Spot's words need, as `words` and `codes` read them. */
type WordableFlow = FlowEvent & { src_ip: string; dst_ip: string; n_proto: number; in_bytes: number; flow_in_packets: number };

/** Spot's cleaning, as `createFlowFeaturizer` says; an infinite count fails it too (`bitlen` of it has no end). */
function isWordable(event: OdmEvent): event is WordableFlow {
  if (event.event_kind !== 'flow') return false;
  const { src_ip: sip, dst_ip: dip, in_bytes: ibyt, flow_in_packets: ipkt } = event;
  if (sip === undefined || sip === '' || dip === undefined || dip === '' || event.n_proto === undefined) return false;
  if (!usableCount(ibyt) || !usableCount(ipkt)) return false;
  return (event.src_port ?? 0) >= 0 && (event.dst_port ?? 0) >= 0;
}

function usableCount(x: number | undefined): x is number {
  return x !== undefined && x >= 0 && x !== Number.POSITIVE_INFINITY;
}

function isUint(x: number, max: number): boolean {
  return x <= max && Math.floor(x) === x;
}

/** Key "ports" past 65535 stand for the two words without a service port. */
const LOW_TO_LOW_CODE = 65536;
const HIGH_TO_HIGH_CODE = 65537;
/** proto (8 bits) · hour (5) · two bit lengths (6 each). */
const TAIL_SPAN = 2 ** 25;

/** A flow word as an integer below 2^43: key port (17 bits), the `-1_` mark (1), then the tail. */
function flowCode(port: number, owner: number, tail: number): number {
  return (port * 2 + owner) * TAIL_SPAN + tail;
}

/** The word a flow code stands for: the string `flowWordPair` makes for the same flow. */
export function flowWordOfCode(code: number): string {
  const tail = code % TAIL_SPAN;
  const head = (code - tail) / TAIL_SPAN;
  const owner = head % 2;
  const port = (head - owner) / 2;
  const b2 = tail % 64;
  const b1 = Math.floor(tail / 64) % 64;
  const hour = Math.floor(tail / 4096) % 32;
  const proto = Math.floor(tail / 131072);
  const key = port === LOW_TO_LOW_CODE ? LOW_TO_LOW : port === HIGH_TO_HIGH_CODE ? HIGH_TO_HIGH : String(port);
  return `${owner === 1 ? '-1_' : ''}${key}_${flowProtocol(proto)}_${hour}_${b1}_${b2}`;
}
