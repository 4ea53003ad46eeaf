/**
 * Maps a decoded DNS message and where it was found onto an open-data-model dns event
 * (packages/core/schemas/dns.schema.json). One event per message; fields the data model has no column for go
 * to `additional_attrs` under the names documented on `DNS_EXTRA_ATTRIBUTES`.
 */
import type { DnsEvent } from '@sightline/core';
import type { FoundMessage } from './transport/dns-transport.js';
import type { DnsMessage } from './wire/message.js';
import { typeName } from './wire/types.js';

type Flag = 'AA' | 'TC' | 'RD' | 'RA' | 'AD' | 'CD';
const FLAG_BITS: readonly [number, Flag][] = [
  [0x0400, 'AA'],
  [0x0200, 'TC'],
  [0x0100, 'RD'],
  [0x0080, 'RA'],
  [0x0020, 'AD'],
  [0x0010, 'CD'],
];

// The 64 possible flag lists, built once and frozen (events share them; nothing may change them).
const FLAG_LISTS: readonly (readonly Flag[])[] = Array.from({ length: 64 }, (_, combo) =>
  Object.freeze(FLAG_BITS.filter((_f, i) => (combo >> i) & 1).map(([, name]) => name)),
);

function flagIndex(flags: number): number {
  return ((flags >> 10) & 1) | (((flags >> 9) & 1) << 1) | (((flags >> 8) & 1) << 2) | (((flags >> 7) & 1) << 3) | (((flags >> 5) & 1) << 4) | (((flags >> 4) & 1) << 5);
}

/** The keys this decoder may put in `additional_attrs`, and what they hold. */
export const DNS_EXTRA_ATTRIBUTES = {
  dns_malformed: 'What could not be decoded in the message (the event holds what came before it).',
  dns_trailing_bytes: 'Bytes after the last section of the message (padding or hidden data).',
  dns_z: 'The reserved Z header bit is set (1).',
  dns_questions: 'Questions after the first, as "name TYPE" joined by ", ".',
  ip_fragments: 'The UDP datagram was reassembled from this many IP fragments.',
  edns_options: 'EDNS option names in order, joined by "," (left out when the only options are a client subnet and/or a cookie, which have their own fields).',
  edns_ecs_scope: 'EDNS client subnet scope prefix length (when not 0).',
  edns_nsid: 'EDNS name server identifier, hex.',
  edns_keepalive: 'EDNS TCP keepalive timeout in units of 100 ms (null: the option without a value).',
  edns_padding: 'EDNS padding length in bytes.',
  edns_ede: 'EDNS extended DNS error: info code and text.',
  edns_other: 'Other EDNS options as NAME=hex, joined by " ".',
  edns_z: 'EDNS flag bits other than DO (when not 0).',
  query_len: 'Transactions: frame length of the query (dns_len is the response\'s).',
  query_msg_len: 'Transactions: length of the query message.',
  query_flags: 'Transactions: the query\'s header flags, joined by "," (dns_flags holds the response\'s).',
  'query_*': 'Transactions: the query\'s own additional attributes, prefixed with query_.',
} as const;

type Attrs = Record<string, string | number | boolean | null>;

/** The event for `msg`, found as `f`; `source` names the input. The caller assigns the event id. */
export function toEvent(f: FoundMessage, msg: DnsMessage, source: string): DnsEvent {
  const p = f.packet;
  // One literal for the common shape (a message with a question), so events share one hidden class.
  const e: DnsEvent =
    msg.qname !== undefined
      ? {
          event_id: '',
          event_kind: 'dns',
          event_time: p.seconds * 1000 + Math.floor(p.nanos / 1_000_000),
          event_source: source,
          src_ip: f.src,
          dst_ip: f.dst,
          src_port: f.srcPort,
          dst_port: f.dstPort,
          n_proto: f.proto,
          dns_message_type: msg.response ? 'response' : 'query',
          dns_id: msg.id,
          dns_opcode: msg.opcode,
          dns_flags: FLAG_LISTS[flagIndex(msg.flags)] as Flag[],
          dns_query: msg.qname,
          dns_type: msg.qtype!,
          dns_class: msg.qclass!,
          dns_response_code: msg.rcode,
          dns_question_count: msg.qdcount,
          dns_answer_count: msg.ancount,
          dns_authority_count: msg.nscount,
          dns_additional_count: msg.arcount,
          dns_len: p.originalLength,
          dns_msg_len: f.end - f.start,
        }
      : {
          event_id: '',
          event_kind: 'dns',
          event_time: p.seconds * 1000 + Math.floor(p.nanos / 1_000_000),
          event_source: source,
          src_ip: f.src,
          dst_ip: f.dst,
          src_port: f.srcPort,
          dst_port: f.dstPort,
          n_proto: f.proto,
          dns_message_type: msg.response ? 'response' : 'query',
          dns_id: msg.id,
          dns_opcode: msg.opcode,
          dns_flags: FLAG_LISTS[flagIndex(msg.flags)] as Flag[],
          dns_response_code: msg.rcode,
          dns_question_count: msg.qdcount,
          dns_answer_count: msg.ancount,
          dns_authority_count: msg.nscount,
          dns_additional_count: msg.arcount,
          dns_len: p.originalLength,
          dns_msg_len: f.end - f.start,
        };
  if (msg.answers !== undefined) e.dns_answers = msg.answers;
  if (msg.authorities !== undefined) e.dns_authorities = msg.authorities;
  if (msg.additionals !== undefined) e.dns_additionals = msg.additionals;
  let attrs: Attrs | undefined;
  const edns = msg.edns;
  if (edns !== undefined) {
    e.dns_edns_version = edns.version;
    e.dns_edns_udp_size = edns.udpSize;
    e.dns_edns_do = edns.dnssecOk;
    if (edns.clientSubnet !== undefined) e.dns_edns_client_subnet = edns.clientSubnet;
    if (edns.cookie !== undefined) e.dns_edns_cookie = edns.cookie;
    // The option list says more than the fields above only when other options are present (or in another order).
    const o = edns.options;
    if (o !== '' && o !== 'COOKIE' && o !== 'ECS' && o !== 'ECS,COOKIE') {
      attrs = { edns_options: o };
      if (edns.clientSubnetScope !== undefined) attrs['edns_ecs_scope'] = edns.clientSubnetScope;
      if (edns.nsid !== undefined) attrs['edns_nsid'] = edns.nsid;
      if (edns.keepalive !== undefined) attrs['edns_keepalive'] = edns.keepalive;
      if (edns.padding !== undefined) attrs['edns_padding'] = edns.padding;
      if (edns.extendedError !== undefined) attrs['edns_ede'] = edns.extendedError;
      if (edns.other !== undefined) attrs['edns_other'] = edns.other.join(' ');
    } else if (edns.clientSubnetScope !== undefined) attrs = { edns_ecs_scope: edns.clientSubnetScope };
    if (edns.z !== 0) (attrs ??= {})['edns_z'] = edns.z;
  }
  if (msg.problem !== undefined) (attrs ??= {})['dns_malformed'] = `${msg.problem.message} (at byte ${msg.problem.at})`;
  if (msg.trailing > 0) (attrs ??= {})['dns_trailing_bytes'] = msg.trailing;
  if ((msg.flags & 0x0040) !== 0) (attrs ??= {})['dns_z'] = 1;
  if (msg.moreQuestions !== undefined) (attrs ??= {})['dns_questions'] = msg.moreQuestions.map((x) => `${x.name} ${typeName(x.type)}`).join(', ');
  if (f.fragments > 0) (attrs ??= {})['ip_fragments'] = f.fragments;
  if (attrs !== undefined) e.additional_attrs = attrs;
  return e;
}
