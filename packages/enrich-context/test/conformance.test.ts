import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { OdmEvent } from '@sightline/core';
import { EventFixtures, enricherConformance, registerConformance } from '@sightline/core/testkit';
import { describe, it } from 'vitest';
import { corpus } from '../../../test/corpus.js';
import { domainFactsManifest, geoipManifest, networkContextManifest, riskManifest, threatIntelManifest } from '../src/index.js';
import { folder } from './helpers.js';

// Every plugin of the package runs the enricher suite every third-party enricher runs, on reference files the
// test writes itself (GeoIP uses the MaxMind test databases of the shared corpus).
const dir = folder({
  'assets.csv': 'network,host,owner,criticality,tags\n10.1.2.3,ws-17,sales,2,laptop\n198.51.100.0/24,partner-gw,it,3,partner\n',
  'intel.txt': '198.51.100.20\n2001:db8:ffff::/48\nexample.com\n',
  'top.csv': '1,example.com\n2,example.org\n',
});
const at = (name: string) => join(dir, name);

registerConformance(
  enricherConformance({
    manifest: networkContextManifest,
    config: { asset_files: [at('assets.csv')], zones: { partners: ['198.51.100.0/24'] } },
    expect: (events) => {
      const flow = events.find((e) => e.event_kind === 'flow')!;
      assert.equal(flow.src_host, 'ws-17');
      assert.equal(flow.dst_zone, 'partners');
      assert.equal(flow.net_direction, 'internal');
    },
  }),
  { describe, it },
);

registerConformance(
  enricherConformance({
    manifest: threatIntelManifest,
    config: { feeds: [{ path: at('intel.txt'), severity: 3, category: 'test' }] },
    expect: (events) => {
      const flow = events.find((e) => e.event_kind === 'flow')!;
      assert.equal(flow.ti_severity, 3);
      assert.ok(events.find((e) => e.event_kind === 'dns')!.ti_hits?.some((h) => h.field === 'dns_query' && h.indicator === 'example.com'));
    },
  }),
  { describe, it },
);

registerConformance(
  enricherConformance({
    manifest: domainFactsManifest,
    config: { top_domains: at('top.csv') },
    expect: (events) => {
      const dns = events.find((e) => e.event_kind === 'dns')!;
      assert.equal(dns.domain_registrable, 'example.com');
      assert.equal(dns.domain_top_rank, 1);
    },
  }),
  { describe, it },
);

registerConformance(
  enricherConformance({
    manifest: riskManifest,
    events: EventFixtures.mixed(30).map((e) => ({ ...e, src_internal: true, src_criticality: 4, ti_severity: 2, ti_hits: [{ indicator: e.dst_ip ?? '', type: 'ip', source: 'x', field: 'dst_ip', severity: 2 }] }) as OdmEvent),
    expect: (events) => assert.ok(events.every((e) => e.risk_priority === 40 + 30 + 15 && e.risk_reasons?.length === 3)),
  }),
  { describe, it },
);

const c = corpus();
describe.skipIf(!c.available)(`geoip conformance${c.note}`, () => {
  registerConformance(
    enricherConformance({
      manifest: geoipManifest,
      config: { city_db: c.path('maxmind-test-db/GeoIP2-City-Test.mmdb'), asn_db: c.path('maxmind-test-db/GeoLite2-ASN-Test.mmdb') },
      events: EventFixtures.mixed(30).map((e) => ({ ...e, dst_ip: '81.2.69.160', src_ip: '1.0.0.1' }) as OdmEvent),
      expect: (events) => assert.ok(events.every((e) => e.dst_city === 'London' && e.dst_country_code === 'GB' && e.src_asn === 15169)),
    }),
    { describe, it },
  );
});
