/**
 * Mapping of decoded records onto the open data model's flow event. One function per record kind: template-based
 * data records (v9 / IPFIX, driven by a field plan compiled once per template), options records (exporter
 * facts: sampling, boot time), and fixed-layout v1/v5/v7 records. Reads are bounds-checked against the set's end.
 */
import type { FlowEvent } from '@sightline/core';
import { ipv6String, macString } from '@sightline/capture';
import { hex, ntpMillis, sint, text, u16, u32, uint } from './wire/bytes.js';
import { ACTION_KEYS, F, type FieldPlan } from './field-plan.js';
import { ipv4String } from './ipv4-text.js';

export { ipv4String };

export type Attrs = Record<string, string | number | boolean | null>;

/** What a record needs from its export packet and exporter. */
export interface PacketContext {
  /** 1, 5, 7, 9 or 10. */
  version: number;
  /** Export time from the packet header, epoch ms. */
  exportMs: number;
  /** NetFlow sysUptime at export (v5/v9), ms; -1 when the header has none (IPFIX). */
  uptimeMs: number;
  /** When the packet reached the collector (capture time, receive time), epoch ms: the event time. */
  eventTime: number;
  dvcIp: string | undefined;
  dvcPort: number | undefined;
  /** v9 source id / IPFIX observation domain. */
  domain: number;
  /** IPFIX: the exporter's boot time learnt from options data (systemInitTimeMilliseconds), or -1. */
  systemInitMs: number;
  /** Sampling the exporter announced in options data, per sampler id (-1: no sampler id, exporter-wide). */
  samplers: ReadonlyMap<number, number> | undefined;
  /** Bytes every record id of this packet starts with (record-id.ts). */
  idPrefix: Uint32Array;
}

/** Where the last record ended (set by the record functions; avoids an allocation per record). */
export let recordEnd = 0;

const DAY_MS = 86_400_000;
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);
const f32 = new Float32Array(1);
const f32b = new Uint8Array(f32.buffer);

/** A value of a known information element, typed by its IANA abstract data type. */
export function typedValue(b: Uint8Array, o: number, len: number, type: string): string | number | boolean {
  switch (type) {
    case 'unsigned8':
    case 'unsigned16':
    case 'unsigned32':
    case 'unsigned64':
    case 'dateTimeMilliseconds':
      return len >= 1 && len <= 8 ? uint(b, o, len) : hex(b, o, len);
    case 'dateTimeSeconds':
      return len === 4 ? u32(b, o) * 1000 : hex(b, o, len); // every dateTime becomes epoch ms
    case 'signed8':
    case 'signed16':
    case 'signed32':
    case 'signed64':
      return len >= 1 && len <= 8 ? sint(b, o, len) : hex(b, o, len);
    case 'float64':
      if (len !== 8) return hex(b, o, len);
      for (let i = 0; i < 8; i++) f64b[i] = b[o + 7 - i]!;
      return Number.isFinite(f64[0]!) ? f64[0]! : hex(b, o, len);
    case 'float32':
      if (len !== 4) return hex(b, o, len);
      for (let i = 0; i < 4; i++) f32b[i] = b[o + 3 - i]!;
      return Number.isFinite(f32[0]!) ? f32[0]! : hex(b, o, len);
    case 'boolean':
      return len === 1 ? b[o] === 1 : hex(b, o, len);
    case 'macAddress':
      return len === 6 ? macString(b, o) : hex(b, o, len);
    case 'string':
      return text(b, o, len);
    case 'dateTimeMicroseconds':
    case 'dateTimeNanoseconds':
      return len === 8 ? ntpMillis(b, o) : hex(b, o, len);
    case 'ipv4Address':
      return len === 4 ? ipv4String(b, o) : hex(b, o, len);
    case 'ipv6Address':
      return len === 16 ? ipv6String(b, o) : len === 4 ? ipv4String(b, o) : hex(b, o, len);
    default:
      return hex(b, o, len);
  }
}

function isZeroAddress(a: string): boolean {
  return a === '0.0.0.0' || a === '::';
}

function address(b: Uint8Array, o: number, len: number): string | undefined {
  return len === 4 ? ipv4String(b, o) : len === 16 ? ipv6String(b, o) : undefined;
}

/** Reads the length of a variable-length field (RFC 7011 §7): returns it and moves `recordEnd` past the prefix. */
function variableLength(b: Uint8Array, o: number, end: number): number {
  if (o >= end) return -1;
  const l = b[o]!;
  if (l < 255) {
    recordEnd = o + 1;
    return l;
  }
  if (o + 3 > end) return -1;
  recordEnd = o + 3;
  return u16(b, o + 1);
}

/**
 * Decodes one data record at `o` (its set ends at `end`) into a flow event, or returns undefined when the record
 * runs past the set's end (recordEnd = -1). On success `recordEnd` is the offset after the record.
 */
export function dataRecordToEvent(b: Uint8Array, o: number, end: number, plan: FieldPlan, ctx: PacketContext): FlowEvent | undefined {
  const e = plan.create() as unknown as FlowEvent;
  e.event_time = ctx.eventTime;
  e.src_ip = '0.0.0.0';
  e.dst_ip = '0.0.0.0';
  const fields = plan.template.fields;
  const actions = plan.actions;
  let attrs: Attrs | undefined;
  let first = -1;
  let last = -1;
  let begin = -1;
  let finish = -1;
  let durationMs = -1;
  let systemInit = ctx.systemInitMs;
  let sampling = 0;
  let samplerId = -1;
  let addresses = 0;
  let srcField = -1;
  let dstField = -1;
  let unset = false;
  for (let i = 0; i < actions.length; i++) {
    let len = fields[i]!.length;
    if (len === 65535) {
      len = variableLength(b, o, end);
      if (len < 0) {
        recordEnd = -1;
        return undefined;
      }
      o = recordEnd;
    }
    if (o + len > end) {
      recordEnd = -1;
      return undefined;
    }
    const action = actions[i]!;
    const numeric = len >= 1 && len <= 8;
    let kept = true;
    switch (action) {
      case F.SKIP:
      case F.PADDING:
        break;
      case F.IN_BYTES:
        if (numeric) e.in_bytes = uint(b, o, len);
        else kept = false;
        break;
      case F.IN_PKTS:
        if (numeric) e.flow_in_packets = uint(b, o, len);
        else kept = false;
        break;
      case F.OUT_BYTES:
        if (numeric) e.out_bytes = uint(b, o, len);
        else kept = false;
        break;
      case F.OUT_PKTS:
        if (numeric) e.flow_out_packets = uint(b, o, len);
        else kept = false;
        break;
      case F.PROTO:
        if (len === 1) e.n_proto = b[o]!;
        else kept = false;
        break;
      case F.SRC_TOS:
        if (len === 1) e.src_tos = b[o]!;
        else kept = false;
        break;
      case F.DST_TOS:
        if (len === 1) e.dst_tos = b[o]!;
        else kept = false;
        break;
      case F.TCP_FLAGS:
        if (len === 1 || len === 2) e.net_flags = uint(b, o, len);
        else kept = false;
        break;
      case F.SRC_PORT:
        if (len === 2) e.src_port = u16(b, o);
        else kept = false;
        break;
      case F.DST_PORT:
        if (len === 2) e.dst_port = u16(b, o);
        else kept = false;
        break;
      case F.SRC_IP: {
        const a = address(b, o, len);
        if (a === undefined) kept = false;
        else if (srcField < 0 || !isZeroAddress(a)) {
          // A later non-zero address (a tunnel's inner header) wins; the earlier one is kept by name.
          if (srcField >= 0 && !isZeroAddress(e.src_ip as string)) (attrs ??= {})[plan.keys[srcField]!] = e.src_ip as string;
          e.src_ip = a;
          srcField = i;
          addresses++;
        } else (attrs ??= {})[plan.keys[i]!] = a;
        break;
      }
      case F.DST_IP: {
        const a = address(b, o, len);
        if (a === undefined) kept = false;
        else if (dstField < 0 || !isZeroAddress(a)) {
          if (dstField >= 0 && !isZeroAddress(e.dst_ip as string)) (attrs ??= {})[plan.keys[dstField]!] = e.dst_ip as string;
          e.dst_ip = a;
          dstField = i;
          addresses++;
        } else (attrs ??= {})[plan.keys[i]!] = a;
        break;
      }
      case F.SRC_MASK:
        if (len === 1 && b[o]! <= 128) e.src_mask = b[o]!;
        else kept = false;
        break;
      case F.DST_MASK:
        if (len === 1 && b[o]! <= 128) e.dst_mask = b[o]!;
        else kept = false;
        break;
      case F.INPUT:
        if (numeric) e.flow_input = uint(b, o, len);
        else kept = false;
        break;
      case F.OUTPUT:
        if (numeric) e.flow_output = uint(b, o, len);
        else kept = false;
        break;
      case F.NEXT_HOP: {
        const a = address(b, o, len);
        if (a === undefined) kept = false;
        else e.flow_next_hop = a;
        break;
      }
      case F.BGP_NEXT_HOP: {
        const a = address(b, o, len);
        if (a === undefined) kept = false;
        else e.flow_bgp_next_hop = a;
        break;
      }
      case F.SRC_AS:
        if (len === 2 || len === 4) e.src_asn = uint(b, o, len);
        else kept = false;
        break;
      case F.DST_AS:
        if (len === 2 || len === 4) e.dst_asn = uint(b, o, len);
        else kept = false;
        break;
      case F.SRC_VLAN:
      case F.DST_VLAN: {
        const v = numeric ? uint(b, o, len) : -1;
        if (v < 0 || v > 4095) kept = false;
        else if (action === F.SRC_VLAN) e.src_vlan = v;
        else e.dst_vlan = v;
        break;
      }
      case F.SRC_MAC:
        if (len === 6) e.src_mac = macString(b, o);
        else kept = false;
        break;
      case F.DST_MAC:
        if (len === 6) e.dst_mac = macString(b, o);
        else kept = false;
        break;
      case F.DIRECTION:
        if (len === 1) e.flow_dir = b[o]!;
        else kept = false;
        break;
      case F.FWD_STATUS:
        if (len === 1) e.flow_fwd_status = b[o]!;
        else kept = false;
        break;
      case F.END_REASON:
        if (len === 1) e.flow_end_reason = b[o]!;
        else kept = false;
        break;
      case F.ICMP_TYPE_CODE:
        if (len === 2) {
          e.flow_icmp_type = b[o]!;
          e.flow_icmp_code = b[o + 1]!;
        } else kept = false;
        break;
      case F.ICMP_TYPE:
        if (len === 1) e.flow_icmp_type = b[o]!;
        else kept = false;
        break;
      case F.ICMP_CODE:
        if (len === 1) e.flow_icmp_code = b[o]!;
        else kept = false;
        break;
      case F.XLATE_SRC_IP: {
        const a = address(b, o, len);
        if (a === undefined) kept = false;
        else e.xlate_src_ip = a;
        break;
      }
      case F.XLATE_DST_IP: {
        const a = address(b, o, len);
        if (a === undefined) kept = false;
        else e.xlate_dst_ip = a;
        break;
      }
      case F.XLATE_SRC_PORT:
        if (len === 2) e.xlate_src_port = u16(b, o);
        else kept = false;
        break;
      case F.XLATE_DST_PORT:
        if (len === 2) e.xlate_dst_port = u16(b, o);
        else kept = false;
        break;
      case F.SAMPLING_INTERVAL:
        if (numeric) sampling = uint(b, o, len);
        else kept = false;
        break;
      case F.SAMPLER_ID:
        // Used to find the sampler's interval, and kept: it names the sampler (samplerId / selectorId).
        if (numeric) (attrs ??= {})[plan.keys[i]!] = samplerId = uint(b, o, len);
        else kept = false;
        break;
      case F.FIRST_UPTIME:
        if (len === 4) first = u32(b, o);
        else kept = false;
        break;
      case F.LAST_UPTIME:
        if (len === 4) last = u32(b, o);
        else kept = false;
        break;
      case F.START_SEC:
        if (len === 4) begin = u32(b, o) * 1000;
        else kept = false;
        break;
      case F.END_SEC:
        if (len === 4) finish = u32(b, o) * 1000;
        else kept = false;
        break;
      case F.START_MS:
        if (len === 8) begin = uint(b, o, 8);
        else kept = false;
        break;
      case F.END_MS:
        if (len === 8) finish = uint(b, o, 8);
        else kept = false;
        break;
      case F.START_NTP:
        if (len === 8) begin = ntpMillis(b, o);
        else kept = false;
        break;
      case F.END_NTP:
        if (len === 8) finish = ntpMillis(b, o);
        else kept = false;
        break;
      case F.START_DELTA_US:
        if (len === 4) begin = ctx.exportMs - Math.round(u32(b, o) / 1000);
        else kept = false;
        break;
      case F.END_DELTA_US:
        if (len === 4) finish = ctx.exportMs - Math.round(u32(b, o) / 1000);
        else kept = false;
        break;
      case F.DURATION_MS:
        if (len === 4) durationMs = u32(b, o);
        else kept = false;
        break;
      case F.DURATION_US:
        if (len === 4) durationMs = u32(b, o) / 1000;
        else kept = false;
        break;
      case F.SYSTEM_INIT_MS:
        if (len === 8) systemInit = uint(b, o, 8);
        else kept = false;
        break;
      case F.ATTR:
        (attrs ??= {})[plan.keys[i]!] = typedValue(b, o, len, plan.types[i]!);
        break;
      default:
        (attrs ??= {})[plan.keys[i]!] = hex(b, o, len);
        break;
    }
    if (!kept) {
      // A mapped element with a length the data model cannot hold (a 4-byte protocol, a 12-bit VLAN field
      // carrying 5000): kept as it came, under its element key, and its ODM column left out.
      const f = fields[i]!;
      (attrs ??= {})[`ipfix.${f.pen}.${f.id}`] = hex(b, o, len);
      unset = true;
    }
    o += len;
  }
  recordEnd = o;

  // Times: uptime-relative (v9, or IPFIX with a known boot time), absolute, or export-relative.
  if (first >= 0 || last >= 0) {
    let known = false;
    if (ctx.uptimeMs >= 0) {
      const b0 = first >= 0 ? uptimeToEpoch(ctx.exportMs, ctx.uptimeMs, first) : -1;
      const b1 = last >= 0 ? uptimeToEpoch(ctx.exportMs, ctx.uptimeMs, last) : -1;
      known = (first < 0 || b0 >= 0) && (last < 0 || b1 >= 0);
      if (known && begin < 0 && b0 >= 0) begin = b0;
      if (known && finish < 0 && b1 >= 0) finish = b1;
    } else if (systemInit >= 0) {
      known = true;
      if (first >= 0 && begin < 0) begin = systemInit + first;
      if (last >= 0 && finish < 0) finish = systemInit + last;
    }
    if (!known) {
      // IPFIX without a boot time, or stamps that cannot be right: keep them as they came.
      attrs ??= {};
      if (first >= 0) attrs['flowStartSysUpTime'] = first;
      if (last >= 0) attrs['flowEndSysUpTime'] = last;
    }
  }
  if (durationMs >= 0) {
    if (begin >= 0 && finish < 0) finish = begin + durationMs;
    else if (finish >= 0 && begin < 0) begin = finish - durationMs;
  }
  if (begin >= 0) e.begin_time = Math.round(begin);
  else if (e.begin_time !== undefined) delete e.begin_time;
  if (finish >= 0) e.end_time = Math.round(finish);
  else if (e.end_time !== undefined) delete e.end_time;
  if (begin >= 0 && finish >= begin) e.duration = Math.round(finish - begin);
  else if (durationMs >= 0) e.duration = durationMs;
  e.flow_version = ctx.version;
  e.flow_domain_id = ctx.domain;
  if (ctx.dvcIp !== undefined) {
    e.dvc_ip = ctx.dvcIp;
    e.dvc_port = ctx.dvcPort ?? 0;
  }
  if (unset) {
    // Placeholders of columns no field filled (rare: only values of impossible lengths get here).
    for (let i = 0; i < actions.length; i++) {
      const f = fields[i]!;
      if (attrs !== undefined && Object.hasOwn(attrs, `ipfix.${f.pen}.${f.id}`)) for (const k of ACTION_KEYS[actions[i]!] ?? []) delete (e as unknown as Record<string, unknown>)[k];
    }
  }
  if (sampling === 0 && ctx.samplers !== undefined) sampling = ctx.samplers.get(samplerId) ?? ctx.samplers.get(-1) ?? 0;
  if (sampling > 0) e.flow_sampling_rate = sampling;
  icmpFromPort(e);
  if (addresses === 0) (attrs ??= {})['netflow.no_address'] = true;
  if (attrs !== undefined) e.additional_attrs = attrs;
  return e;
}

/**
 * NetFlow v5 and most v9 exporters carry an ICMP message's type and code in the destination port (type * 256 +
 * code) and have no ICMP field: when the record has none, they are read from there (the port is kept as sent).
 */
function icmpFromPort(e: FlowEvent): void {
  if ((e.n_proto === 1 || e.n_proto === 58) && e.flow_icmp_type === undefined && e.dst_port !== undefined && e.dst_port > 0 && (e.src_port ?? 0) === 0) {
    e.flow_icmp_type = e.dst_port >> 8;
    e.flow_icmp_code = e.dst_port & 255;
  }
}

/**
 * sysUptime-relative time to epoch ms. The counter is 32 bits of milliseconds and wraps after 49.7 days, so the
 * age of a stamp is (uptime - stamp) mod 2^32. An age over a day (or a stamp more than a minute after the export)
 * is not a flow's time but an exporter's bug (FortiOS 5.2 sends stamps days ahead of its header's uptime): -1,
 * and the caller keeps the raw stamps instead.
 */
export function uptimeToEpoch(exportMs: number, uptimeMs: number, stamp: number): number {
  const age = (uptimeMs - stamp) >>> 0;
  if (age <= DAY_MS) return exportMs - age;
  const ahead = 4294967296 - age;
  return ahead <= 60_000 ? exportMs + ahead : -1;
}

/** Decodes one options record into its values (scope and option fields), or undefined when it overruns `end`. */
export function optionsRecord(b: Uint8Array, o: number, end: number, plan: FieldPlan): Attrs | undefined {
  const fields = plan.template.fields;
  const values: Attrs = {};
  for (let i = 0; i < fields.length; i++) {
    let len = fields[i]!.length;
    if (len === 65535) {
      len = variableLength(b, o, end);
      if (len < 0) {
        recordEnd = -1;
        return undefined;
      }
      o = recordEnd;
    }
    if (o + len > end) {
      recordEnd = -1;
      return undefined;
    }
    if (len > 0) values[plan.keys[i]!] = plan.actions[i] === F.ATTR ? typedValue(b, o, len, plan.types[i]!) : hex(b, o, len);
    o += len;
  }
  recordEnd = o;
  return values;
}

/** Record sizes of the fixed-layout versions. */
export const V5_RECORD = 48;
export const V7_RECORD = 52;
export const V1_RECORD = 48;

/**
 * A NetFlow v1/v5/v7 record (fixed layout, Cisco's "NetFlow Export Datagram Format"). The caller checked that
 * the record is inside the packet.
 */
export function fixedRecordToEvent(b: Uint8Array, o: number, ctx: PacketContext, sampling: number, id: string): FlowEvent {
  const v = ctx.version;
  const first = u32(b, o + 24);
  const last = u32(b, o + 28);
  const begin = uptimeToEpoch(ctx.exportMs, ctx.uptimeMs, first);
  const end = uptimeToEpoch(ctx.exportMs, ctx.uptimeMs, last);
  const v1 = v === 1;
  if (v === 5 && begin >= 0 && end >= begin && b[o + 44]! <= 32 && b[o + 45]! <= 32) {
    const proto = b[o + 38]!;
    const srcPort = u16(b, o + 32);
    const dstPort = u16(b, o + 34);
    if (!((proto === 1 || proto === 58) && dstPort > 0 && srcPort === 0)) return v5Event(b, o, ctx, sampling, begin, end, srcPort, dstPort, proto, id);
  }
  // One literal for the fields every v1/v5/v7 record has, then the optional ones in a fixed order: one object
  // shape per kind of packet, and never a `delete` (it turns an object into a slow dictionary).
  const e = {
    event_id: id,
    event_kind: 'flow',
    event_time: ctx.eventTime,
    src_ip: ipv4String(b, o),
    dst_ip: ipv4String(b, o + 4),
    flow_next_hop: ipv4String(b, o + 8),
    flow_input: u16(b, o + 12),
    flow_output: u16(b, o + 14),
    flow_in_packets: u32(b, o + 16),
    in_bytes: u32(b, o + 20),
    src_port: u16(b, o + 32),
    dst_port: u16(b, o + 34),
    net_flags: v1 ? b[o + 40]! : b[o + 37]!,
    n_proto: b[o + 38]!,
    src_tos: b[o + 39]!,
    flow_version: v,
    flow_domain_id: ctx.domain,
  } as FlowEvent;
  if (begin >= 0 && end >= 0) {
    e.begin_time = begin;
    e.end_time = end;
    if (end >= begin) e.duration = end - begin;
  } else e.additional_attrs = { flowStartSysUpTime: first, flowEndSysUpTime: last };
  if (!v1) {
    e.src_asn = u16(b, o + 40);
    e.dst_asn = u16(b, o + 42);
    if (b[o + 44]! <= 32) e.src_mask = b[o + 44]!;
    if (b[o + 45]! <= 32) e.dst_mask = b[o + 45]!;
  }
  if (sampling > 0) e.flow_sampling_rate = sampling;
  if (ctx.dvcIp !== undefined) {
    e.dvc_ip = ctx.dvcIp;
    e.dvc_port = ctx.dvcPort ?? 0;
  }
  if (v === 7) (e.additional_attrs ??= {})['routerSc'] = ipv4String(b, o + 48);
  icmpFromPort(e);
  return e;
}

/**
 * The common NetFlow v5 record (times that place, masks that fit, not ICMP): the event in one literal with the
 * keys in the order `fixedRecordToEvent` adds them, so that it is made in one allocation (the four combinations
 * of sampling and exporter address each have theirs).
 */
function v5Event(b: Uint8Array, o: number, ctx: PacketContext, sampling: number, begin: number, end: number, srcPort: number, dstPort: number, proto: number, id: string): FlowEvent {
  const srcIp = ipv4String(b, o);
  const dstIp = ipv4String(b, o + 4);
  const nextHop = ipv4String(b, o + 8);
  const flags = b[o + 37]!;
  const tos = b[o + 39]!;
  if (ctx.dvcIp !== undefined) {
    if (sampling > 0) {
      return { event_id: id, event_kind: 'flow', event_time: ctx.eventTime, src_ip: srcIp, dst_ip: dstIp, flow_next_hop: nextHop, flow_input: u16(b, o + 12), flow_output: u16(b, o + 14), flow_in_packets: u32(b, o + 16), in_bytes: u32(b, o + 20), src_port: srcPort, dst_port: dstPort, net_flags: flags, n_proto: proto, src_tos: tos, flow_version: 5, flow_domain_id: ctx.domain, begin_time: begin, end_time: end, duration: end - begin, src_asn: u16(b, o + 40), dst_asn: u16(b, o + 42), src_mask: b[o + 44]!, dst_mask: b[o + 45]!, flow_sampling_rate: sampling, dvc_ip: ctx.dvcIp, dvc_port: ctx.dvcPort ?? 0 } as FlowEvent;
    }
    return { event_id: id, event_kind: 'flow', event_time: ctx.eventTime, src_ip: srcIp, dst_ip: dstIp, flow_next_hop: nextHop, flow_input: u16(b, o + 12), flow_output: u16(b, o + 14), flow_in_packets: u32(b, o + 16), in_bytes: u32(b, o + 20), src_port: srcPort, dst_port: dstPort, net_flags: flags, n_proto: proto, src_tos: tos, flow_version: 5, flow_domain_id: ctx.domain, begin_time: begin, end_time: end, duration: end - begin, src_asn: u16(b, o + 40), dst_asn: u16(b, o + 42), src_mask: b[o + 44]!, dst_mask: b[o + 45]!, dvc_ip: ctx.dvcIp, dvc_port: ctx.dvcPort ?? 0 } as FlowEvent;
  }
  if (sampling > 0) {
    return { event_id: id, event_kind: 'flow', event_time: ctx.eventTime, src_ip: srcIp, dst_ip: dstIp, flow_next_hop: nextHop, flow_input: u16(b, o + 12), flow_output: u16(b, o + 14), flow_in_packets: u32(b, o + 16), in_bytes: u32(b, o + 20), src_port: srcPort, dst_port: dstPort, net_flags: flags, n_proto: proto, src_tos: tos, flow_version: 5, flow_domain_id: ctx.domain, begin_time: begin, end_time: end, duration: end - begin, src_asn: u16(b, o + 40), dst_asn: u16(b, o + 42), src_mask: b[o + 44]!, dst_mask: b[o + 45]!, flow_sampling_rate: sampling } as FlowEvent;
  }
  return { event_id: id, event_kind: 'flow', event_time: ctx.eventTime, src_ip: srcIp, dst_ip: dstIp, flow_next_hop: nextHop, flow_input: u16(b, o + 12), flow_output: u16(b, o + 14), flow_in_packets: u32(b, o + 16), in_bytes: u32(b, o + 20), src_port: srcPort, dst_port: dstPort, net_flags: flags, n_proto: proto, src_tos: tos, flow_version: 5, flow_domain_id: ctx.domain, begin_time: begin, end_time: end, duration: end - begin, src_asn: u16(b, o + 40), dst_asn: u16(b, o + 42), src_mask: b[o + 44]!, dst_mask: b[o + 45]! } as FlowEvent;
}
