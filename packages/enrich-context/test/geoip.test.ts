import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OdmEvent, SightlineError } from '@sightline/core';
import { EventFixtures } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/corpus.js';
import { geoipManifest } from '../src/index.js';
import { parseNetwork } from '../src/ip/network.js';
import { formatV4, formatV6 } from '../src/ip/parse-ip.js';
import { FAST_RELOAD, eventually, folder, started } from './helpers.js';

const c = corpus();
const db = (name: string) => c.path('maxmind-test-db', name);
type Names = Record<string, string>;
interface CityRecord {
  country?: { iso_code?: string; names?: Names };
  subdivisions?: { iso_code?: string; names?: Names }[];
  city?: { names?: Names };
  location?: { latitude?: number; longitude?: number };
}

/** First and last address of a network in the JSON, plus their IPv4 spelling for the IPv4 part of the tree (::/96). */
function probes(network: string): string[] {
  const n = parseNetwork(network);
  if (typeof n === 'string') throw new Error(n);
  if (n.family === 4) return [formatV4(n.start), formatV4(n.end)];
  const out = [formatV6(n.start), formatV6(n.end)];
  if (n.end < 1n << 32n) out.push(formatV4(Number(n.start)), formatV4(Number(n.end)));
  return out;
}

const fail = async (config: unknown, dir?: string): Promise<SightlineError> => {
  try {
    await started(geoipManifest, config, dir);
  } catch (e) {
    if (SightlineError.is(e)) return e;
    throw e;
  }
  throw new Error('it started');
};

describe.skipIf(!c.available)(`geoip against the MaxMind test databases${c.note}`, () => {
  it('answers exactly what the source JSON says for the first and last address of every network (City: 251 networks)', async () => {
    const { enrich } = await started(geoipManifest, { city_db: db('GeoIP2-City-Test.mmdb') });
    const source = JSON.parse(readFileSync(db('GeoIP2-City-Test.json'), 'utf8')) as Record<string, CityRecord>[];
    let compared = 0;
    for (const entry of source) {
      const [network, rec] = Object.entries(entry)[0]!;
      const sub = rec.subdivisions?.[0];
      const expected = {
        src_country_code: rec.country?.iso_code,
        src_country_name: rec.country?.names?.['en'],
        src_region: sub === undefined ? undefined : (sub.names?.['en'] ?? sub.iso_code),
        src_city: rec.city?.names?.['en'],
        src_lat: rec.location?.latitude,
        src_long: rec.location?.longitude,
      };
      const events = probes(network).map((ip) => EventFixtures.flow({ src_ip: ip, dst_ip: '10.0.0.1' }));
      for (const e of await enrich(events)) {
        const got = { src_country_code: e.src_country_code, src_country_name: e.src_country_name, src_region: e.src_region, src_city: e.src_city, src_lat: e.src_lat, src_long: e.src_long };
        expect(got, `${network} via ${e.src_ip}`).toEqual(expected);
        expect(e).not.toHaveProperty('dst_country_code');
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(502);
    console.log(`[geoip] City: ${source.length} networks, ${compared} addresses equal to the source JSON`);
  });

  it('answers the ASN and organisation of the source JSON for every network (ASN: 720 networks)', async () => {
    const { enrich } = await started(geoipManifest, { asn_db: db('GeoLite2-ASN-Test.mmdb') });
    const source = JSON.parse(readFileSync(db('GeoLite2-ASN-Test.json'), 'utf8')) as Record<string, { autonomous_system_number?: number; autonomous_system_organization?: string }>[];
    let compared = 0;
    for (const entry of source) {
      const [network, rec] = Object.entries(entry)[0]!;
      const events = probes(network).map((ip) => EventFixtures.flow({ dst_ip: ip, src_ip: '10.0.0.1' }));
      for (const e of await enrich(events)) {
        expect({ asn: e.dst_asn, org: e.dst_asn_org }, `${network} via ${e.dst_ip}`).toEqual({ asn: rec.autonomous_system_number, org: rec.autonomous_system_organization });
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(1440);
    console.log(`[geoip] ASN: ${source.length} networks, ${compared} addresses equal to the source JSON`);
  });

  it('fills source and destination from both databases at once, and keeps an exporter ASN unless told not to', async () => {
    const config = { city_db: db('GeoIP2-City-Test.mmdb'), asn_db: db('GeoLite2-ASN-Test.mmdb') };
    const { enrich } = await started(geoipManifest, config);
    const [e, kept] = await enrich([EventFixtures.flow({ src_ip: '81.2.69.160', dst_ip: '1.0.0.1' }), EventFixtures.flow({ src_ip: '10.0.0.1', dst_ip: '1.0.0.1', dst_asn: 64500 })]);
    expect(e).toMatchObject({ src_country_code: 'GB', src_city: 'London', src_region: 'England', dst_asn: 15169, dst_asn_org: 'Google Inc.' });
    expect(kept).toMatchObject({ dst_asn: 64500 });
    expect(kept).not.toHaveProperty('dst_asn_org');
    const { enrich: replace } = await started(geoipManifest, { ...config, keep_exporter_asn: false });
    expect((await replace([EventFixtures.flow({ dst_ip: '1.0.0.1', dst_asn: 64500 })]))[0]).toMatchObject({ dst_asn: 15169 });
  });

  it('names names in the configured language, falling back to English', async () => {
    const { enrich } = await started(geoipManifest, { city_db: db('GeoIP2-City-Test.mmdb'), locale: 'de' });
    const [e] = await enrich([EventFixtures.flow({ src_ip: '2001:218::1' })]);
    expect(e).toMatchObject({ src_country_code: 'JP', src_country_name: 'Japan' });
    const [s] = await enrich([EventFixtures.flow({ src_ip: '214.0.0.1' })]);
    expect(s).toMatchObject({ src_city: 'Singapur' });
  });

  it('fails at start with a clear error for a corrupt database, a wrong database type and a non-database', async () => {
    const broken = await fail({ city_db: db('MaxMind-DB-test-broken-pointers-24.mmdb') });
    expect(broken.code).toBe('SL_CONTEXT_MMDB_INVALID');
    const asnAsCity = await fail({ city_db: db('GeoLite2-ASN-Test.mmdb') });
    expect(asnAsCity.message).toMatch(/is a GeoLite2-ASN database; city_db takes a City or Country database/);
    expect((await fail({ asn_db: db('GeoIP2-City-Test.mmdb') })).message).toMatch(/asn_db takes an ASN or ISP database/);
    const dir = folder({ 'junk.mmdb': 'not a database at all' });
    const city = readFileSync(db('GeoIP2-City-Test.mmdb'));
    writeFileSync(join(dir, 'cut.mmdb'), Buffer.concat([city.subarray(0, 9000), city.subarray(city.length - 2000)]));
    expect((await fail({ city_db: 'junk.mmdb' }, dir)).code).toBe('SL_CONTEXT_MMDB_INVALID');
    const cut = await fail({ city_db: 'cut.mmdb' }, dir);
    expect(cut.code).toBe('SL_CONTEXT_MMDB_INVALID');
    expect(cut.message).toContain(join(dir, 'cut.mmdb'));
    expect((await fail({ city_db: 'absent.mmdb' }, dir)).code).toBe('SL_CONTEXT_FILE_UNREADABLE');
    console.log(`[geoip] corrupt database: ${broken.message}`);
  });

  it('swaps in a replaced database while running and keeps the old one when the new file is corrupt', async () => {
    const dir = folder();
    copyFileSync(db('GeoIP2-Country-Test.mmdb'), join(dir, 'geo.mmdb'));
    const { enricher, enrich, ctx } = await started(geoipManifest, { city_db: 'geo.mmdb', reload: FAST_RELOAD }, dir);
    const city = async () => (await enrich([EventFixtures.flow({ src_ip: '81.2.69.160' })]))[0]!;
    expect(await city()).toMatchObject({ src_country_code: 'GB' });
    expect(await city()).not.toHaveProperty('src_city');
    copyFileSync(db('GeoIP2-City-Test.mmdb'), join(dir, 'geo.mmdb'));
    await eventually(async () => expect(await city()).toMatchObject({ src_city: 'London' }));
    copyFileSync(db('MaxMind-DB-test-broken-pointers-24.mmdb'), join(dir, 'geo.mmdb'));
    await eventually(async () => {
      const r = await enricher.enrich([EventFixtures.flow()], ctx);
      expect(r?.issues?.[0]).toMatchObject({ code: 'SL_ENRICH_RELOAD_REJECTED', details: { cause_code: 'SL_CONTEXT_MMDB_INVALID' } });
    });
    expect(await city()).toMatchObject({ src_city: 'London' });
    await enricher.close?.();
  });
});
