import { defineErrorCodes } from '@sightline/core';

/** Error codes of @sightline/decoder-netflow (listed on docs/reference/errors.md). */
export const NETFLOW_ERROR_CODES = defineErrorCodes('@sightline/decoder-netflow', {
  SL_NETFLOW_TEMPLATE_MISSING: {
    stage: 'decode',
    retryable: false,
    summary: 'A NetFlow v9 / IPFIX data set arrived whose template never came (or had expired) before the end of the input, the wait limit or the pending buffer\'s limit.',
    remedy: 'The data set is quarantined with its exporter, domain and template id. Exporters re-send templates periodically: start the collector earlier, raise `templates.pending_max_age` / `pending_max_bytes`, or share templates between workers (`templates.store: redis`).',
  },
  SL_NETFLOW_TEMPLATE_INVALID: {
    stage: 'decode',
    retryable: false,
    summary: 'A template or options template is malformed: zero fields, a field of length 0 where one is needed, more fields than the set holds, or a scope count larger than the field count.',
    remedy: 'The template set is quarantined and not installed; data sets that use it are quarantined in turn until a valid template arrives.',
  },
  SL_NETFLOW_BAD_PACKET: {
    stage: 'decode',
    retryable: false,
    summary: 'An export packet\'s header or set structure is inconsistent: a length or count that lies, a set running past the packet\'s end, an unknown set id.',
    remedy: 'The packet (or what is left of it from the bad set on) is quarantined with its offset; the sets and records before the damage were decoded.',
  },
  SL_NETFLOW_NFCAPD_COMPRESSION: {
    stage: 'decode',
    retryable: false,
    summary: 'An nfcapd file uses a compression this decoder does not read (it reads uncompressed and LZ4 files).',
    remedy: 'Convert the file with `nfdump -r FILE -y -w OUT` (LZ4) or `nfdump -r FILE -w OUT` (uncompressed), or decode it with `nfdump -o csv` and read the CSV.',
  },
  SL_NETFLOW_TEMPLATE_STORE: {
    stage: 'decode',
    retryable: true,
    summary: 'The shared template store (Redis, or the persistence file) could not be read or written.',
    remedy: 'Decoding goes on with the templates this worker holds in memory; check that Redis answers or that the persistence folder is writable.',
  },
});

declare module '@sightline/core' {
  interface PackageErrorCodes {
    SL_NETFLOW_TEMPLATE_MISSING: true;
    SL_NETFLOW_TEMPLATE_INVALID: true;
    SL_NETFLOW_BAD_PACKET: true;
    SL_NETFLOW_NFCAPD_COMPRESSION: true;
    SL_NETFLOW_TEMPLATE_STORE: true;
  }
}
