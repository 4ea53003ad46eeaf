import { describe, expect, it } from 'vitest';
import { SPOT_INGEST_COLUMNS, SPOT_RESULT_COLUMNS, nfdumpTime, protocolName, protocolNumber, spotFrameTime, tcpFlagsString } from '../mappings/spot.js';
import { EventFixtures } from '../testkit/fixtures.js';
import { validateEvent } from './validate-event.js';

// Apache Spot's columns, transcribed from ../shared/reference/apache-spot.md §1.9 and §3.2-3.4.
const SPOT = {
  flowIngest: 'treceived tryear trmonth trday trhour trminute trsec tdur sip dip sport dport proto flag fwd stos ipkt ibyt opkt obyt input output sas das dtos dir rip',
  flowResults: 'treceived tryear trmonth trday trhour trminute trsec tdur sip dip sport dport proto ipkt ibyt opkt obyt score',
  dnsIngest: 'frame_time unix_tstamp frame_len ip_dst ip_src dns_qry_name dns_qry_class dns_qry_type dns_qry_rcode dns_a',
  dnsResults: 'frame_time unix_tstamp frame_len ip_dst dns_qry_name dns_qry_class dns_qry_type dns_qry_rcode score',
  proxyIngest:
    'p_date p_time clientip host reqmethod useragent resconttype duration username authgroup exceptionid filterresult webcat referer respcode action urischeme uriport uripath uriquery uriextension serverip scbytes csbytes virusid bcappname bcappoper fulluri',
  proxyResults: 'p_date p_time clientip host reqmethod useragent resconttype duration username webcat referer respcode uriport uripath uriquery serverip scbytes csbytes fulluri word score',
};

/** Events with every field Spot has a column for, valid against the data model. */
const full = {
  flow: EventFixtures.flow({ flow_fwd_status: 0, dst_tos: 0, src_asn: 64500, dst_asn: 64501, flow_dir: 1, out_bytes: 10, flow_out_packets: 1, score_value: 0.01, score_word: 'w' }),
  dns: EventFixtures.dns({ score_value: 0.02 }),
  proxy: EventFixtures.proxy({
    prx_auth_group: 'staff',
    prx_exception_id: 'none',
    prx_extension: 'html',
    prx_virus_id: 'none',
    prx_app_name: 'web',
    prx_app_operation: 'browse',
    prx_referrer: 'http://ref.example/',
    score_value: 0.03,
    score_word: '1_13_GET_10_text_3_5_200',
  }),
};

describe('the data model covers every column of Apache Spot', () => {
  for (const [name, cols] of Object.entries(SPOT)) {
    const kind = name.startsWith('flow') ? 'flow' : name.startsWith('dns') ? 'dns' : 'proxy';
    const set = name.endsWith('Ingest') ? SPOT_INGEST_COLUMNS[kind] : SPOT_RESULT_COLUMNS[kind];
    it(`${name}: the same columns in Spot's order, each filled from an ODM field`, () => {
      expect(set.map((c) => c.name)).toEqual(cols.split(' '));
      const event = full[kind];
      expect(validateEvent(event)).toEqual({ ok: true });
      for (const c of set) expect((c.get as (e: unknown) => unknown)(event), `column ${c.name}`).not.toBeUndefined();
    });
  }
});

describe('Spot formatting', () => {
  it('renders TCP flags, protocols and times as nfdump and tshark did', () => {
    expect(tcpFlagsString(0x1b)).toBe('.AP.SF');
    expect(tcpFlagsString(0x12, 8)).toBe('...A..S.');
    expect(protocolName(6)).toBe('TCP');
    expect(protocolName(58)).toBe('ICMP6');
    expect(protocolName(253)).toBe('253');
    expect(protocolNumber('udp')).toBe(17);
    expect(protocolNumber('ICMPv6')).toBe(58);
    expect(nfdumpTime(Date.UTC(2016, 6, 8, 12, 0, 5))).toBe('2016-07-08 12:00:05');
    const ft = spotFrameTime(Date.UTC(2017, 0, 4, 4, 41, 6, 337))!;
    expect(ft).toBe('Jan  4 2017 04:41:06.337000000 UTC');
    // Spot's DNS word takes the hour as field 3 of frame_time split on spaces.
    expect(ft.split(/ +/)[3]!.slice(0, 2)).toBe('04');
  });
});
