/**
 * Options of Spot's featurizers. Every default reproduces Apache Spot's master; each other value is a correction
 * a site turns on (apache-spot.md §7, §8), documented with what Spot did.
 */
export interface SpotWordOptions {
  /**
   * Minutes to add to UTC before taking the hour of an event (default 0: the hour in UTC). Spot took the hour
   * from the text of its input (nfdump's `tr`, tshark's `frame.time`, the proxy log's time), i.e. in whatever
   * zone the collector wrote; a site whose Spot ran in local time sets its offset here (e.g. 120 for UTC+2) so
   * that words keep their meaning across a migration.
   */
  readonly utc_offset_minutes?: number;
  /**
   * DNS: the site's own domain label (Spot's `--userdomain`, default "" = none): names in it get top-domain
   * class 2. With `public_suffix`, a value with a dot (`example.co.uk`) is compared with the registrable domain.
   */
  readonly user_domain?: string;
  /**
   * Proxy: the site's own domain, class 2 for hosts in it. Spot hard-coded `intel` here
   * (`ProxyWordCreation.domainBelongsToSafeList`, "TBD parameterize this!") and ignored `--userdomain`; the
   * default keeps `intel` so that words match Spot's word for word, and a site sets its own (or "" for none).
   */
  readonly own_domain?: string;
  /**
   * The top-domains list (Tranco, Umbrella, Alexa entries such as `google.com`; see `loadTopDomains`), for
   * top-domain class 1. Spot bundled Alexa's top-1M at build time (retired since 2022); without a list no name
   * is in class 1. Spot reduced each entry to its first label and tested the domain label against those (so
   * any `paypal.<ccTLD>` counted as top); that is kept by default, and with `public_suffix` the registrable
   * domain is tested against the entries' registrable domains instead.
   */
  readonly topDomains?: ReadonlySet<string>;
  /**
   * Split names with the public suffix list (`tldts`, ICANN section, names lower-cased) instead of Spot's
   * ccTLD + {com, org, net, int, edu, gov, mil} list. Spot's split turns `www.google.co.uk` into domain `co`,
   * subdomain `www.google`, and every `.info`, `.xyz`, `.dev`… name into "None"; with this option it is domain
   * `google`, subdomain `www`. Default false (Spot's split).
   */
  readonly public_suffix?: boolean;
  /**
   * DNS: take the name and type from the question section, and the length from the DNS message itself
   * (`dns_msg_len`). Spot's tshark fields were `dns.resp.name`/`dns.resp.type` — the first resource record of
   * the response, which for a referral or an NXDOMAIN is an authority SOA, not what the client asked — and
   * `frame.len`, which adds the link-layer, IP and UDP headers (different between IPv4 and IPv6, VLAN tagged
   * or not, so the same answer falls in different bins on different capture points); the response code is the
   * full one (`dns_response_code`, with the EDNS extended bits) instead of tshark's 4-bit header field. Default
   * false (Spot's fields: first record, `dns_len`, header rcode). Events without `dns_msg_len` fall back to
   * `dns_len`.
   */
  readonly dns_question_features?: boolean;
  /**
   * DNS: make words of queries too (message type `query`). Spot's ingest kept responses only (tshark filter
   * `dns.flags.response == 1`), so by default a query gives no word (null) and a lookup seen as query and
   * response counts once; transactions (a query paired with its response) count as responses.
   */
  readonly dns_queries?: boolean;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The hour (0–23) of an epoch-ms time shifted by `offsetMinutes`. */
export function hourOf(ms: number, offsetMinutes: number): number {
  let t = (ms + offsetMinutes * 60_000) % DAY_MS;
  if (t < 0) t += DAY_MS;
  return Math.floor(t / HOUR_MS);
}

/** Reads and checks `utc_offset_minutes` (between -24 h and +24 h). */
export function offsetOption(options: SpotWordOptions): number {
  const m = options.utc_offset_minutes ?? 0;
  if (!Number.isFinite(m) || Math.abs(m) >= 1440) throw new RangeError(`utc_offset_minutes must be a number of minutes between -1439 and 1439, not ${m}`);
  return m;
}
