/**
 * @sightline/decoder-dns: DNS from packet captures into open-data-model dns events. The plugin is `manifest`
 * (name `dns`); the wire-level pieces (message parser, encoder for fixtures) are exported for tools and tests.
 */
import './error-codes.js';

export { manifest, VERSION } from './manifest.js';
export { DNS_ERROR_CODES } from './error-codes.js';
export { configSchema } from './config.schema.js';
export type { DnsDecoderConfig } from './config.schema.js';
export { DnsDecoder } from './decoder.js';
export { DNS_EXTRA_ATTRIBUTES, toEvent } from './to-event.js';
export { Pairer, transaction } from './pairing.js';
export type { PairingOptions } from './pairing.js';
export { dnsEventId, transactionId } from './event-id.js';
export type { IdentityParts } from './event-id.js';
export { DnsTransport, heuristicHeaderOk } from './transport/dns-transport.js';
export type { DnsTransportOptions, DnsTransportStats, FoundMessage } from './transport/dns-transport.js';
export { DnsTcpFramer } from './transport/tcp-framer.js';
export { looksLikeDns, sniffCaptureForDns } from './sniff.js';
export { HEADER_LENGTH, parseMessage, questionsOf } from './wire/message.js';
export type { DnsMessage, DnsQuestion, ParseOptions } from './wire/message.js';
export type { Edns } from './wire/edns.js';
export { encodeMessage, rdata, splitName } from './wire/encode.js';
export type { EncodeEdns, EncodeMessage, EncodeQuestion, EncodeRdata, EncodeRecord } from './wire/encode.js';
export { className, ednsOptionName, opcodeName, rcodeName, typeName } from './wire/types.js';
