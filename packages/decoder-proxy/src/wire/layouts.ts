import { type SlotId, elffSlot } from './slots.js';

/**
 * A column layout: the ELFF field name of every value in a line, compiled once to the slot each value fills.
 * Layouts come from a log's `#Fields:` directive, from the config (`fields`), or from the catalogue below.
 */
export interface Layout {
  /** `#Fields` for a directive, else the catalogue name (`proxysg-main`, `spot`…). */
  readonly name: string;
  readonly fields: readonly string[];
  readonly slots: Int32Array;
  /** Field names as written, for additional_attrs keys. */
  readonly keys: readonly string[];
}

export function compileLayout(name: string, fields: readonly string[]): Layout {
  const slots = new Int32Array(fields.length);
  fields.forEach((f, i) => (slots[i] = elffSlot(f)));
  return Object.freeze({ name, fields: Object.freeze([...fields]), slots, keys: Object.freeze([...fields]) });
}

/** Field names from a `#Fields:` value or the `fields` config (whitespace separated). */
export function splitFields(text: string): string[] {
  return text.trim().split(/\s+/).filter((f) => f !== '');
}

const words = (s: string): readonly string[] => Object.freeze(splitFields(s));

/**
 * Apache Spot's headerless Blue Coat layout (apache-spot.md §3.4): the 27 fields `spot-ingest` expected, which is
 * the classic ProxySG `bcreportermain_v1` field order.
 */
export const SPOT_FIELDS = words(
  'date time time-taken c-ip cs-username cs-auth-group x-exception-id sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id x-bluecoat-application-name x-bluecoat-application-operation',
);

/** ProxySG's default `main` access-log format. */
export const PROXYSG_MAIN_FIELDS = words(
  'date time time-taken c-ip sc-status s-action sc-bytes cs-bytes cs-method cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-username cs-auth-group s-supplier-name rs(Content-Type) cs(Referer) cs(User-Agent) sc-filter-result cs-categories x-virus-id s-ip',
);

/** ProxySG's default `ssl` access-log format. */
export const PROXYSG_SSL_FIELDS = words(
  'date time time-taken c-ip s-action x-rs-certificate-validate-status x-rs-certificate-observed-errors x-cs-ocsp-error x-rs-ocsp-error cs-host s-supplier-name x-rs-connection-negotiated-ssl-version x-rs-connection-negotiated-cipher x-rs-connection-negotiated-cipher-size x-rs-certificate-hostname x-rs-certificate-hostname-category x-cs-connection-negotiated-ssl-version x-cs-connection-negotiated-cipher x-cs-connection-negotiated-cipher-size x-cs-certificate-subject s-ip s-sitename',
);

/** ProxySG's `bcreportermain_v1` format as current SGOS versions write it (Blue Coat Reporter's main log). */
export const PROXYSG_BCREPORTERMAIN_V1_FIELDS = words(
  'date time time-taken c-ip cs-username cs-auth-group s-supplier-name s-supplier-ip s-supplier-country s-supplier-failures x-exception-id sc-filter-result cs-categories cs(Referer) sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-path cs-uri-query cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id cs-threat-source cs-threat-id rs-threat-source rs-threat-id x-bluecoat-application-name x-bluecoat-application-operation x-bluecoat-application-groups cs-threat-risk x-bluecoat-access-security-policy-action x-bluecoat-access-security-policy-reason x-bluecoat-transaction-uuid x-icap-reqmod-header(X-ICAP-Metadata) x-icap-respmod-header(X-ICAP-Metadata)',
);

/** ProxySG's `bcreporterssl_v1` format (Blue Coat Reporter's SSL log). */
export const PROXYSG_BCREPORTERSSL_V1_FIELDS = words(
  'date time time-taken c-ip cs-username cs-auth-group s-supplier-name s-supplier-ip s-supplier-country s-supplier-failures x-exception-id sc-filter-result cs-categories sc-status s-action cs-method rs(Content-Type) cs-uri-scheme cs-host cs-uri-port cs-uri-extension cs(User-Agent) s-ip sc-bytes cs-bytes x-virus-id cs-threat-source cs-threat-id rs-threat-source rs-threat-id x-rs-certificate-observed-errors x-cs-ocsp-error x-rs-ocsp-error x-rs-connection-negotiated-cipher-strength x-rs-certificate-hostname x-rs-certificate-hostname-category cs-threat-risk x-rs-certificate-hostname-threat-risk x-bluecoat-access-security-policy-action x-bluecoat-access-security-policy-reason',
);

/** The built-in headerless layouts, by the `format` name that selects them. */
export const KNOWN_LAYOUTS: Readonly<Record<'spot' | 'proxysg-main' | 'proxysg-ssl' | 'proxysg-bcreportermain-v1' | 'proxysg-bcreporterssl-v1', Layout>> = Object.freeze({
  spot: compileLayout('spot', SPOT_FIELDS),
  'proxysg-main': compileLayout('proxysg-main', PROXYSG_MAIN_FIELDS),
  'proxysg-ssl': compileLayout('proxysg-ssl', PROXYSG_SSL_FIELDS),
  'proxysg-bcreportermain-v1': compileLayout('proxysg-bcreportermain-v1', PROXYSG_BCREPORTERMAIN_V1_FIELDS),
  'proxysg-bcreporterssl-v1': compileLayout('proxysg-bcreporterssl-v1', PROXYSG_BCREPORTERSSL_V1_FIELDS),
});

export type KnownLayoutName = keyof typeof KNOWN_LAYOUTS;

/** A headerless ProxySG line is recognised by its number of values (they differ between the built-in layouts). */
export function headerlessLayout(columns: number): Layout | undefined {
  for (const layout of Object.values(KNOWN_LAYOUTS)) if (layout.fields.length === columns) return layout;
  return undefined;
}

function isSubsequence(short: readonly string[], long: readonly string[]): boolean {
  let j = 0;
  for (let i = 0; i < long.length && j < short.length; i++) if (long[i]!.toLowerCase() === short[j]!.toLowerCase()) j++;
  return j === short.length;
}

/**
 * A built-in layout that explains records with more values than their `#Fields` directive names: the longest
 * one that has at most `columns` fields and contains every declared field, in order, plus fields the directive
 * left out. Real case: ProxySG `main` logs whose #Fields line omits the cs(User-Agent) the records carry
 * (elastic/integrations test-proxy-main.log). Values beyond the returned layout are extra columns.
 */
export function repairLayout(declared: Layout, columns: number): Layout | undefined {
  let best: Layout | undefined;
  for (const layout of Object.values(KNOWN_LAYOUTS)) {
    const n = layout.fields.length;
    if (n > columns || n <= declared.fields.length || (best !== undefined && n <= best.fields.length)) continue;
    if (isSubsequence(declared.fields, layout.fields)) best = layout;
  }
  return best;
}

export type { SlotId };
