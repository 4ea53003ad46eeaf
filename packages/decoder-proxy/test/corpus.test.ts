import { readFileSync, readdirSync } from 'node:fs';
import { type Issue, type ProxyEvent, computeEventId, memorySource, validateEvent } from '@sightline/core';
import { createTestContext } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/corpus.js';
import { type ProxyDecoderConfig, ProxyDecoder, withDefaults } from '../src/index.js';

const c = corpus();

/** The proxy folders of the shared corpus (../shared/corpus/README.md, "Web proxy" rows). */
const FOLDERS = ['elastic-integrations-proxysg', 'elastic-integrations-squid', 'netdata-squidlog', 'plaso-squid', 'regexp-log-bluecoat', 'lnav-w3c'];

/**
 * The custom Squid logformat of elastic/integrations' test-access-extensive.log. Upstream does not publish the
 * squid.conf line; this one is reconstructed from Elastic's expected documents for the file (which column is
 * which: sizes %<st %>st %<sh %>sh %<bs, host header, X-Forwarded-For, server time, and the SNI that the last two
 * records add). The three columns Elastic maps to nothing are named x17, x18 and x24 here.
 */
const EXTENSIVE_LOGFORMAT = '%ts.%03tu %6tr %>a %>p %Ss/%03>Hs %<st %>st %<sh %>sh %<bs %rm %ru %rv %un %Sh/%<a %<p %mt %x17 %x18 "%{Referer}>h" "%{User-Agent}>h" "%{Host}>h" "%{X-Forwarded-For}>h"';
const EXTENSIVE = [`${EXTENSIVE_LOGFORMAT} %<tt %x24`, `${EXTENSIVE_LOGFORMAT} "%ssl::>sni" %<tt %x24`];

interface Expectation {
  /** Decoder config, when the file needs one (a custom layout nobody can detect). */
  readonly config?: Partial<ProxyDecoderConfig>;
  /** Lines the corpus README says are bad, and its words for why. */
  readonly explained?: { readonly lines: (text: string) => boolean; readonly why: string };
  readonly events: number;
}

const EXPECT: Record<string, Expectation> = {
  'elastic-integrations-proxysg/test-proxy-main.log': { events: 11 },
  'elastic-integrations-proxysg/test-proxy-bcreportermainv1.log': { events: 5 },
  'elastic-integrations-proxysg/test-proxy-bcreportersslv1.log': { events: 5 },
  'elastic-integrations-proxysg/test-proxy-ssl.log': { events: 1 },
  'elastic-integrations-squid/test-access.log': { events: 100 },
  'elastic-integrations-squid/test-access-extensive.log': { events: 11, config: { logformat: EXTENSIVE } },
  'netdata-squidlog/access.log': { events: 484, explained: { lines: (t) => t.startsWith('Unmatched!'), why: 'README: "16 unparsable lines" (upstream unmatched=16)' } },
  'netdata-squidlog/unknown.log': { events: 1 },
  'plaso-squid/squid_access.log': { events: 8 },
  'regexp-log-bluecoat/bc1.log': { events: 15 },
  'regexp-log-bluecoat/bc2.log': { events: 1 },
  'lnav-w3c/logfile_w3c.0': { events: 1 },
  'lnav-w3c/logfile_w3c.1': { events: 1 },
  'lnav-w3c/logfile_w3c.2': { events: 14 },
  'lnav-w3c/logfile_w3c.3': { events: 3 },
  'lnav-w3c/logfile_w3c.4': { events: 2 },
  'lnav-w3c/logfile_w3c.5': { events: 1 },
  'lnav-w3c/logfile_w3c.6': { events: 1 },
};

interface Decoded {
  events: ProxyEvent[];
  issues: Issue[];
  sniff: number;
  lines: string[];
}

async function decodeFile(rel: string, config: Partial<ProxyDecoderConfig> = {}): Promise<Decoded> {
  const bytes = readFileSync(c.path(rel));
  const decoder = new ProxyDecoder(withDefaults(config));
  const ctx = { ...createTestContext(), batchSize: 500, keepRaw: true };
  const out: Decoded = { events: [], issues: [], sniff: decoder.sniff({ head: bytes.subarray(0, 65536), name: rel, framing: 'stream' }), lines: bytes.toString('utf8').split('\n') };
  for await (const b of decoder.decode(memorySource(rel, [bytes]), ctx)) {
    out.events.push(...(b.events as ProxyEvent[]));
    out.issues.push(...b.issues);
  }
  return out;
}

function proxyFiles(): string[] {
  const files: string[] = [];
  for (const folder of FOLDERS) {
    for (const f of readdirSync(c.path(folder)).sort()) if (f !== 'LICENSE-NOTE.md' && !f.endsWith('-expected.json')) files.push(`${folder}/${f}`);
  }
  return files;
}

describe.skipIf(!c.available)(`proxy logs of the shared corpus${c.note}`, () => {
  it('decodes every file of every proxy folder into valid events, quarantining only the lines the corpus README says are bad', async () => {
    const rows: string[][] = [['file', 'sniff', 'lines', 'events', 'quarantined', 'explained', 'config / note']];
    const problems: string[] = [];
    const files = proxyFiles();
    expect(files.length).toBeGreaterThanOrEqual(18);
    for (const rel of files) {
      const want = EXPECT[rel];
      if (want === undefined) {
        problems.push(`${rel}: a proxy file with no expectation in this test; add it to EXPECT`);
        continue;
      }
      const { events, issues, sniff, lines } = await decodeFile(rel, want.config);
      for (const e of events) {
        const v = validateEvent(e);
        if (!v.ok) problems.push(`${rel}: invalid event ${v.path} ${v.message}`);
      }
      const explained = issues.filter((i) => want.explained?.lines(lines[i.line! - 1] ?? '') === true);
      const unexplained = issues.filter((i) => !explained.includes(i));
      for (const i of unexplained) problems.push(`${rel}: unexplained ${i.code} ${i.message}`);
      if (events.length !== want.events) problems.push(`${rel}: ${events.length} events, expected ${want.events}`);
      const nonEmpty = lines.filter((l) => l.trim() !== '').length;
      rows.push([rel, sniff.toFixed(2), String(nonEmpty), String(events.length), String(issues.length), explained.length > 0 ? `${explained.length} (${want.explained!.why})` : '0', want.config !== undefined ? `config: ${Object.keys(want.config).join(', ')}` : 'auto']);
      if (want.config === undefined && sniff < 0.5) problems.push(`${rel}: sniff ${sniff} — auto-detection would not pick the proxy decoder`);
    }
    const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
    console.log(`[decoder-proxy] corpus conformance (${c.dir}):\n${rows.map((r) => r.map((v, k) => v.padEnd(widths[k]!)).join(' | ')).join('\n')}`);
    expect(problems).toEqual([]);
  });

  describe('elastic/integrations ProxySG expected documents', () => {
    /** Golden leaf path -> our value, as the golden writes it ('-' for empty). */
    const FIELD: Record<string, (e: ProxyEvent) => unknown> = {
      '@timestamp': (e) => new Date(e.event_time).toISOString().replace('.000Z', 'Z'),
      'client.address': (e) => e.src_ip,
      'client.ip': (e) => e.src_ip,
      'client.bytes': (e) => e.out_bytes,
      'client.user.id': (e) => e.user_name,
      'server.address': (e) => e.dst_ip,
      'server.ip': (e) => e.dst_ip,
      'server.bytes': (e) => e.in_bytes,
      'event.duration': (e) => (e.duration === undefined ? undefined : e.duration * 1e6),
      'event.original': (e) => e.raw,
      'http.request.referrer': (e) => e.prx_referrer,
      'url.path': (e) => e.prx_path,
      'url.port': (e) => e.dst_port,
      'url.query': (e) => e.prx_query,
      'url.scheme': (e) => e.prx_scheme,
      'url.domain': (e) => e.prx_host,
      'user_agent.original': (e) => e.prx_browser,
      'proxysg.time_taken': (e) => e.duration,
      'proxysg.x_virus_id': (e) => e.prx_virus_id,
      'proxysg.client.ip': (e) => e.src_ip,
      'proxysg.client_to_server.auth_group': (e) => e.prx_auth_group,
      'proxysg.client_to_server.bytes': (e) => e.out_bytes,
      'proxysg.client_to_server.categories': (e) => e.prx_category,
      'proxysg.client_to_server.host': (e) => e.prx_host,
      'proxysg.client_to_server.method': (e) => e.prx_method,
      'proxysg.client_to_server.referer': (e) => e.prx_referrer,
      'proxysg.client_to_server.uri_path': (e) => e.prx_path,
      'proxysg.client_to_server.uri_port': (e) => e.dst_port,
      'proxysg.client_to_server.uri_query': (e) => e.prx_query,
      'proxysg.client_to_server.uri_scheme': (e) => e.prx_scheme,
      'proxysg.client_to_server.user_agent': (e) => e.prx_browser,
      'proxysg.client_to_server.username': (e) => e.user_name,
      'proxysg.client_to_server.connection_negotiated_cipher': (e) => e.additional_attrs?.['x-cs-connection-negotiated-cipher'],
      'proxysg.client_to_server.connection_negotiated_ssl_version': (e) => e.additional_attrs?.['x-cs-connection-negotiated-ssl-version'],
      'proxysg.remote_to_server.content_type': (e) => e.prx_type,
      'proxysg.remote_to_server.certificate_hostname': (e) => e.additional_attrs?.['x-rs-certificate-hostname'],
      'proxysg.remote_to_server.certificate_hostname_category': (e) => e.additional_attrs?.['x-rs-certificate-hostname-category'],
      'proxysg.remote_to_server.certificate_validate_status': (e) => e.additional_attrs?.['x-rs-certificate-validate-status'],
      'proxysg.remote_to_server.connection_negotiated_cipher': (e) => e.additional_attrs?.['x-rs-connection-negotiated-cipher'],
      'proxysg.remote_to_server.connection_negotiated_cipher_size': (e) => e.additional_attrs?.['x-rs-connection-negotiated-cipher-size'],
      'proxysg.remote_to_server.connection_negotiated_ssl_version': (e) => e.additional_attrs?.['x-rs-connection-negotiated-ssl-version'],
      'proxysg.server.action': (e) => e.prx_action,
      'proxysg.server.ip': (e) => e.dst_ip,
      'proxysg.server.sitename': (e) => e.prx_site,
      'proxysg.server.supplier_name': (e) => e.prx_supplier,
      'proxysg.server_to_client.bytes': (e) => e.in_bytes,
      'proxysg.server_to_client.filter_result': (e) => e.prx_filter_result,
      'proxysg.server_to_client.status': (e) => e.prx_code,
    };
    /** Elastic's own envelope, not decoded values (corpus README: "compare decoded values, not envelopes"). */
    const ENVELOPE = /^(ecs|observer|tags)\./;

    function leaves(value: unknown, prefix = ''): [string, unknown][] {
      if (value === null || typeof value !== 'object') return [[prefix, value]];
      return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
    }

    /** Golden and decoded values in one form: '-' and absent are both empty, numbers as text, queries without '?'. */
    function normal(path: string, v: unknown): string | undefined {
      if (v === undefined || v === null || v === '-') return undefined;
      const s = String(v);
      return /uri_query$|url\.query$/.test(path) && s.startsWith('?') ? s.slice(1) : s;
    }

    for (const file of ['test-proxy-main.log', 'test-proxy-ssl.log']) {
      it(`agrees field by field with ${file}-expected.json`, async () => {
        const golden = (JSON.parse(readFileSync(c.path('elastic-integrations-proxysg', `${file}-expected.json`), 'utf8')) as { expected: (Record<string, unknown> | null)[] }).expected;
        const { events, issues } = await decodeFile(`elastic-integrations-proxysg/${file}`);
        expect(issues).toEqual([]);
        const byLine = new Map(events.map((e) => [lineOf(e, golden.length), e]));
        let compared = 0;
        const disagreements: string[] = [];
        golden.forEach((doc, i) => {
          const e = byLine.get(i + 1);
          if (doc === null) {
            if (e !== undefined) disagreements.push(`line ${i + 1}: golden drops it, we made an event`);
            return;
          }
          if (e === undefined) {
            disagreements.push(`line ${i + 1}: no event`);
            return;
          }
          for (const [path, want] of leaves(doc)) {
            if (ENVELOPE.test(path)) continue;
            const get = FIELD[path];
            if (get === undefined) {
              disagreements.push(`line ${i + 1}: golden field ${path} has no ODM counterpart in this test`);
              continue;
            }
            compared++;
            const a = normal(path, want);
            const b = normal(path, get(e));
            if (a !== b) disagreements.push(`line ${i + 1} ${path}: golden ${JSON.stringify(a)}, decoded ${JSON.stringify(b)}`);
          }
        });
        console.log(`[decoder-proxy] ${file}: ${golden.filter((d) => d !== null).length} expected documents, ${compared} field values compared, ${compared - disagreements.length} agree`);
        expect(disagreements).toEqual([]);
        expect(compared).toBeGreaterThan(file === 'test-proxy-main.log' ? 300 : 20);
      });
    }
  });

  it("matches netdata's aggregate counts for its Squid access.log (TestSquidLog_Collect)", async () => {
    const { events, issues, lines } = await decodeFile('netdata-squidlog/access.log');
    const count = <T>(values: T[]) => values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<T, number>());
    expect(lines.filter((l) => l !== '').length).toBe(500); // requests
    expect(issues.length).toBe(16); // unmatched
    expect(events.reduce((s, e) => s + (e.in_bytes ?? 0), 0)).toBe(6827357); // bytes_sent
    expect(Object.fromEntries(count(events.map((e) => e.prx_method)))).toEqual({ COPY: 84, GET: 70, HEAD: 59, OPTIONS: 99, POST: 74, PURGE: 98 });
    expect(Object.fromEntries(count(events.map((e) => e.prx_code)))).toEqual({ 0: 51, 100: 45, 200: 62, 300: 58, 304: 62, 400: 56, 401: 56, 500: 46, 603: 48 });
    expect(new Set(events.map((e) => e.src_ip ?? e.additional_attrs?.['src_host'])).size).toBe(5); // uniq_clients
  });

  it("tells a common-log line from Squid's native format (netdata's unknown.log): read as NCSA common, refused when Squid is forced", async () => {
    const auto = await decodeFile('netdata-squidlog/unknown.log');
    expect(auto.events[0]).toMatchObject({ prx_method: 'POST', prx_code: 300, in_bytes: 2698, additional_attrs: { src_host: 'localhost' } });
    expect(auto.sniff).toBeLessThan(0.9); // below what a Squid native log gets
    const squid = await decodeFile('netdata-squidlog/unknown.log', { format: 'squid' });
    expect(squid.events).toEqual([]);
    expect(squid.issues.map((i) => i.code)).toEqual(['SL_DECODE_TRUNCATED']); // no line end, and not Squid
  });

  it("gives lnav's expected record times for the W3C files that have them", async () => {
    const ftp = await decodeFile('lnav-w3c/logfile_w3c.2');
    const days = ftp.events.map((e) => new Date(e.event_time).toISOString().slice(0, 10));
    expect(days).toEqual([...Array(11).fill('2000-10-09'), ...Array(3).fill('2000-10-10')]);
    const incapsula = await decodeFile('lnav-w3c/logfile_w3c.4');
    expect(incapsula.events.map((e) => new Date(e.event_time).toISOString())).toEqual(['2017-06-28T07:26:35.000Z', '2017-06-26T18:21:17.000Z']);
  });

  it('reads the custom Squid logformat of test-access-extensive.log column by column', async () => {
    const { events } = await decodeFile('elastic-integrations-squid/test-access-extensive.log', { logformat: EXTENSIVE });
    expect(events[0]).toMatchObject({ event_time: 1773416922391, duration: 104, src_ip: '10.105.21.199', src_port: 58938, prx_action: 'TCP_MISS', prx_code: 200, in_bytes: 904, out_bytes: 123, prx_method: 'GET', prx_http_version: '1.1', user_name: 'badeyek', prx_hierarchy: 'HIER_DIRECT', dst_ip: '203.0.113.10', dst_port: 80, prx_type: 'text/html', prx_browser: 'curl/8.14.1' });
    expect(events[0]!.additional_attrs).toMatchObject({ request_header_size: '123', reply_header_size: '364', reply_body_size: '528', '>h{Host}': 'example.com', server_time: '53' });
    expect(events[9]!.additional_attrs).toMatchObject({ tls_sni: 'secure.example.com', server_time: '42' });
  });
});

/** The line an event came from, recovered from its id (the decoder hashes the line number in as the ordinal). */
function lineOf(e: ProxyEvent, lines: number): number {
  for (let n = 1; n <= lines; n++) if (computeEventId(e, n) === e.event_id) return n;
  return 0;
}
