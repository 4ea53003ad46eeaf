import type { LineFormat } from './line-format.js';
import { Slot } from './slots.js';

/**
 * NCSA common and combined log lines, as web servers and Squid write them:
 *
 *   common:   host ident user [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.0" 200 2326
 *   combined: … "referer" "user agent"
 *
 * Squid's `common`/`combined` logformats end with ` TCP_MISS:HIER_DIRECT` (%Ss:%Sh), read when present. Anything
 * after the last field is kept as `extra`. The user may contain spaces (LDAP DNs); every other field is one token.
 */
const Q = '"((?:[^"\\\\]|\\\\.)*)"';
const NCSA_RE = new RegExp(
  `^(?=(\\S+))\\1 (?=(\\S+))\\2 ((?=(\\S+))\\4|.+?) \\[([^\\]]{1,64})\\] ${Q} (-|\\d{1,3}) (-|\\d+)(?: ${Q} ${Q})?(?: ([A-Z][A-Z0-9_]*):([A-Z][A-Z0-9_]*))?(?:\\s+(.*?))?\\s*$`,
);

export const NCSA_FORMAT: LineFormat = Object.freeze({
  name: 'ncsa',
  regex: NCSA_RE,
  // groups: 1 host, 2 ident, 3 user (4 helper), 5 time, 6 request line, 7 status, 8 bytes, 9 referer, 10 user agent, 11-12 Squid status:hierarchy, 13 extra
  slots: Int32Array.from([-1, Slot.SRC_IP, Slot.USER_ALT, Slot.USER, -1, Slot.LOCALTIME, Slot.REQUEST_LINE, Slot.STATUS, Slot.IN_BYTES, Slot.REFERRER, Slot.BROWSER, Slot.ACTION, Slot.HIERARCHY, -1]),
  keys: Object.freeze(['', 'src_host', 'ident', 'user', '', 'time', 'request', 'status', 'bytes', 'referer', 'user_agent', 'squid_status', 'hierarchy', '']),
  extraGroup: 13,
});
