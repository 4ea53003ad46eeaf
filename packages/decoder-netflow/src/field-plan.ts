import { ianaElement, REVERSE_PEN, reverseName } from './wire/registry.js';
import type { TemplateField, TemplateRecord } from './wire/template.js';

/**
 * What to do with each field of a data record, decided once per template (not per record): the ODM field it
 * fills, or how to keep it in `additional_attrs`. The hot loop in to-event.ts switches on these codes.
 */
export const F = {
  SKIP: 0,
  ATTR: 1, // known element not in the ODM: additional_attrs[name] = typed value
  RAW: 2, // unknown / enterprise element: additional_attrs[key] = hex
  IN_BYTES: 3,
  IN_PKTS: 4,
  OUT_BYTES: 5,
  OUT_PKTS: 6,
  PROTO: 7,
  SRC_TOS: 8,
  DST_TOS: 9,
  TCP_FLAGS: 10,
  SRC_PORT: 11,
  DST_PORT: 12,
  SRC_IP: 13,
  DST_IP: 14,
  SRC_MASK: 15,
  DST_MASK: 16,
  INPUT: 17,
  OUTPUT: 18,
  NEXT_HOP: 19,
  BGP_NEXT_HOP: 20,
  SRC_AS: 21,
  DST_AS: 22,
  SRC_VLAN: 23,
  DST_VLAN: 24,
  SRC_MAC: 25,
  DST_MAC: 26,
  DIRECTION: 27,
  FWD_STATUS: 28,
  END_REASON: 29,
  ICMP_TYPE_CODE: 30,
  ICMP_TYPE: 31,
  ICMP_CODE: 32,
  XLATE_SRC_IP: 33,
  XLATE_DST_IP: 34,
  XLATE_SRC_PORT: 35,
  XLATE_DST_PORT: 36,
  SAMPLING_INTERVAL: 37,
  SAMPLER_ID: 38,
  FIRST_UPTIME: 39, // flowStartSysUpTime (ms since the exporter booted)
  LAST_UPTIME: 40,
  START_SEC: 41,
  END_SEC: 42,
  START_MS: 43,
  END_MS: 44,
  START_NTP: 45, // micro- and nanosecond dateTime: NTP format
  END_NTP: 46,
  START_DELTA_US: 47, // flowStartDeltaMicroseconds: before the export time
  END_DELTA_US: 48,
  DURATION_MS: 49,
  DURATION_US: 50,
  SYSTEM_INIT_MS: 51,
  PADDING: 52,
} as const;

export interface FieldPlan {
  readonly template: TemplateRecord;
  /** Action per field (F.*). */
  readonly actions: Uint8Array;
  /** additional_attrs key per field (ATTR / RAW), else ''. */
  readonly keys: readonly string[];
  /** IANA abstract type of ATTR fields, for typed values. */
  readonly types: readonly string[];
  /** Fixed record length, or -1 when the template has variable-length fields. */
  readonly recordLength: number;
  /** Shortest possible record: what is left in a set below this is padding. */
  readonly minLength: number;
  /** True when the template holds an IP address (a flow), false for options and address-less records. */
  readonly hasAddress: boolean;
  /**
   * Makes the event object of one record with every key this template fills, in order, as null placeholders:
   * all events of a template share one object shape from the start instead of growing their property store
   * field by field. A literal compiled once per template (from the data model's own key names only, never from
   * anything on the wire): V8 builds it far faster than it copies or grows an object, and later keys (duration,
   * sampling, additional_attrs) extend it cheaply. Keys a record does not fill (a value of an impossible length)
   * are deleted, on that rare path only.
   */
  readonly create: () => Record<string, unknown>;
  /** The keys `create` makes, in order (empty for options templates). */
  readonly eventKeys: readonly string[];
}

/** The ODM keys each action fills. */
export const ACTION_KEYS: Record<number, readonly string[]> = {
  [F.IN_BYTES]: ['in_bytes'],
  [F.IN_PKTS]: ['flow_in_packets'],
  [F.OUT_BYTES]: ['out_bytes'],
  [F.OUT_PKTS]: ['flow_out_packets'],
  [F.PROTO]: ['n_proto'],
  [F.SRC_TOS]: ['src_tos'],
  [F.DST_TOS]: ['dst_tos'],
  [F.TCP_FLAGS]: ['net_flags'],
  [F.SRC_PORT]: ['src_port'],
  [F.DST_PORT]: ['dst_port'],
  [F.SRC_MASK]: ['src_mask'],
  [F.DST_MASK]: ['dst_mask'],
  [F.INPUT]: ['flow_input'],
  [F.OUTPUT]: ['flow_output'],
  [F.NEXT_HOP]: ['flow_next_hop'],
  [F.BGP_NEXT_HOP]: ['flow_bgp_next_hop'],
  [F.SRC_AS]: ['src_asn'],
  [F.DST_AS]: ['dst_asn'],
  [F.SRC_VLAN]: ['src_vlan'],
  [F.DST_VLAN]: ['dst_vlan'],
  [F.SRC_MAC]: ['src_mac'],
  [F.DST_MAC]: ['dst_mac'],
  [F.DIRECTION]: ['flow_dir'],
  [F.FWD_STATUS]: ['flow_fwd_status'],
  [F.END_REASON]: ['flow_end_reason'],
  [F.ICMP_TYPE_CODE]: ['flow_icmp_type', 'flow_icmp_code'],
  [F.ICMP_TYPE]: ['flow_icmp_type'],
  [F.ICMP_CODE]: ['flow_icmp_code'],
  [F.XLATE_SRC_IP]: ['xlate_src_ip'],
  [F.XLATE_DST_IP]: ['xlate_dst_ip'],
  [F.XLATE_SRC_PORT]: ['xlate_src_port'],
  [F.XLATE_DST_PORT]: ['xlate_dst_port'],
};

const SAFE_KEY = /^[a-z][a-z0-9_]*$/;

/** The keys of a template's event object, in order: the ones every flow has, then each action's, then the times. */
function eventKeysOf(t: TemplateRecord, actions: Uint8Array): string[] {
  const keys: string[] = ['event_id', 'event_kind', 'event_time', 'src_ip', 'dst_ip'];
  let uptime = false;
  let absolute = false;
  for (const a of actions) {
    for (const k of ACTION_KEYS[a] ?? []) if (!keys.includes(k)) keys.push(k);
    if (a === F.FIRST_UPTIME || a === F.LAST_UPTIME) uptime = true;
    if (a >= F.START_SEC && a <= F.DURATION_US) absolute = true;
  }
  if ((uptime && t.version === 9) || absolute) keys.push('begin_time', 'end_time');
  keys.push('flow_version', 'flow_domain_id');
  for (const k of keys) if (!SAFE_KEY.test(k)) throw new Error(`internal: unsafe event key ${k}`);
  return keys;
}

function buildFactory(keys: readonly string[]): () => Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`return { ${keys.map((k) => (k === 'event_kind' ? "event_kind: 'flow'" : `${k}: null`)).join(', ')} };`) as () => Record<string, unknown>;
}

const DIRECT: Record<number, number> = {
  1: F.IN_BYTES,
  2: F.IN_PKTS,
  4: F.PROTO,
  5: F.SRC_TOS,
  6: F.TCP_FLAGS,
  7: F.SRC_PORT,
  8: F.SRC_IP,
  9: F.SRC_MASK,
  10: F.INPUT,
  11: F.DST_PORT,
  12: F.DST_IP,
  13: F.DST_MASK,
  14: F.OUTPUT,
  15: F.NEXT_HOP,
  16: F.SRC_AS,
  17: F.DST_AS,
  18: F.BGP_NEXT_HOP,
  21: F.LAST_UPTIME,
  22: F.FIRST_UPTIME,
  // NetFlow v9 OUT_BYTES / OUT_PKTS (IPFIX calls them postOctetDeltaCount / postPacketDeltaCount); nfdump
  // reads them as the reverse direction's counters, and so do we.
  23: F.OUT_BYTES,
  24: F.OUT_PKTS,
  27: F.SRC_IP,
  28: F.DST_IP,
  29: F.SRC_MASK,
  30: F.DST_MASK,
  32: F.ICMP_TYPE_CODE,
  34: F.SAMPLING_INTERVAL,
  48: F.SAMPLER_ID,
  55: F.DST_TOS,
  56: F.SRC_MAC,
  58: F.SRC_VLAN,
  59: F.DST_VLAN,
  61: F.DIRECTION,
  62: F.NEXT_HOP,
  63: F.BGP_NEXT_HOP,
  80: F.DST_MAC,
  85: F.IN_BYTES,
  86: F.IN_PKTS,
  89: F.FWD_STATUS,
  136: F.END_REASON,
  139: F.ICMP_TYPE_CODE,
  150: F.START_SEC,
  151: F.END_SEC,
  152: F.START_MS,
  153: F.END_MS,
  154: F.START_NTP,
  155: F.END_NTP,
  156: F.START_NTP,
  157: F.END_NTP,
  158: F.START_DELTA_US,
  159: F.END_DELTA_US,
  160: F.SYSTEM_INIT_MS,
  161: F.DURATION_MS,
  162: F.DURATION_US,
  176: F.ICMP_TYPE,
  177: F.ICMP_CODE,
  178: F.ICMP_TYPE,
  179: F.ICMP_CODE,
  210: F.PADDING,
  225: F.XLATE_SRC_IP,
  226: F.XLATE_DST_IP,
  227: F.XLATE_SRC_PORT,
  228: F.XLATE_DST_PORT,
  231: F.IN_BYTES, // initiatorOctets (Cisco ASA NSEL, IPFIX biflows)
  232: F.OUT_BYTES, // responderOctets
  298: F.IN_PKTS, // initiatorPackets
  299: F.OUT_PKTS, // responderPackets
  281: F.XLATE_SRC_IP,
  282: F.XLATE_DST_IP,
  302: F.SAMPLER_ID,
  305: F.SAMPLING_INTERVAL,
};

/** Elements used only when their preferred alternative is absent from the template. */
const FALLBACK: Record<number, { action: number; unless: readonly number[] }> = {
  180: { action: F.SRC_PORT, unless: [7] }, // udpSourcePort
  182: { action: F.SRC_PORT, unless: [7] }, // tcpSourcePort
  181: { action: F.DST_PORT, unless: [11] },
  183: { action: F.DST_PORT, unless: [11] },
  243: { action: F.SRC_VLAN, unless: [58] }, // dot1qVlanId
  254: { action: F.DST_VLAN, unless: [59] }, // postDot1qVlanId
  50: { action: F.SAMPLING_INTERVAL, unless: [34, 305] }, // samplerRandomInterval
};

/** Cisco ASA NSEL fields in NetFlow v9 (not IANA): translated addresses and ports. */
const V9_VENDOR: Record<number, { action: number; name: string }> = {
  40001: { action: F.XLATE_SRC_IP, name: 'NF_F_XLATE_SRC_ADDR_IPV4' },
  40002: { action: F.XLATE_DST_IP, name: 'NF_F_XLATE_DST_ADDR_IPV4' },
  40003: { action: F.XLATE_SRC_PORT, name: 'NF_F_XLATE_SRC_PORT' },
  40004: { action: F.XLATE_DST_PORT, name: 'NF_F_XLATE_DST_PORT' },
};

/** Key for an element the data model has no column for and the registry does not name. */
export function rawKey(f: TemplateField): string {
  return `ipfix.${f.pen}.${f.id}`;
}

/** Compiles a template into a field plan (once per template, when it arrives). */
export function planTemplate(t: TemplateRecord): FieldPlan {
  const n = t.fields.length;
  const actions = new Uint8Array(n);
  const keys: string[] = new Array<string>(n).fill('');
  const types: string[] = new Array<string>(n).fill('');
  const present = new Set<number>();
  for (const f of t.fields) if (f.pen === 0) present.add(f.id);
  const taken = new Set<number>();
  const owner = new Map<number, number>();
  let hasAddress = false;
  let fixed = 0;
  let variable = false;
  let min = 0;
  for (let i = 0; i < n; i++) {
    const f = t.fields[i]!;
    if (f.length === 65535) {
      variable = true;
      min += 1;
    } else {
      fixed += f.length;
      min += f.length;
    }
    const keep = (action: number, key: string, type = ''): void => {
      actions[i] = action;
      keys[i] = key;
      types[i] = type;
    };
    // Options records describe the exporter, not flows: every field goes to the options table as a value.
    if (t.options || i < t.scopeCount) {
      const info = f.pen === 0 ? ianaElement(f.id) : undefined;
      if (t.version === 9 && i < t.scopeCount) keep(F.ATTR, `scope.${f.id}`, 'unsigned64');
      else if (info !== undefined) keep(F.ATTR, info.name, info.type);
      else keep(F.RAW, rawKey(f));
      continue;
    }
    if (f.length === 0) {
      actions[i] = F.SKIP;
      continue;
    }
    if (f.pen === 0) {
      let action = DIRECT[f.id];
      if (action === undefined) {
        const fb = FALLBACK[f.id];
        if (fb !== undefined && !fb.unless.some((id) => present.has(id))) action = fb.action;
      }
      if (action === undefined && t.version === 9) {
        const vendor = V9_VENDOR[f.id];
        if (vendor !== undefined) action = vendor.action;
      }
      if (action !== undefined) {
        // When a template has two fields of a kind (outer and inner headers of a tunnel, Huawei's IPv6 outer
        // with IPv4 inner; octetDeltaCount and octetTotalCount), the last one fills the ODM column, as nfdump
        // and pmacct read it, and the earlier one is kept in additional_attrs under its name. Addresses are
        // the exception, decided per record: a zero address never hides a real one (see to-event.ts).
        const earlier = owner.get(action);
        if (earlier !== undefined && action !== F.PADDING && action !== F.SRC_IP && action !== F.DST_IP) {
          const ef = t.fields[earlier]!;
          const einfo = ianaElement(ef.id);
          actions[earlier] = einfo === undefined ? F.RAW : F.ATTR;
          keys[earlier] = einfo === undefined ? rawKey(ef) : einfo.name;
          types[earlier] = einfo?.type ?? '';
        }
        owner.set(action, i);
        actions[i] = action;
        taken.add(action);
        if (action === F.SRC_IP || action === F.DST_IP) hasAddress = true;
        if (action === F.SRC_IP || action === F.DST_IP || action === F.SAMPLER_ID) {
          const info = ianaElement(f.id);
          keys[i] = info?.name ?? rawKey(f);
        }
        continue;
      }
      const info = ianaElement(f.id);
      if (info !== undefined) keep(F.ATTR, info.name, info.type);
      else keep(F.RAW, t.version === 9 && V9_VENDOR[f.id] !== undefined ? V9_VENDOR[f.id]!.name : rawKey(f));
      continue;
    }
    if (f.pen === REVERSE_PEN) {
      const info = ianaElement(f.id);
      const rev = f.id === 1 || f.id === 85 ? F.OUT_BYTES : f.id === 2 || f.id === 86 ? F.OUT_PKTS : undefined;
      if (rev !== undefined && !taken.has(rev)) {
        actions[i] = rev;
        taken.add(rev);
      } else if (info !== undefined) keep(F.ATTR, reverseName(info.name), info.type);
      else keep(F.RAW, rawKey(f));
      continue;
    }
    keep(F.RAW, rawKey(f));
  }
  const eventKeys = t.options ? [] : eventKeysOf(t, actions);
  return { template: t, actions, keys, types, recordLength: variable ? -1 : fixed, minLength: min, hasAddress, eventKeys, create: t.options ? () => ({}) : buildFactory(eventKeys) };
}
