import { describe, expect, it } from 'vitest';
import { RecordDraft } from '../to-event.js';
import { readWithFormat } from './line-format.js';
import { NCSA_FORMAT } from './ncsa.js';
import { SQUID_NATIVE, compileSquidFormat } from './squid-format.js';

const tc = { directiveDay: NaN, gmtOffset: NaN, zone: (ms: number) => ms };
const stamp = { software: undefined };

function read(format: ReturnType<typeof compileSquidFormat>, line: string) {
  const d = new RecordDraft();
  const extra = readWithFormat(format, line, d);
  return { extra, event: extra === undefined ? undefined : d.finish(tc, stamp), draft: d };
}

describe('Squid logformat', () => {
  const native = compileSquidFormat(SQUID_NATIVE);

  it('reads the native format, right-aligned elapsed time and all', () => {
    const { event, extra } = read(native, '1157689312.049   5006 10.105.21.199 TCP_MISS/200 19763 CONNECT login.yahoo.com:443 badeyek DIRECT/175.16.199.115 -');
    expect(extra).toBe('');
    expect(event).toMatchObject({ event_time: 1157689312049, duration: 5006, src_ip: '10.105.21.199', prx_action: 'TCP_MISS', prx_code: 200, in_bytes: 19763, prx_method: 'CONNECT', prx_host: 'login.yahoo.com', dst_port: 443, user_name: 'badeyek', prx_hierarchy: 'DIRECT', dst_ip: '175.16.199.115' });
    expect(event?.prx_type).toBeUndefined();
  });

  it('reads user names with spaces (LDAP DNs) and keeps text after the last field as extra (Blue Coat squid-compatible)', () => {
    const { event, extra } = read(native, '1038956400.024 1950 10.0.203.16 TCP_NC_MISS/200 31977 GET http://www.microsoft.com:80/ CN=Agent Smith,OU=fr,O=company DIRECT/www.microsoft.com text/html uncategorized Mozilla/4.76 [en] (X11; U; Linux 2.4.2-22mdk i686)');
    expect(extra).toBe('uncategorized Mozilla/4.76 [en] (X11; U; Linux 2.4.2-22mdk i686)');
    expect(event).toMatchObject({ user_name: 'CN=Agent Smith,OU=fr,O=company', prx_supplier: 'www.microsoft.com', prx_type: 'text/html', dst_port: 80, prx_host: 'www.microsoft.com' });
  });

  it('rejects lines that are not in the format', () => {
    expect(read(native, '1773416922.391    104 10.105.21.199 58938 TCP_MISS/200 904 123 364').extra).toBeUndefined();
    expect(read(native, 'Unmatched! The rat the cat the dog chased killed ate the malt!').extra).toBeUndefined();
  });

  it('compiles custom logformats with quoted headers, ports and sizes', () => {
    const f = compileSquidFormat('%ts.%03tu %6tr %>a %>p %Ss/%03>Hs %<st %>st %rm %ru %rv %un %Sh/%<a %<p %mt "%{Referer}>h" "%{User-Agent}>h" %<tt');
    const { event } = read(f, '1773416922.391    104 10.105.21.199 58938 TCP_MISS/200 904 123 GET http://example.com/x?y=1 1.1 badeyek HIER_DIRECT/203.0.113.10 80 text/html "http://test.example.com/" "curl/8.14.1" 53');
    expect(event).toMatchObject({ src_port: 58938, in_bytes: 904, out_bytes: 123, prx_http_version: '1.1', prx_referrer: 'http://test.example.com/', prx_browser: 'curl/8.14.1', prx_path: '/x', prx_query: 'y=1', additional_attrs: { server_time: '53' } });
  });

  it('says what is wrong with a logformat it cannot read', () => {
    expect(() => compileSquidFormat('no codes here')).toThrow(/has no % codes/);
    expect(() => compileSquidFormat('%ts %')).toThrow(/cannot read the code at position 5/);
  });
});

describe('NCSA common/combined', () => {
  it('reads Squid\'s combined format with its status:hierarchy suffix', () => {
    const d = new RecordDraft();
    expect(readWithFormat(NCSA_FORMAT, '10.0.0.1 - alice [10/Oct/2000:13:55:36 -0700] "GET http://example.com/a.gif?x=1 HTTP/1.1" 200 2326 "http://example.com/" "Mozilla/4.08 [en] (Win98; I ;Nav)" TCP_MISS:HIER_DIRECT', d)).toBe('');
    expect(d.finish(tc, stamp)).toMatchObject({ event_time: Date.UTC(2000, 9, 10, 20, 55, 36), src_ip: '10.0.0.1', user_name: 'alice', prx_method: 'GET', prx_host: 'example.com', prx_path: '/a.gif', prx_query: 'x=1', prx_http_version: '1.1', prx_code: 200, in_bytes: 2326, prx_referrer: 'http://example.com/', prx_browser: 'Mozilla/4.08 [en] (Win98; I ;Nav)', prx_action: 'TCP_MISS', prx_hierarchy: 'HIER_DIRECT' });
  });

  it('reads plain common lines and refuses a byte count run into other text', () => {
    const d = new RecordDraft();
    expect(readWithFormat(NCSA_FORMAT, 'localhost - - [22/Mar/2009:09:30:31 +0100] "POST /example.com HTTP/2.0" 300 2698', d)).toBe('');
    expect(readWithFormat(NCSA_FORMAT, 'localhost - - [22/Mar/2009:09:30:31 +0100] "POST /example.com HTTP/2.0" 300 2698Unmatched!', new RecordDraft())).toBeUndefined();
  });
});
