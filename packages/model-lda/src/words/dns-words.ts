import { type DnsEvent, type OdmEvent, dnsClient } from '@sightline/core';
import { createDomainClassifier } from './domain-features.js';
import { entropy, entropyBin, flog2 } from './math.js';
import { type SpotWordOptions, hourOf, offsetOption } from './options.js';
import type { EventWords, Featurizer } from './types.js';

/** Options of the DNS featurizer. */
export type DnsWordOptions = Pick<
  SpotWordOptions,
  'utc_offset_minutes' | 'user_domain' | 'topDomains' | 'public_suffix' | 'dns_question_features' | 'dns_queries'
>;

const NAME_SLOTS = 1 << 14;

/** The inputs of Spot's DNS word, in Spot's terms (`DNSWordCreation.dnsWord`). */
export interface SpotDnsInput {
  readonly hour: number;
  readonly frameLength: number;
  readonly queryName: string;
  /** null when absent (Spot renders -1). */
  readonly queryType: number | undefined;
  readonly responseCode: number | undefined;
}

/**
 * The first resource record of a message, as tshark's `dns.resp.*` with `occurrence=f` gave Spot: answers, then
 * authorities, then additionals, then the OPT pseudo-record (name `<Root>`, type 41) when EDNS is present.
 */
function firstRecord(e: DnsEvent): { readonly name: string; readonly type: number } | undefined {
  return e.dns_answers?.[0] ?? e.dns_authorities?.[0] ?? e.dns_additionals?.[0] ?? (e.dns_edns_version === undefined ? undefined : OPT);
}
const OPT = { name: '.', type: 41 } as const;

/** tshark prints the root name as `<Root>`. */
const tsharkName = (name: string): string => (name === '.' || name === '' ? '<Root>' : name);

/** A name Spot's cleaning rejects: null, "", "-" or "(empty)". */
const badName = (s: string | undefined): boolean => s === undefined || s === '' || s === '-' || s === '(empty)';

/**
 * Spot's DNS featurizer (`spot-dns`, apache-spot.md §1.6): one pair per message, the client IP with the word
 * `<topDomainClass>_flog2(frame_len)_<hour>_flog2(len(subdomain))_entropyBin(subdomain)_flog2(labels)_<type>_<rcode>`.
 *
 * Fields, by default as Spot's tshark columns map onto the ODM (core's `SPOT_DNS_INGEST_COLUMNS`): the name and
 * type of the first resource record (`dns.resp.name`/`dns.resp.type`, falling back to the question for a
 * message without records), `dns_len` (the frame length), the header's 4-bit response code, the hour of
 * `event_time`. The document is the client: the destination of a response (Spot ingested responses only), the
 * source of a query or transaction (core's `dnsClient`).
 *
 * Cleaning (§1.8; `null` = Spot's `word_error`): no client IP, a name that is missing, "", "-" or "(empty)", no
 * or negative length, a message with neither type, class nor response code, and — unless `dns_queries` — a
 * query. A missing type or response code renders as -1, as in Spot.
 */
export function createDnsFeaturizer(options: DnsWordOptions = {}): Featurizer {
  const offset = offsetOption(options);
  const question = options.dns_question_features === true;
  const queries = options.dns_queries === true;
  const classifier = createDomainClassifier({
    topDomains: options.topDomains,
    ownDomain: options.user_domain ?? '',
    publicSuffix: options.public_suffix === true,
  });
  // The name's part of the word (top class; subdomain length, entropy and label bins), remembered per name in
  // a direct-mapped table: names repeat a lot within a day, and a hash over the name's characters plus one
  // comparison is cheaper than the scan. A collision just overwrites the slot (no map growth, no clearing).
  const keys: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
  const tops = new Uint8Array(NAME_SLOTS);
  const rests: string[] = new Array<string>(NAME_SLOTS).fill('');
  const word = (hour: number, length: number, name: string, type: number | undefined, rcode: number | undefined): string => {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    const slot = (h >>> 0) & (NAME_SLOTS - 1);
    if (keys[slot] !== name) {
      const d = classifier.classify(name);
      const sub = d.subLength === 0 ? '0_0' : `${flog2(d.subLength)}_${entropyBin(entropy(d.sub, 0, d.subLength))}`;
      keys[slot] = name;
      tops[slot] = d.topClass;
      rests[slot] = `${sub}_${flog2(d.labels)}`;
    }
    return `${tops[slot]!}_${flog2(length)}_${hour}_${rests[slot]!}_${type ?? -1}_${rcode ?? -1}`;
  };
  return {
    kind: 'dns',
    name: 'spot-dns',
    words(event: OdmEvent): EventWords | null {
      if (event.event_kind !== 'dns') return null;
      const e: DnsEvent = event;
      const kind = e.dns_message_type;
      if (kind === 'query' && !queries) return null;
      const client = dnsClient(e);
      if (client === undefined || client === '' || client === '-') return null;
      let name: string | undefined;
      let type: number | undefined;
      if (question) {
        name = e.dns_query;
        type = e.dns_type;
      } else {
        const r = firstRecord(e);
        name = r === undefined ? e.dns_query : tsharkName(r.name);
        type = r === undefined ? e.dns_type : r.type;
      }
      if (badName(name)) return null;
      const length = question ? (e.dns_msg_len ?? e.dns_len) : e.dns_len;
      if (length === undefined || !(length >= 0)) return null;
      // tshark's dns.flags.rcode: the header's 4 bits, and only responses carry one.
      const rcode = e.dns_response_code === undefined || kind === 'query' ? undefined : question ? e.dns_response_code : e.dns_response_code & 15;
      if (type === undefined && rcode === undefined && e.dns_class === undefined) return null;
      return { docs: [client], words: [word(hourOf(e.event_time, offset), length, name as string, type, rcode)] };
    },
  };
}

/**
 * Spot's DNS word from Spot's own inputs, with Spot's options (`user_domain`, `topDomains`, `public_suffix`):
 * what `DNSWordCreation.dnsWord` computes, for checking against Spot's tests.
 */
export function spotDnsWord(input: SpotDnsInput, options: Pick<SpotWordOptions, 'user_domain' | 'topDomains' | 'public_suffix'> = {}): string {
  const classifier = createDomainClassifier({ topDomains: options.topDomains, ownDomain: options.user_domain ?? '', publicSuffix: options.public_suffix === true });
  const d = classifier.classify(input.queryName);
  const subLen = d.subLength;
  return [
    d.topClass,
    flog2(input.frameLength),
    input.hour,
    flog2(subLen),
    subLen === 0 ? 0 : entropyBin(entropy(d.sub, 0, subLen)),
    flog2(d.labels),
    input.queryType ?? -1,
    input.responseCode ?? -1,
  ].join('_');
}
