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
    remedy: 'The packet is quarantined with its link type; supported: Ethernet (with 802.1Q/QinQ, PPPoE, MPLS), Linux SLL/SLL2, raw IPv4/IPv6, BSD loopback/NULL, PPP, Cisco HDLC, FDDI.',
  },
  SL_CAPTURE_MALFORMED_PACKET: {
    stage: 'decode',
    retryable: false,
    summary: 'A packet\'s link, IP or UDP header is shorter than it says or inconsistent.',
    remedy: 'The packet is quarantined with its number and offset in the capture.',
  },
  SL_CAPTURE_FRAGMENTS_INCOMPLETE: {
    stage: 'decode',
    retryable: false,
    summary: 'An IP datagram was fragmented and not every fragment was captured (or in time, or within the limits); it cannot be reassembled.',
    remedy: 'The first fragment is quarantined with its packet number; check for capture loss or raise the reassembly limits (fragments, memory, timeout).',
  },
  SL_CAPTURE_FRAGMENT_OVERLAP: {
    stage: 'decode',
    retryable: false,
    summary: 'IP fragments of one datagram overlap with different bytes (a broken stack or an evasion attempt); the bytes seen first were kept.',
    remedy: 'The datagram is decoded from the first bytes seen; the first fragment is quarantined for inspection.',
  },
  SL_CAPTURE_REASSEMBLY_LIMIT: {
    stage: 'decode',
    retryable: false,
    summary: 'TCP reassembly hit its connection or memory limit and closed the least recently active connection early.',
    remedy: 'Bytes it held were passed on with gaps (messages cut by them are reported); raise the reassembly limits if this capture is legitimate.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_CAPTURE_NOT_A_CAPTURE: true;
    SL_CAPTURE_CORRUPT: true;
    SL_CAPTURE_TRUNCATED: true;
    SL_CAPTURE_UNSUPPORTED_LINK: true;
    SL_CAPTURE_MALFORMED_PACKET: true;
    SL_CAPTURE_FRAGMENTS_INCOMPLETE: true;
    SL_CAPTURE_FRAGMENT_OVERLAP: true;
    SL_CAPTURE_REASSEMBLY_LIMIT: true;
  }
}
