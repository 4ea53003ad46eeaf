/** DNS parameter names (IANA "Domain Name System (DNS) Parameters"), for presentation forms and messages. */

export const RR_TYPES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS', 12: 'PTR',
  13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN', 21: 'RT', 22: 'NSAP',
  23: 'NSAP-PTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT', 31: 'EID', 32: 'NIMLOC',
  33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK', 41: 'OPT', 42: 'APL',
  43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3',
  51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 56: 'NINFO', 57: 'RKEY', 58: 'TALINK', 59: 'CDS',
  60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 104: 'NID',
  105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR',
  253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI', 257: 'CAA', 32768: 'TA', 32769: 'DLV',
};

const TYPE_NAMES: readonly string[] = Array.from({ length: 260 }, (_, i) => RR_TYPES[i] ?? `TYPE${i}`);

/** `A`, `AAAA`…, or RFC 3597's `TYPE<n>` for types without a mnemonic. */
export function typeName(type: number): string {
  return type < 260 ? TYPE_NAMES[type]! : (RR_TYPES[type] ?? `TYPE${type}`);
}

export const CLASSES: Readonly<Record<number, string>> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export function className(cls: number): string {
  return CLASSES[cls] ?? `CLASS${cls}`;
}

/** Response codes, including the extended ones carried by EDNS and TSIG (RFC 6895). */
export const RCODES: Readonly<Record<number, string>> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 7: 'YXRRSET',
  8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE', 11: 'DSOTYPENI', 16: 'BADVERS', 17: 'BADKEY', 18: 'BADTIME', 19: 'BADMODE',
  20: 'BADNAME', 21: 'BADALG', 22: 'BADTRUNC', 23: 'BADCOOKIE',
};

export function rcodeName(rcode: number): string {
  return RCODES[rcode] ?? `RCODE${rcode}`;
}

export const OPCODES: Readonly<Record<number, string>> = { 0: 'QUERY', 1: 'IQUERY', 2: 'STATUS', 4: 'NOTIFY', 5: 'UPDATE', 6: 'DSO' };

export function opcodeName(opcode: number): string {
  return OPCODES[opcode] ?? `OPCODE${opcode}`;
}

/** EDNS(0) option codes (IANA "DNS EDNS0 Option Codes (OPT)"). */
export const EDNS_OPTIONS: Readonly<Record<number, string>> = {
  1: 'LLQ', 2: 'UL', 3: 'NSID', 5: 'DAU', 6: 'DHU', 7: 'N3U', 8: 'ECS', 9: 'EXPIRE', 10: 'COOKIE', 11: 'KEEPALIVE',
  12: 'PADDING', 13: 'CHAIN', 14: 'KEY-TAG', 15: 'EDE', 16: 'CLIENT-TAG', 17: 'SERVER-TAG', 18: 'REPORT-CHANNEL', 19: 'ZONEVERSION',
  26946: 'DEVICEID',
};

const EDNS_NAMES: readonly string[] = Array.from({ length: 32 }, (_, i) => EDNS_OPTIONS[i] ?? `OPT${i}`);

export function ednsOptionName(code: number): string {
  return code < 32 ? EDNS_NAMES[code]! : (EDNS_OPTIONS[code] ?? `OPT${code}`);
}

/** DNSSEC algorithm mnemonics (for messages; records keep the number, as in zone files). */
export const DNSSEC_ALGORITHMS: Readonly<Record<number, string>> = {
  1: 'RSAMD5', 3: 'DSA', 5: 'RSASHA1', 6: 'DSA-NSEC3-SHA1', 7: 'RSASHA1-NSEC3-SHA1', 8: 'RSASHA256', 10: 'RSASHA512',
  12: 'ECC-GOST', 13: 'ECDSAP256SHA256', 14: 'ECDSAP384SHA384', 15: 'ED25519', 16: 'ED448',
};

/** SVCB/HTTPS SvcParamKey names (RFC 9460). */
export const SVC_PARAM_KEYS: Readonly<Record<number, string>> = {
  0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'ech', 6: 'ipv6hint', 7: 'dohpath', 8: 'ohttp',
};

export function svcParamKeyName(key: number): string {
  return SVC_PARAM_KEYS[key] ?? `key${key}`;
}
