/**
 * A data template compiled into one straight-line function that decodes a record of it into its flow event:
 * every field at a fixed offset read with the read its length calls for, every event key written once in one
 * object literal, no per-field dispatch and no placeholder object.
 *
 * It is a specialisation of `dataRecordToEvent` (to-event.ts) and must give exactly what that gives, keys in
 * the same order included; it is made only for templates where that is easy to see (fixed length, every mapped
 * field of a length the data model holds, at most one source and one destination address), and on a record whose
 * values take a rare path (a mask over 128, a VLAN over 4095, a time that cannot be placed) it returns undefined
 * and the caller decodes that record with `dataRecordToEvent`. The generated text is made from the plan's action
 * codes and constant offsets only: names that come from templates (additional_attrs keys, IANA types) are passed
 * in arrays and indexed, never written into the code.
 */
import type { FlowEvent } from '@sightline/core';
import { ipv6String, macString } from '@sightline/capture';
import { hex, ntpMillis, uint } from './wire/bytes.js';
import { F } from './field-plan.js';
import { type PacketContext, ipv4String, typedValue, uptimeToEpoch } from './to-event.js';
import type { TemplateRecord } from './wire/template.js';

/**
 * Decodes the record at `o` (the caller checked that `recordLength` bytes are there) into an event whose id is
 * `id`, or returns undefined: use the general decoder.
 */
export type FastRecord = (b: Uint8Array, o: number, ctx: PacketContext, id: string) => FlowEvent | undefined;
type Factory = (h: typeof HELPERS, k: readonly string[], t: readonly string[]) => FastRecord;

/**
 * Compiled decoders by their code: templates of the same layout (every exporter of one model, the same template
 * announced again, a restart of the collector) share one function, so V8 optimises it once and their events share
 * one object shape; code that stores the id, adds keys to or reads events then sees a few shapes, not one per
 * template. Bounded: the oldest goes first.
 */
const factories = new Map<string, Factory>();
const MAX_FACTORIES = 256;
const MAX_FIELDS = 128;

const HELPERS = { ipv4String, ipv6String, macString, hex, ntpMillis, uint, typedValue, uptimeToEpoch };

/** Actions whose value is one byte, written to one event key. */
const BYTE_KEYS: Record<number, string> = {
  [F.PROTO]: 'n_proto',
  [F.SRC_TOS]: 'src_tos',
  [F.DST_TOS]: 'dst_tos',
  [F.DIRECTION]: 'flow_dir',
  [F.FWD_STATUS]: 'flow_fwd_status',
  [F.END_REASON]: 'flow_end_reason',
  [F.ICMP_TYPE]: 'flow_icmp_type',
  [F.ICMP_CODE]: 'flow_icmp_code',
};
/** Actions whose value is an unsigned integer of 1 to 8 bytes. */
const UINT_KEYS: Record<number, string> = {
  [F.IN_BYTES]: 'in_bytes',
  [F.IN_PKTS]: 'flow_in_packets',
  [F.OUT_BYTES]: 'out_bytes',
  [F.OUT_PKTS]: 'flow_out_packets',
  [F.INPUT]: 'flow_input',
  [F.OUTPUT]: 'flow_output',
};
const PORT_KEYS: Record<number, string> = { [F.SRC_PORT]: 'src_port', [F.DST_PORT]: 'dst_port', [F.XLATE_SRC_PORT]: 'xlate_src_port', [F.XLATE_DST_PORT]: 'xlate_dst_port' };
const ADDRESS_KEYS: Record<number, string> = { [F.SRC_IP]: 'src_ip', [F.DST_IP]: 'dst_ip', [F.NEXT_HOP]: 'flow_next_hop', [F.BGP_NEXT_HOP]: 'flow_bgp_next_hop', [F.XLATE_SRC_IP]: 'xlate_src_ip', [F.XLATE_DST_IP]: 'xlate_dst_ip' };

/** Big-endian unsigned read of `len` bytes at `o + off`, as code. */
function readUint(off: number, len: number): string {
  const at = (k: number): string => `b[o + ${off + k}]`;
  const u32 = (k: number): string => `((${at(k)} << 24) | (${at(k + 1)} << 16) | (${at(k + 2)} << 8) | ${at(k + 3)}) >>> 0`;
  switch (len) {
    case 1:
      return at(0);
    case 2:
      return `((${at(0)} << 8) | ${at(1)})`;
    case 4:
      return `(${u32(0)})`;
    case 8:
      return `((${u32(0)}) * 4294967296 + (${u32(4)}))`;
    default:
      return `uint(b, o + ${off}, ${len})`;
  }
}

/**
 * Compiles the fast decoder of a data template, or returns undefined when the template is one the general
 * decoder handles alone. `eventKeys` are the keys of the template's placeholder object, in order (field-plan.ts).
 */
export function compileRecord(t: TemplateRecord, actions: Uint8Array, keys: readonly string[], types: readonly string[], eventKeys: readonly string[]): FastRecord | undefined {
  // Options records are few; a template of more than 128 fields is not a flow template anyone sends, and its code
  // would cost more to compile than it saves (an exporter that keeps changing one must not make us compile it).
  if (t.options || t.scopeCount > 0 || t.fields.length > MAX_FIELDS) return undefined;
  const body: string[] = [];
  /** Event key -> the variable holding its value (the last field that fills it wins, as in the general loop). */
  const value = new Map<string, string>();
  let attrs = false;
  let hasFirst = false;
  let hasLast = false;
  let hasDuration = false;
  let addresses = 0;
  let off = 0;
  const v = (i: number, expr: string, key: string): void => {
    body.push(`const v${i} = ${expr};`);
    value.set(key, `v${i}`);
  };
  for (let i = 0; i < actions.length; i++) {
    const len = t.fields[i]!.length;
    if (len === 65535) return undefined;
    const a = actions[i]!;
    const numeric = len >= 1 && len <= 8;
    const at = `o + ${off}`;
    if (a in BYTE_KEYS) {
      if (len !== 1) return undefined;
      v(i, `b[${at}]`, BYTE_KEYS[a]!);
    } else if (a in UINT_KEYS) {
      if (!numeric) return undefined;
      v(i, readUint(off, len), UINT_KEYS[a]!);
    } else if (a in PORT_KEYS) {
      if (len !== 2) return undefined;
      v(i, readUint(off, 2), PORT_KEYS[a]!);
    } else if (a in ADDRESS_KEYS) {
      if (len !== 4 && len !== 16) return undefined;
      const key = ADDRESS_KEYS[a]!;
      if (a === F.SRC_IP || a === F.DST_IP) {
        // Two fields of one address (tunnels) are decided per record by the general decoder.
        if (value.has(key)) return undefined;
        addresses++;
      }
      v(i, len === 4 ? `ipv4String(b, ${at})` : `ipv6String(b, ${at})`, key);
    } else {
      switch (a) {
        case F.SKIP:
        case F.PADDING:
          break;
        case F.TCP_FLAGS:
          if (len !== 1 && len !== 2) return undefined;
          v(i, readUint(off, len), 'net_flags');
          break;
        case F.SRC_MASK:
        case F.DST_MASK:
          if (len !== 1) return undefined;
          v(i, `b[${at}]`, a === F.SRC_MASK ? 'src_mask' : 'dst_mask');
          body.push(`if (v${i} > 128) return undefined;`);
          break;
        case F.SRC_AS:
        case F.DST_AS:
          if (len !== 2 && len !== 4) return undefined;
          v(i, readUint(off, len), a === F.SRC_AS ? 'src_asn' : 'dst_asn');
          break;
        case F.SRC_VLAN:
        case F.DST_VLAN:
          if (!numeric) return undefined;
          v(i, readUint(off, len), a === F.SRC_VLAN ? 'src_vlan' : 'dst_vlan');
          body.push(`if (v${i} > 4095) return undefined;`);
          break;
        case F.SRC_MAC:
        case F.DST_MAC:
          if (len !== 6) return undefined;
          v(i, `macString(b, ${at})`, a === F.SRC_MAC ? 'src_mac' : 'dst_mac');
          break;
        case F.ICMP_TYPE_CODE:
          if (len !== 2) return undefined;
          v(i, `b[${at}]`, 'flow_icmp_type');
          body.push(`const c${i} = b[${at} + 1];`);
          value.set('flow_icmp_code', `c${i}`);
          break;
        case F.SAMPLING_INTERVAL:
          if (!numeric) return undefined;
          body.push(`sampling = ${readUint(off, len)};`);
          break;
        case F.SAMPLER_ID:
          if (!numeric) return undefined;
          body.push(`attrs[K[${i}]] = samplerId = ${readUint(off, len)};`);
          attrs = true;
          break;
        case F.FIRST_UPTIME:
          if (len !== 4) return undefined;
          body.push(`first = ${readUint(off, 4)};`);
          hasFirst = true;
          break;
        case F.LAST_UPTIME:
          if (len !== 4) return undefined;
          body.push(`last = ${readUint(off, 4)};`);
          hasLast = true;
          break;
        case F.START_SEC:
        case F.END_SEC:
          if (len !== 4) return undefined;
          body.push(`${a === F.START_SEC ? 'begin' : 'finish'} = ${readUint(off, 4)} * 1000;`);
          break;
        case F.START_MS:
        case F.END_MS:
          if (len !== 8) return undefined;
          body.push(`${a === F.START_MS ? 'begin' : 'finish'} = ${readUint(off, 8)};`);
          break;
        case F.START_NTP:
        case F.END_NTP:
          if (len !== 8) return undefined;
          body.push(`${a === F.START_NTP ? 'begin' : 'finish'} = ntpMillis(b, ${at});`);
          break;
        case F.START_DELTA_US:
        case F.END_DELTA_US:
          if (len !== 4) return undefined;
          body.push(`${a === F.START_DELTA_US ? 'begin' : 'finish'} = ctx.exportMs - Math.round(${readUint(off, 4)} / 1000);`);
          break;
        case F.DURATION_MS:
        case F.DURATION_US:
          if (len !== 4) return undefined;
          body.push(`durationMs = ${readUint(off, 4)}${a === F.DURATION_US ? ' / 1000' : ''};`);
          hasDuration = true;
          break;
        case F.SYSTEM_INIT_MS:
          if (len !== 8) return undefined;
          body.push(`systemInit = ${readUint(off, 8)};`);
          break;
        case F.ATTR:
          body.push(`attrs[K[${i}]] = typedValue(b, ${at}, ${len}, T[${i}]);`);
          attrs = true;
          break;
        case F.RAW:
          body.push(`attrs[K[${i}]] = hex(b, ${at}, ${len});`);
          attrs = true;
          break;
        default:
          return undefined;
      }
    }
    off += len;
  }
  if (off === 0) return undefined;

  // The object literal: the placeholder's keys in its order, each with the value of the last field filling it.
  const timeKeys = eventKeys.includes('begin_time');
  const entries: string[] = [];
  for (const k of eventKeys) {
    if (k === 'event_id') entries.push('event_id: id');
    else if (k === 'event_kind') entries.push(`event_kind: 'flow'`);
    else if (k === 'event_time') entries.push('event_time: ctx.eventTime');
    else if (k === 'src_ip' || k === 'dst_ip') entries.push(`${k}: ${value.get(k) ?? "'0.0.0.0'"}`);
    else if (k === 'begin_time') entries.push('begin_time: Math.round(begin)');
    else if (k === 'end_time') entries.push('end_time: Math.round(finish)');
    else if (k === 'flow_version') entries.push('flow_version: ctx.version');
    else if (k === 'flow_domain_id') entries.push('flow_domain_id: ctx.domain');
    else {
      const x = value.get(k);
      if (x === undefined) return undefined;
      entries.push(`${k}: ${x}`);
    }
  }
  for (const k of value.keys()) if (!eventKeys.includes(k)) return undefined;
  const literal = (extra: string[]): string => `{ ${[...entries, ...extra].join(', ')} }`;

  const tail: string[] = [];
  if (hasFirst || hasLast) {
    // Uptime stamps: v9 header uptime, or the IPFIX exporter's boot time; else kept as they came.
    tail.push('let known = false;');
    tail.push('if (ctx.uptimeMs >= 0) {');
    tail.push(`  const b0 = ${hasFirst ? 'uptimeToEpoch(ctx.exportMs, ctx.uptimeMs, first)' : '-1'};`);
    tail.push(`  const b1 = ${hasLast ? 'uptimeToEpoch(ctx.exportMs, ctx.uptimeMs, last)' : '-1'};`);
    tail.push(`  known = ${hasFirst ? 'b0 >= 0' : 'true'} && ${hasLast ? 'b1 >= 0' : 'true'};`);
    tail.push('  if (known && begin < 0 && b0 >= 0) begin = b0;');
    tail.push('  if (known && finish < 0 && b1 >= 0) finish = b1;');
    tail.push('} else if (systemInit >= 0) {');
    tail.push('  known = true;');
    if (hasFirst) tail.push('  if (begin < 0) begin = systemInit + first;');
    if (hasLast) tail.push('  if (finish < 0) finish = systemInit + last;');
    tail.push('}');
    tail.push('if (!known) {');
    tail.push('  attrs ??= {};');
    if (hasFirst) tail.push("  attrs['flowStartSysUpTime'] = first;");
    if (hasLast) tail.push("  attrs['flowEndSysUpTime'] = last;");
    tail.push('}');
  }
  if (hasDuration) {
    tail.push('if (begin >= 0 && finish < 0) finish = begin + durationMs;');
    tail.push('else if (finish >= 0 && begin < 0) begin = finish - durationMs;');
  }
  // The placeholder has begin_time/end_time exactly when the general decoder would keep them with a value;
  // a record that would lose them (or gain them after the other keys) is left to it.
  tail.push(timeKeys ? 'if (begin < 0 || finish < 0) return undefined;' : 'if (begin >= 0 || finish >= 0) return undefined;');
  tail.push(`const duration = begin >= 0 && finish >= begin ? Math.round(finish - begin) : ${hasDuration ? 'durationMs' : '-1'};`);
  tail.push('if (sampling === 0 && ctx.samplers !== undefined) sampling = ctx.samplers.get(samplerId) ?? ctx.samplers.get(-1) ?? 0;');
  if (addresses === 0) tail.push("(attrs ??= {})['netflow.no_address'] = true;");
  // ICMP type and code from the destination port (to-event.ts icmpFromPort), when the template can need it.
  const proto = value.get('n_proto');
  const dport = value.get('dst_port');
  const icmpFromPort = proto !== undefined && dport !== undefined && !value.has('flow_icmp_type');
  if (icmpFromPort) tail.push(`const icmp = (${proto} === 1 || ${proto} === 58) && ${dport} > 0 && ${value.get('src_port') ?? '0'} === 0;`);

  // Keys after the literal's, in the order the general decoder adds them: duration, dvc_ip, dvc_port,
  // flow_sampling_rate, (ICMP type and code from the port), additional_attrs. Each combination but the ICMP one
  // gets its own literal, so the event is made in one allocation with every key in place.
  const cases: string[] = [];
  for (let m = 0; m < 16; m++) {
    const extra: string[] = [];
    if (m & 1) extra.push('duration');
    if (m & 2) extra.push('dvc_ip: ctx.dvcIp', 'dvc_port: ctx.dvcPort ?? 0');
    if (m & 4) extra.push('flow_sampling_rate: sampling');
    if (m & 8) extra.push('additional_attrs: attrs');
    cases.push(`case ${m}: return ${literal(extra)};`);
  }
  const code = [
    'const { ipv4String, ipv6String, macString, hex, ntpMillis, uint, typedValue, uptimeToEpoch } = H;',
    'return function decodeRecord(b, o, ctx, id) {',
    `let attrs = ${attrs ? '{}' : 'undefined'};`,
    'let first = -1, last = -1, begin = -1, finish = -1, durationMs = -1, sampling = 0, samplerId = -1;',
    'let systemInit = ctx.systemInitMs;',
    ...body,
    ...tail,
    ...(icmpFromPort
      ? [
          'if (icmp) {',
          `  const e = ${literal([])};`,
          '  if (duration >= 0) e.duration = duration;',
          '  if (ctx.dvcIp !== undefined) { e.dvc_ip = ctx.dvcIp; e.dvc_port = ctx.dvcPort ?? 0; }',
          '  if (sampling > 0) e.flow_sampling_rate = sampling;',
          `  e.flow_icmp_type = ${dport} >> 8;`,
          `  e.flow_icmp_code = ${dport} & 255;`,
          '  if (attrs !== undefined) e.additional_attrs = attrs;',
          '  return e;',
          '}',
        ]
      : []),
    'switch ((duration >= 0 ? 1 : 0) | (ctx.dvcIp !== undefined ? 2 : 0) | (sampling > 0 ? 4 : 0) | (attrs !== undefined ? 8 : 0)) {',
    ...cases,
    '}',
    '};',
  ].join('\n');
  let make = factories.get(code);
  if (make === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    make = new Function('H', 'K', 'T', code) as Factory;
    factories.set(code, make);
    if (factories.size > MAX_FACTORIES) factories.delete(factories.keys().next().value!);
  }
  return make(HELPERS, keys, types);
}
