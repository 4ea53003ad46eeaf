import { type AsnResponse, type CityResponse, Reader, type Response } from 'maxmind';
import { SightlineError, describeCause } from '@sightline/core';
import { IpParser, NOT_IP, parseV4 } from '../ip/parse-ip.js';
import { Ip4Cache } from '../ip4-cache.js';
import { LookupCache, MISS } from '../lookup-cache.js';
import { readBytes } from '../reload/files.js';
import type { Loaded } from '../reload/reference-data.js';
import { verifyMmdb } from './mmdb-verify.js';

/** GeoIP and ASN answers for one address. Shared between events: never mutated. */
export interface GeoFacts {
  readonly country_code: string | undefined;
  readonly country_name: string | undefined;
  readonly region: string | undefined;
  readonly city: string | undefined;
  readonly lat: number | undefined;
  readonly long: number | undefined;
  readonly asn: number | undefined;
  readonly asn_org: string | undefined;
}

type Names = Readonly<Record<string, string | undefined>> | undefined;

/**
 * The open databases of one load, with a cache of answers per address: IPv4 addresses by number (parsing is
 * cheaper than hashing the text), other spellings by their text.
 */
export class GeoData {
  readonly #city: Reader<CityResponse> | undefined;
  readonly #asn: Reader<AsnResponse> | undefined;
  readonly #locale: string;
  readonly #parser = new IpParser();
  readonly cache4: Ip4Cache<GeoFacts>;
  readonly cache: LookupCache<GeoFacts>;

  constructor(city: Reader<CityResponse> | undefined, asn: Reader<AsnResponse> | undefined, locale: string, cacheSize: number) {
    this.#city = city;
    this.#asn = asn;
    this.#locale = locale;
    this.cache4 = new Ip4Cache(cacheSize);
    this.cache = new LookupCache(cacheSize);
  }

  lookup(ip: string): GeoFacts | undefined {
    const v = parseV4(ip, 0, ip.length);
    if (v >= 0) {
      const hit = this.cache4.get(v);
      if (hit !== undefined) return hit === MISS ? undefined : hit;
      const facts = this.#compute(ip);
      this.cache4.set(v, facts ?? MISS);
      return facts;
    }
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit === MISS ? undefined : hit;
    const facts = this.#compute(ip);
    this.cache.set(ip, facts ?? MISS);
    return facts;
  }

  #name(names: Names): string | undefined {
    return names === undefined ? undefined : (names[this.#locale] ?? names['en']);
  }

  #compute(ip: string): GeoFacts | undefined {
    if (this.#parser.parse(ip) === NOT_IP) return undefined;
    const c = this.#city?.get(ip) ?? null;
    const a = this.#asn?.get(ip) ?? null;
    if (c === null && a === null) return undefined;
    const sub = c?.subdivisions?.[0];
    const facts: GeoFacts = {
      country_code: c?.country?.iso_code,
      country_name: this.#name(c?.country?.names as unknown as Names),
      region: sub === undefined ? undefined : (this.#name(sub.names as unknown as Names) ?? sub.iso_code),
      city: this.#name(c?.city?.names as unknown as Names),
      lat: c?.location?.latitude,
      long: c?.location?.longitude,
      asn: a?.autonomous_system_number,
      asn_org: a?.autonomous_system_organization,
    };
    return Object.values(facts).every((v) => v === undefined) ? undefined : Object.freeze(facts);
  }
}

export interface GeoSources {
  readonly city: string | undefined;
  readonly asn: string | undefined;
  readonly locale: string;
  readonly verify: boolean;
  readonly cacheSize: number;
}

const NOT_CITY = /ASN|ISP|Anonymous|Connection|Domain|User-Count|Static-IP/i;
const ASN_LIKE = /ASN|ISP/i;

/** Opens (and by default verifies) the databases; throws SL_CONTEXT_MMDB_INVALID with the file and the reason. */
export async function loadGeoData(src: GeoSources, plugin: string): Promise<Loaded<GeoData>> {
  const open = async (path: string, slot: 'city_db' | 'asn_db'): Promise<Reader<Response>> => {
    const bytes = await readBytes(path, plugin);
    const bad = (why: string, cause?: unknown) =>
      new SightlineError('SL_CONTEXT_MMDB_INVALID', `${path} is not a usable MaxMind database for ${slot}: ${why}`, { plugin, details: { file: path }, ...(cause === undefined ? {} : { cause }) });
    let reader: Reader<Response>;
    try {
      reader = new Reader<Response>(bytes);
    } catch (e) {
      throw bad(describeCause(e), e);
    }
    const type = reader.metadata.databaseType;
    if (slot === 'city_db' && NOT_CITY.test(type)) throw bad(`it is a ${type} database; city_db takes a City or Country database (put ASN databases in asn_db)`);
    if (slot === 'asn_db' && !ASN_LIKE.test(type)) throw bad(`it is a ${type} database; asn_db takes an ASN or ISP database`);
    if (src.verify) {
      let problem: string | undefined;
      try {
        problem = verifyMmdb(bytes, reader);
      } catch (e) {
        problem = describeCause(e);
      }
      if (problem !== undefined) throw bad(`corrupt: ${problem}`);
    }
    return reader;
  };
  const city = src.city === undefined ? undefined : ((await open(src.city, 'city_db')) as Reader<CityResponse>);
  const asn = src.asn === undefined ? undefined : ((await open(src.asn, 'asn_db')) as Reader<AsnResponse>);
  const describe = (r: Reader<Response> | undefined, label: string) =>
    r === undefined ? [] : [`${label} ${r.metadata.databaseType} (${r.metadata.nodeCount} nodes, built ${r.metadata.buildEpoch.toISOString().slice(0, 10)})`];
  return { data: new GeoData(city, asn, src.locale, src.cacheSize), summary: [...describe(city, 'city'), ...describe(asn, 'asn')].join(', ') };
}
