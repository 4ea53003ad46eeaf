/**
 * Where a log value goes: one small integer per ODM target, so a layout compiles to an Int32Array of slots and
 * the per-line mapping is a switch over integers (no per-field objects, no string keys on the hot path).
 * `UNMAPPED` values go to `additional_attrs` under their log field name.
 */
export const Slot = {
  UNMAPPED: 0,
  DATE: 1,
  TIME: 2,
  DATE_LOCAL: 3,
  TIME_LOCAL: 4,
  /** Seconds since the epoch, optionally with a fraction (`x-timestamp-unix`, Squid `%ts.%03tu`). */
  EPOCH: 5,
  /** `[dd/MM/yyyy:hh:mm:ss GMT]` (ProxySG `gmttime`). */
  GMTTIME: 6,
  /** `[dd/Mon/yyyy:hh:mm:ss +hhmm]` (ProxySG `localtime`, NCSA/Squid `%tl`). */
  LOCALTIME: 7,
  DURATION_MS: 8,
  DURATION_S: 9,
  SRC_IP: 10,
  SRC_PORT: 11,
  USER: 12,
  /** A second source of the user name, used when the first is empty (`cs-userdn`, ident). */
  USER_ALT: 13,
  AUTH_GROUP: 14,
  DST_IP: 15,
  /** The server's port (`s-port`, Squid `%<p`): the URI port when the log has none of its own. */
  S_PORT: 16,
  URI_PORT: 17,
  METHOD: 18,
  SCHEME: 19,
  HOST: 20,
  PATH: 21,
  QUERY: 22,
  EXTENSION: 23,
  /** A whole URI (`cs-uri`, Squid `%ru`), split into scheme, host, port, path and query where those are not logged. */
  URI: 24,
  STATUS: 25,
  ACTION: 26,
  FILTER_RESULT: 27,
  FILTER_RULE: 28,
  CATEGORY: 29,
  REFERRER: 30,
  BROWSER: 31,
  CTYPE: 32,
  EXCEPTION: 33,
  HIERARCHY: 34,
  SUPPLIER: 35,
  SITE: 36,
  VIRUS: 37,
  APP_NAME: 38,
  APP_OP: 39,
  HTTP_VERSION: 40,
  IN_BYTES: 41,
  OUT_BYTES: 42,
  DVC_HOST: 43,
  /** An NCSA request line: `GET /path?q HTTP/1.1`. */
  REQUEST_LINE: 44,
  /** Squid `%<a`: the server's IP, or the peer's name when Squid logged a name. */
  SERVER_OR_PEER: 45,
  /** The sub-second part of a Squid `%ts.%03tu` time, in milliseconds. */
  EPOCH_MS: 46,
} as const;

export type SlotId = (typeof Slot)[keyof typeof Slot];

/**
 * ELFF / W3C extended field names (lower case) and the slot each fills. Field names are matched
 * case-insensitively; a name not listed here is kept in `additional_attrs` under the name the log used.
 */
export const ELFF_FIELD_SLOTS: ReadonlyMap<string, SlotId> = new Map<string, SlotId>([
  ['date', Slot.DATE],
  ['time', Slot.TIME],
  ['date-local', Slot.DATE_LOCAL],
  ['time-local', Slot.TIME_LOCAL],
  ['x-timestamp-unix', Slot.EPOCH],
  ['timestamp', Slot.EPOCH],
  ['gmttime', Slot.GMTTIME],
  ['localtime', Slot.LOCALTIME],
  ['time-taken', Slot.DURATION_MS],
  ['timetakenms', Slot.DURATION_MS],
  ['duration', Slot.DURATION_S],
  ['c-ip', Slot.SRC_IP],
  ['c-port', Slot.SRC_PORT],
  ['cs-username', Slot.USER],
  ['c-auth-id', Slot.USER],
  ['cs-userdn', Slot.USER_ALT],
  ['cs-auth-group', Slot.AUTH_GROUP],
  ['cs-auth-groups', Slot.AUTH_GROUP],
  ['s-ip', Slot.DST_IP],
  ['s-port', Slot.S_PORT],
  ['cs-uri-port', Slot.URI_PORT],
  ['cs-method', Slot.METHOD],
  ['cs-uri-scheme', Slot.SCHEME],
  ['cs-host', Slot.HOST],
  ['cs(host)', Slot.HOST],
  ['cs-uri-path', Slot.PATH],
  ['cs-uri-stem', Slot.PATH],
  ['cs-uri-query', Slot.QUERY],
  ['cs-uri-extension', Slot.EXTENSION],
  ['cs-uri', Slot.URI],
  ['sc-status', Slot.STATUS],
  ['s-action', Slot.ACTION],
  ['sc-filter-result', Slot.FILTER_RESULT],
  ['x-rule', Slot.FILTER_RULE],
  ['cs-categories', Slot.CATEGORY],
  ['cs-category', Slot.CATEGORY],
  ['sc-filter-category', Slot.CATEGORY],
  ['cs(referer)', Slot.REFERRER],
  ['cs(referrer)', Slot.REFERRER],
  ['cs-referer', Slot.REFERRER],
  ['cs-referrer', Slot.REFERRER],
  ['cs(user-agent)', Slot.BROWSER],
  ['cs-user-agent', Slot.BROWSER],
  ['rs(content-type)', Slot.CTYPE],
  ['rs-content-type', Slot.CTYPE],
  ['sc(content-type)', Slot.CTYPE],
  ['x-exception-id', Slot.EXCEPTION],
  ['s-hierarchy', Slot.HIERARCHY],
  ['s-supplier-name', Slot.SUPPLIER],
  ['s-sitename', Slot.SITE],
  ['x-virus-id', Slot.VIRUS],
  ['x-bluecoat-application-name', Slot.APP_NAME],
  ['x-bluecoat-application-operation', Slot.APP_OP],
  ['cs-version', Slot.HTTP_VERSION],
  ['sc-bytes', Slot.IN_BYTES],
  ['bytes', Slot.IN_BYTES],
  ['cs-bytes', Slot.OUT_BYTES],
  ['s-computername', Slot.DVC_HOST],
]);

/** The slot of an ELFF field name (case-insensitive); `UNMAPPED` for names without an ODM column. */
export function elffSlot(name: string): SlotId {
  return ELFF_FIELD_SLOTS.get(name.toLowerCase()) ?? Slot.UNMAPPED;
}
