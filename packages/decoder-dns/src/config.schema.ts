import type { JsonSchema } from '@sightline/core';

const defs = 'https://sightline.dev/config/v0/defs.schema.json#/$defs';

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;

/** Config of the dns decoder. (A TS module rather than a .json file so Node 20 needs no experimental JSON modules.) */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    udp_ports: {
      type: 'array',
      items: port,
      default: [53, 5353, 5355],
      description: 'UDP ports whose datagrams are DNS (53 DNS, 5353 mDNS, 5355 LLMNR). Either side of the datagram may use the port.',
    },
    tcp_ports: {
      type: 'array',
      items: port,
      default: [53, 5353],
      description: 'TCP ports whose connections carry DNS (length-prefixed messages, RFC 7766).',
    },
    heuristic: {
      type: 'boolean',
      default: true,
      description: 'Also decode UDP datagrams on other ports whose payload is a plausible DNS query or response that decodes without fault (DNS on odd ports is a tunnelling sign). Off: DNS ports only.',
    },
    pairing: {
      enum: ['off', 'transactions'],
      default: 'off',
      description: '`off`: one event per message (queries and responses). `transactions`: a query and its response become one `transaction` event with `dns_rtt` (as Zeek\'s dns.log); unanswered queries and unsolicited responses still come out alone.',
    },
    pairing_timeout: { $ref: `${defs}/duration`, default: '10s', description: 'How long (capture time) a query waits for its response before it comes out alone.' },
    max_pending_queries: { type: 'integer', minimum: 1, default: 100000, description: 'Queries waiting for a response at once; beyond it the oldest comes out alone.' },
    reassembly: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Limits of IP fragment and TCP stream reassembly (capture time for timeouts).',
      properties: {
        fragment_timeout: { $ref: `${defs}/duration`, default: '30s' },
        max_fragmented_datagrams: { type: 'integer', minimum: 1, default: 4096 },
        max_fragment_memory: { $ref: `${defs}/size`, default: '16MiB' },
        max_fragments_per_datagram: { type: 'integer', minimum: 2, default: 64 },
        tcp_idle_timeout: { $ref: `${defs}/duration`, default: '5m' },
        max_tcp_connections: { type: 'integer', minimum: 1, default: 16384 },
        max_tcp_memory: { $ref: `${defs}/size`, default: '64MiB' },
      },
    },
    max_packet_bytes: { $ref: `${defs}/size`, default: '256KiB', description: 'Longest packet record accepted in a capture; a longer one means the capture is corrupt.' },
  },
} as const satisfies JsonSchema;

export interface DnsDecoderConfig {
  readonly udp_ports: readonly number[];
  readonly tcp_ports: readonly number[];
  readonly heuristic: boolean;
  readonly pairing: 'off' | 'transactions';
  readonly pairing_timeout: string | number;
  readonly max_pending_queries: number;
  readonly reassembly: {
    readonly fragment_timeout: string | number;
    readonly max_fragmented_datagrams: number;
    readonly max_fragment_memory: string | number;
    readonly max_fragments_per_datagram: number;
    readonly tcp_idle_timeout: string | number;
    readonly max_tcp_connections: number;
    readonly max_tcp_memory: string | number;
  };
  readonly max_packet_bytes: string | number;
}
