import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/capture (listed on docs/reference/errors.md). */
export const CAPTURE_ERROR_CODES = defineErrorCodes('@sightline/capture', {
  SL_CAPTURE_NOT_A_CAPTURE: {
    stage: 'decode',
    retryable: false,
    summary: 'The input does not start with a pcap or pcapng header.',
    remedy: 'Check that the file is a packet capture (tcpdump -w, Wireshark); the first bytes are kept in quarantine.',
  },
  SL_CAPTURE_CORRUPT: {
    stage: 'decode',
    retryable: false,
    summary: 'A capture record or block has an impossible length or layout; reading that capture stopped there.',
    remedy: 'The packets before the damage were decoded; the record and its offset are in quarantine.',
  },
  SL_CAPTURE_TRUNCATED: {
    stage: 'decode',
    retryable: false,
    summary: 'The capture ends in the middle of a record (a file cut while it was written).',
    remedy: 'Everything before the cut was decoded; the partial record is in quarantine.',
  },
  SL_CAPTURE_UNSUPPORTED_LINK: {
    stage: 'decode',
    retryable: false,
    summary: 'A packet uses a link-layer type this reader does not decode.',
    remedy: 'The packet is quarantined with its link type; supported: Ethernet (with 802.1Q/QinQ), Linux SLL/SLL2, raw IPv4/IPv6, BSD loopback/NULL.',
  },
  SL_CAPTURE_MALFORMED_PACKET: {
    stage: 'decode',
    retryable: false,
    summary: 'A packet\'s link, IP or UDP header is shorter than it says or inconsistent.',
    remedy: 'The packet is quarantined with its number and offset in the capture.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_CAPTURE_NOT_A_CAPTURE: true;
    SL_CAPTURE_CORRUPT: true;
    SL_CAPTURE_TRUNCATED: true;
    SL_CAPTURE_UNSUPPORTED_LINK: true;
    SL_CAPTURE_MALFORMED_PACKET: true;
  }
}
