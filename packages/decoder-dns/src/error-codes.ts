import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/decoder-dns (listed on docs/reference/errors.md). */
export const DNS_ERROR_CODES = defineErrorCodes('@sightline/decoder-dns', {
  SL_DNS_MALFORMED: {
    stage: 'decode',
    retryable: false,
    summary: 'A packet on a DNS port does not hold a DNS message at all (shorter than the 12-byte header, or not DNS).',
    remedy: 'No event is made; the payload is quarantined with the packet number and offset in the capture.',
  },
  SL_DNS_PARTIAL: {
    stage: 'decode',
    retryable: false,
    summary: 'Part of a DNS message could not be decoded: a bad name, a compression loop, a record past the end, counts larger than the message, RDATA that does not fit its type, a malformed EDNS option.',
    remedy: 'The event keeps everything decoded before the fault (and the faulty record in generic \\# form) with `additional_attrs.dns_malformed` saying what; the message is quarantined for inspection.',
  },
  SL_DNS_TCP_INCOMPLETE: {
    stage: 'decode',
    retryable: false,
    summary: 'Bytes of a DNS-over-TCP stream are missing (not captured, cut by the end of the stream or capture) or had to be skipped to find the next message.',
    remedy: 'Messages in the missing bytes are lost; the quarantine record names the connection and packet. Capture loss (a busy sensor) is the usual cause.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_DNS_MALFORMED: true;
    SL_DNS_PARTIAL: true;
    SL_DNS_TCP_INCOMPLETE: true;
  }
}
