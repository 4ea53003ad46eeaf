import { type DecodeContext, type Issue, type ProxyEvent, computeEventId, memorySource, validateEvent } from '@sightline/core';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { describe, expect, it } from 'vitest';
import { type ProxyDecoderConfig, withDefaults } from './config.schema.js';
import { ProxyDecoder } from './decoder.js';
import { generateProxyLog, generateProxyLogText } from './generate.js';
import { manifest } from './manifest.js';
import { PROXYSG_MAIN_FIELDS, SPOT_FIELDS } from './wire/layouts.js';

interface Decoded {
  events: ProxyEvent[];
  issues: Issue[];
  warnings: string[];
}

async function decode(text: string | Uint8Array, config: Partial<ProxyDecoderConfig> = {}, opts: { chunk?: number; keepRaw?: boolean; name?: string } = {}): Promise<Decoded> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const chunks: Uint8Array[] = [];
  const size = opts.chunk ?? bytes.length;
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const base = createTestContext();
  const ctx: DecodeContext = { ...base, batchSize: 100, keepRaw: opts.keepRaw ?? false };
  const out: Decoded = { events: [], issues: [], warnings: [] };
  for await (const b of new ProxyDecoder(withDefaults(config)).decode(memorySource(opts.name ?? 'access.log', chunks), ctx)) {
    for (const e of b.events) {
      const v = validateEvent(e);
      if (!v.ok) throw new Error(`invalid event: ${v.path} ${v.message}`);
      out.events.push(e as ProxyEvent);
    }
    out.issues.push(...b.issues);
  }
  out.warnings = base.logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  return out;
}

const HEADER = ['#Software: SGOS 6.7.5.14', '#Version: 1.0', '#Date: 2024-03-22 16:24:15', `#Fields: ${PROXYSG_MAIN_FIELDS.join(' ')}`];
/** One ProxySG main-format record (fields in PROXYSG_MAIN_FIELDS order). */
const MAIN_VALUES = ['2024-03-22', '16:16:01', '48', '10.82.255.36', '302', 'TCP_NC_MISS', '1242', '969', 'GET', 'https', 'pixel.tapad.com', '443', '/idsync/ex/push', '?partner_id=2499&x=1', 'aeinstein', '-', 'pixel.tapad.com', '-', 'https://vid.vidoomy.com/', '"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"', 'OBSERVED', '"FastwebRes_CallCntr;Web Ads/Analytics"', '-', '81.2.69.144'];
const MAIN_LINE = MAIN_VALUES.join(' ');

describe('ProxySG / W3C extended logs', () => {
  it('maps a ProxySG record onto the ODM proxy event the way Spot did: client, server, URI port, bytes, full URI, UTC time', async () => {
    const { events, issues } = await decode([...HEADER, MAIN_LINE].join('\n') + '\n');
    expect(issues).toEqual([]);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e).toMatchObject({
      event_kind: 'proxy',
      event_time: Date.UTC(2024, 2, 22, 16, 16, 1),
      duration: 48,
      src_ip: '10.82.255.36',
      dst_ip: '81.2.69.144',
      dst_port: 443,
      user_name: 'aeinstein',
      prx_code: 302,
      prx_action: 'TCP_NC_MISS',
      in_bytes: 1242,
      out_bytes: 969,
      prx_method: 'GET',
      prx_scheme: 'https',
      prx_host: 'pixel.tapad.com',
      prx_path: '/idsync/ex/push',
      prx_query: 'partner_id=2499&x=1',
      prx_uri: 'pixel.tapad.com/idsync/ex/push?partner_id=2499&x=1',
      prx_supplier: 'pixel.tapad.com',
      prx_referrer: 'https://vid.vidoomy.com/',
      prx_browser: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
      prx_filter_result: 'OBSERVED',
      prx_category: 'FastwebRes_CallCntr;Web Ads/Analytics',
      dvc_version: 'SGOS 6.7.5.14',
    });
    // `-` is empty: no auth group, content type or virus id
    expect(e.prx_auth_group).toBeUndefined();
    expect(e.prx_type).toBeUndefined();
    expect(e.prx_virus_id).toBeUndefined();
    expect(e.additional_attrs).toBeUndefined();
    // the id is the core id of the decoded fields with the line number as ordinal
    expect(e.event_id).toBe(computeEventId(e, 5));
  });

  it('follows a #Fields change in the middle of a file: the same request under another field order decodes to the same event', async () => {
    const reordered = [...PROXYSG_MAIN_FIELDS].reverse();
    const byName = new Map(PROXYSG_MAIN_FIELDS.map((f, i) => [f, MAIN_VALUES[i]!]));
    const text = [...HEADER, MAIN_LINE, `#Fields: ${reordered.join(' ')}`, reordered.map((f) => byName.get(f)).join(' ')].join('\n') + '\n';
    const { events, issues } = await decode(text);
    expect(issues).toEqual([]);
    expect(events).toHaveLength(2);
    const strip = ({ event_id: _id, ...rest }: ProxyEvent) => rest;
    expect(strip(events[1]!)).toEqual(strip(events[0]!));
    expect(events[0]!.event_id).not.toBe(events[1]!.event_id); // different lines, different ids
  });

  it('keeps fields without an ODM column in additional_attrs under their ELFF names', async () => {
    const text = ['#Fields: date time c-ip cs-method cs-host x-custom-thing cs(X-Forwarded-For) s-ip', '2024-01-05 08:00:00 10.0.0.1 GET example.com 42 "1.2.3.4, 5.6.7.8" 10.0.0.2'].join('\n');
    const { events } = await decode(text);
    expect(events[0]!.additional_attrs).toEqual({ 'x-custom-thing': '42', 'cs(X-Forwarded-For)': '1.2.3.4, 5.6.7.8' });
  });

  it('decodes a large generated ProxySG log with header changes, every record valid and none lost', async () => {
    const text = generateProxyLogText({ format: 'proxysg-elff', lines: 5000, headerChangeEvery: 1200, seed: 3 });
    const { events, issues } = await decode(text, {}, { chunk: 4096 });
    expect(issues).toEqual([]);
    expect(events).toHaveLength(5000);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(5000);
    expect(events.every((e) => e.src_ip !== undefined && e.prx_host !== undefined && e.prx_code !== undefined)).toBe(true);
  });

  it("reads Apache Spot's 27-field headerless layout and ProxySG's other headerless layouts by their value count", async () => {
    const spot = await decode(generateProxyLogText({ format: 'spot', lines: 50 }));
    expect(spot.issues).toEqual([]);
    expect(spot.events).toHaveLength(50);
    const line = [...generateProxyLog({ format: 'spot', lines: 1, seed: 9 })][0]!;
    const { events } = await decode(line);
    const values = line.match(/"[^"]*"|\S+/g)!.map((v) => v.replace(/^"|"$/g, ''));
    const at = (f: string) => values[SPOT_FIELDS.indexOf(f)];
    expect(events[0]).toMatchObject({ src_ip: at('c-ip'), dst_ip: at('s-ip'), prx_host: at('cs-host'), prx_method: at('cs-method'), prx_category: at('cs-categories') });
    // ProxySG main without its header: 24 values
    const main = await decode(`${MAIN_LINE}\n${MAIN_LINE}\n`);
    expect(main.events).toHaveLength(2);
    expect(main.events[0]).toMatchObject({ prx_browser: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', dst_ip: '81.2.69.144' });
  });

  it('reads the layout named by `format` or `fields` when a log has no header, until the log brings its own #Fields', async () => {
    const fields = 'date time c-ip cs-host sc-status';
    const text = ['2024-01-05 08:00:00 10.0.0.1 a.example 200', '#Fields: date time sc-status cs-host c-ip', '2024-01-05 08:00:01 404 b.example 10.0.0.2'].join('\n');
    const { events, issues } = await decode(text, { fields });
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.src_ip, e.prx_host, e.prx_code])).toEqual([
      ['10.0.0.1', 'a.example', 200],
      ['10.0.0.2', 'b.example', 404],
    ]);
    const forced = await decode(MAIN_LINE, { format: 'proxysg-main' });
    expect(forced.events[0]!.prx_host).toBe('pixel.tapad.com');
  });

  it('takes the date of time-only records from #Date, and honours #GMT-Offset and the configured zone for local times', async () => {
    const iisFtp = ['#Date: 2000-10-09 16:44:49', '#Fields: time c-ip cs-method cs-uri-stem sc-status', '16:44:49 1.1.1.1 [2]USER anonymous 331', '#Date: 2000-10-10 00:00:00', '01:02:03 1.1.1.1 [2]QUIT - 226'].join('\n');
    const ftp = await decode(iisFtp);
    expect(ftp.events.map((e) => e.event_time)).toEqual([Date.UTC(2000, 9, 9, 16, 44, 49), Date.UTC(2000, 9, 10, 1, 2, 3)]);
    const oracle = await decode(['#GMT-Offset: -0800', '#Fields: c-ip date time cs-method cs-uri sc-status', '64.103.37.2 2001-10-31 00:00:18 GET /a.gif 200'].join('\n'));
    expect(oracle.events[0]!.event_time).toBe(Date.UTC(2001, 9, 31, 8, 0, 18));
    const local = ['#Fields: date-local time-local c-ip sc-status', '2024-07-15 12:00:00.250 10.0.0.1 200'].join('\n');
    expect((await decode(local)).events[0]!.event_time).toBe(Date.UTC(2024, 6, 15, 12, 0, 0, 250));
    expect((await decode(local, { timezone: 'Europe/Paris' })).events[0]!.event_time).toBe(Date.UTC(2024, 6, 15, 10, 0, 0, 250));
  });

  it('splits whole URIs (cs-uri) into scheme, host, port, path and query and keeps the URI as logged', async () => {
    const { events } = await decode(['#Fields: date time c-ip cs-method cs-uri sc-status', '2024-01-05 08:00:00 10.0.0.1 GET http://h.example:8080/p/q.js?a=b 200'].join('\n'));
    expect(events[0]).toMatchObject({ prx_scheme: 'http', prx_host: 'h.example', dst_port: 8080, prx_path: '/p/q.js', prx_query: 'a=b', prx_uri: 'h.example/p/q.js?a=b', additional_attrs: { 'cs-uri': 'http://h.example:8080/p/q.js?a=b' } });
  });

  it('keeps client and server names that are not IPs in additional_attrs', async () => {
    const { events } = await decode(['#Fields: date time c-ip s-ip cs-host', '2024-01-05 08:00:00 localhost 2001:db8:2ce:1 x.example'].join('\n'));
    expect(events[0]!.src_ip).toBeUndefined();
    expect(events[0]!.additional_attrs).toEqual({ src_host: 'localhost', dst_host: '2001:db8:2ce:1' });
  });

  it('reads Windows line ends and a byte-order mark like any other log', async () => {
    const unix = await decode([...HEADER, MAIN_LINE, ''].join('\n'));
    const windows = await decode(`\ufeff${[...HEADER, MAIN_LINE, ''].join('\r\n')}`);
    expect(windows.issues).toEqual([]);
    expect(windows.events).toEqual(unix.events);
    expect(new ProxyDecoder(withDefaults()).sniff({ head: Buffer.from(`\ufeff${HEADER.join('\r\n')}\r\n`), name: 'x', framing: 'stream' })).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps each line as read in `raw` when asked to', async () => {
    const { events } = await decode([...HEADER, MAIN_LINE].join('\n'), {}, { keepRaw: true });
    expect(events[0]!.raw).toBe(MAIN_LINE);
  });
});

describe('bad input', () => {
  it('quarantines each bad line with its file, line number and reason, and decodes every good line', async () => {
    const good = MAIN_LINE;
    const lines = [
      ...HEADER, // 1-4
      good, // 5
      MAIN_VALUES.slice(0, 20).join(' '), // 6: too few values
      good.replace('"FastwebRes_CallCntr;Web Ads/Analytics"', '"FastwebRes_CallCntr;Web Ads/Analytics'), // 7: quote never closed
      good.replace('aeinstein', 'ae\u0000\u0001\u0002'), // 8: binary
      good.replace(' 302 ', ' 3o2 '), // 9: status is not a number
      good.replace('2024-03-22', '2024-02-31'), // 10: impossible date
      good.replace(' 1242 ', ' -12 '), // 11: negative byte count
      '#Fields:', // 12: bad directive
      good, // 13: no layout after an empty #Fields (24 values is ProxySG main, so it is read with that layout)
      '#Date: not a date', // 14
      '#Fields: time c-ip', // 15
      '12:00:00 10.0.0.1', // 16: time-only, no usable #Date
      good.slice(0, 60), // 17: the file is cut in the middle of a record
    ];
    const { events, issues } = await decode(lines.join('\n'), {}, { name: '/logs/access.log' });
    expect(events.map((e) => e.event_id === computeEventId(e, 5) || e.event_id === computeEventId(e, 13))).toEqual([true, true]);
    expect(issues.map((i) => [i.line, i.code])).toEqual([
      [6, 'SL_PROXY_FIELD_COUNT'],
      [7, 'SL_PROXY_BAD_QUOTING'],
      [8, 'SL_PROXY_NOT_TEXT'],
      [9, 'SL_PROXY_BAD_VALUE'],
      [10, 'SL_PROXY_BAD_VALUE'],
      [11, 'SL_PROXY_BAD_VALUE'],
      [12, 'SL_PROXY_BAD_DIRECTIVE'],
      [14, 'SL_PROXY_BAD_DIRECTIVE'],
      [16, 'SL_PROXY_BAD_VALUE'],
      [17, 'SL_DECODE_TRUNCATED'],
    ]);
    for (const i of issues) {
      expect(i.source).toBe('/logs/access.log');
      expect(i.message).toMatch(new RegExp(`^/logs/access\\.log line ${i.line}: `));
      expect(i.raw).toBe(lines[i.line! - 1]);
      expect(typeof i.offset).toBe('number');
    }
    expect(issues[0]!.message).toContain('20 values, but its #Fields directive names 24');
    expect(issues[3]!.message).toContain('status "3o2" is not an HTTP status code');
    expect(issues[8]!.message).toContain('no #Date directive');
  });

  it('quarantines over-long lines with their first bytes and goes on', async () => {
    const long = `${MAIN_LINE} ${'x'.repeat(5000)}`;
    const { events, issues } = await decode([...HEADER, long, MAIN_LINE].join('\n'), { max_line_bytes: 1024 });
    expect(events).toHaveLength(1);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'SL_DECODE_LINE_TOO_LONG', line: 5 });
    expect((issues[0]!.raw as string).length).toBeLessThanOrEqual(1024);
  });

  it('quarantines lines no format reads, before a format is known', async () => {
    const { events, issues } = await decode(['this is not a log', '\u0000\u0001\u0002\u0003', ...HEADER, MAIN_LINE].join('\n'));
    expect(events).toHaveLength(1);
    expect(issues.map((i) => [i.line, i.code])).toEqual([
      [1, 'SL_PROXY_UNRECOGNISED'],
      [2, 'SL_PROXY_UNRECOGNISED'],
    ]);
  });

  it('keeps extra values in additional_attrs by default (and says so in the log), or quarantines them when configured', async () => {
    const text = [...HEADER.slice(0, 3), '#Fields: date time c-ip sc-status', '2024-01-05 08:00:00 10.0.0.1 200 surprise "and more"', ''].join('\n');
    const kept = await decode(text);
    expect(kept.issues).toEqual([]);
    expect(kept.events[0]!.additional_attrs).toEqual({ extra_1: 'surprise', extra_2: 'and more' });
    expect(kept.warnings.join('\n')).toContain('1 lines had more values than their layout');
    const strict = await decode(text, { extra_columns: 'quarantine' });
    expect(strict.events).toEqual([]);
    expect(strict.issues[0]).toMatchObject({ code: 'SL_PROXY_FIELD_COUNT', line: 5 });
  });

  it('reads records with more values than a #Fields line that omits fields of a built-in ProxySG layout with that layout', async () => {
    const declared = PROXYSG_MAIN_FIELDS.filter((f) => f !== 'cs(User-Agent)');
    const text = [`#Fields: ${declared.join(' ')}`, MAIN_LINE].join('\n');
    const { events, issues } = await decode(text);
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ prx_browser: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', prx_filter_result: 'OBSERVED', dst_ip: '81.2.69.144' });
  });

  it('never throws on random bytes, and every line of them is accounted for', async () => {
    const bytes = Uint8Array.from({ length: 20000 }, (_, i) => (i * 2654435761) >>> 24);
    const { events, issues } = await decode(bytes);
    expect(events.length + issues.length).toBeGreaterThan(0);
    for (const i of issues) expect(i.line).toBeGreaterThan(0);
  });
});

describe('formats and detection', () => {
  const sniff = (text: string, config: Partial<ProxyDecoderConfig> = {}) => new ProxyDecoder(withDefaults(config)).sniff({ head: Buffer.from(text), name: 'x', framing: 'stream' });

  it('recognises each format from its first lines, and nothing in other data', () => {
    expect(sniff(generateProxyLogText({ format: 'proxysg-elff', lines: 5 }))).toBeGreaterThanOrEqual(0.9);
    expect(sniff(generateProxyLogText({ format: 'spot', lines: 5 }))).toBeGreaterThanOrEqual(0.8);
    expect(sniff(generateProxyLogText({ format: 'squid', lines: 5 }))).toBeGreaterThanOrEqual(0.9);
    expect(sniff(generateProxyLogText({ format: 'combined', lines: 5 }))).toBeGreaterThanOrEqual(0.5);
    expect(sniff(generateProxyLogText({ format: 'iis', lines: 5 }))).toBeGreaterThanOrEqual(0.9);
    expect(sniff('{"event_kind":"flow","event_time":1}\n')).toBe(0);
    expect(sniff('\u00d4\u00c3\u00b2\u00a1 binary pcap-ish')).toBe(0);
    expect(new ProxyDecoder(withDefaults()).sniff({ head: Buffer.from(MAIN_LINE), name: 'x', framing: 'datagram' })).toBe(0);
  });

  it('sniffs with the configured format only: a forced Squid decoder does not claim an ELFF log', () => {
    expect(sniff(generateProxyLogText({ format: 'proxysg-elff', lines: 5 }), { format: 'squid' })).toBe(0);
    expect(sniff(generateProxyLogText({ format: 'squid', lines: 5 }), { format: 'squid' })).toBeGreaterThanOrEqual(0.9);
    expect(sniff(generateProxyLogText({ format: 'squid', lines: 5 }), { format: 'elff' })).toBe(0);
    expect(sniff(generateProxyLogText({ format: 'combined', lines: 5 }), { format: 'spot' })).toBe(0);
    expect(sniff(generateProxyLogText({ format: 'spot', lines: 5 }), { format: 'spot' })).toBeGreaterThanOrEqual(0.8);
  });

  it('reads Squid native and NCSA combined logs it generated, every record valid', async () => {
    for (const format of ['squid', 'combined', 'iis'] as const) {
      const { events, issues } = await decode(generateProxyLogText({ format, lines: 500, seed: 5 }), {}, { chunk: 777 });
      expect(issues, format).toEqual([]);
      expect(events, format).toHaveLength(500);
    }
  });

  it('refuses a bad timezone or logformat in the config with a message naming it', async () => {
    await expect(instantiate(manifest, { timezone: 'Mars/Olympus' }, createTestContext())).rejects.toMatchObject({ code: 'SL_PLUGIN_CONFIG_INVALID', message: expect.stringContaining('Mars/Olympus') });
    await expect(instantiate(manifest, { logformat: '%ts %' }, createTestContext())).rejects.toMatchObject({ code: 'SL_PLUGIN_CONFIG_INVALID', message: expect.stringContaining('cannot read the code') });
    await expect(instantiate(manifest, { format: 'bluecoat' }, createTestContext())).rejects.toMatchObject({ code: 'SL_PLUGIN_CONFIG_INVALID' });
  });
});
