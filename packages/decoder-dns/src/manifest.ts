import { definePlugin } from '@sightline/core';
import { type DnsDecoderConfig, configSchema } from './config.schema.js';
import { createDnsDecoder } from './module.js';

export const VERSION = '0.1.0';

export const manifest = definePlugin<'decoder', DnsDecoderConfig>({
  name: 'dns',
  kind: 'decoder',
  version: VERSION,
  core: '^0.1.0',
  description: 'DNS messages from pcap / pcapng captures: UDP (IP fragments reassembled), TCP (streams reassembled), every record type in presentation form, EDNS(0), optional query/response pairing with round-trip times.',
  configSchema,
  create: (config, ctx) => createDnsDecoder(config, ctx),
});
