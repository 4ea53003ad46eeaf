import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Rating } from '@sightline/core';
import { RatingsStore } from '@sightline/runtime';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDetails, AlertPage, IngestSummary, NetworkGraph, QuarantinePage, RatingView, RunList } from '../src/api.js';
import { ConsoleService, buildConsoleApp } from '../src/index.js';
import { type TestRun, simulatedRun } from './helpers.js';

type Rec = Record<string, unknown>;
const readNdjson = (path: string): Rec[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Rec);

let run: TestRun;
let service: ConsoleService;
let app: FastifyInstance;
let runId: string;
const alertsOf = (kind: string): Rec[] => readNdjson(join(run.summary.runDir, 'alerts', `${kind}.ndjson`));

async function get<T>(url: string, status = 200): Promise<T> {
  const res = await app.inject({ method: 'GET', url });
  expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(status);
  return res.json<T>();
}

async function allRows(query: string): Promise<AlertPage['rows']> {
  const rows: AlertPage['rows'][number][] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await get<AlertPage>(`/api/runs/latest/alerts?${query}&limit=500&offset=${offset}`);
    rows.push(...page.rows);
    if (rows.length >= page.total) return rows;
  }
}

beforeAll(async () => {
  run = await simulatedRun({ garbage: true });
  runId = run.summary.runId;
  service = new ConsoleService({ pipeline: 'console-test', outputDir: run.spec.outputDir, ratingsFile: run.ratingsFile, rerun: run.rerun });
  app = await buildConsoleApp({ service, uiDir: undefined });
  // Let the background indexes of the run finish, so the answers below are complete.
  const data = await service.run('latest');
  await data.events.build(data.alerts, []);
  await data.quarantine.build();
});

afterAll(async () => {
  await app?.close();
  service?.close();
  if (run !== undefined) rmSync(run.dir, { recursive: true, force: true });
});

describe('the console API over a simulated run', () => {
  it('lists the run and answers each kind with every alert its files hold, most suspicious first', async () => {
    const runs = await get<RunList>('/api/runs');
    expect(runs.runs.map((r) => [r.id, r.latest])).toEqual([[runId, true]]);
    expect(runs.runs[0]!.alerts).toBe(run.summary.counts.alerts);
    for (const kind of ['flow', 'dns', 'proxy']) {
      const expected = alertsOf(kind);
      expect(expected.length, `${kind} alerts in the files`).toBeGreaterThan(0);
      const rows = await allRows(`kind=${kind}`);
      expect(rows.map((r) => r.event_id).sort()).toEqual(expected.map((e) => e['event_id']).sort());
      for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.risk >= rows[i]!.risk, `${kind} row ${i} ordered by risk`).toBe(true);
      const top = expected.find((e) => e['score_rank'] === 1 && e['score_window_start'] === rows[0]!.window)!;
      expect(rows[0]).toMatchObject({ event_id: top['event_id'], rank: 1, value: top['score_value'], word: top['score_word'] });
    }
  });

  it('filters by address or block, domain, URI, time, risk and day, as a plain scan of the files would', async () => {
    const dns = alertsOf('dns');
    const proxy = alertsOf('proxy');
    const flow = alertsOf('flow');
    const ids = (rows: readonly { event_id: string }[]) => rows.map((r) => r.event_id).sort();
    const expectIds = (recs: Rec[]) => recs.map((e) => e['event_id'] as string).sort();
    const client = dns[0]!['dst_ip'] as string;
    expect(ids(await allRows(`kind=dns&ip=${client}`))).toEqual(expectIds(dns.filter((e) => e['src_ip'] === client || e['dst_ip'] === client)));
    expect(ids(await allRows('kind=flow&ip=10.20.0.0/24'))).toEqual(expectIds(flow.filter((e) => String(e['src_ip']).startsWith('10.20.0.') || String(e['dst_ip']).startsWith('10.20.0.'))));
    const name = String(dns[0]!['dns_query']);
    const parent = name.split('.').slice(-2).join('.');
    const under = (n: unknown) => String(n).toLowerCase() === parent || String(n).toLowerCase().endsWith(`.${parent}`);
    expect(ids(await allRows(`kind=dns&domain=${parent.toUpperCase()}`))).toEqual(expectIds(dns.filter((e) => under(e['dns_query']))));
    const piece = String(proxy[0]!['prx_uri']).slice(-6);
    expect(ids(await allRows(`kind=proxy&uri=${encodeURIComponent(piece)}`))).toEqual(expectIds(proxy.filter((e) => String(e['prx_uri']).toLowerCase().includes(piece.toLowerCase()))));
    const times = flow.map((e) => e['event_time'] as number).sort((a, b) => a - b);
    const [from, to] = [times[10]!, times[40]!];
    expect(ids(await allRows(`kind=flow&from=${from}&to=${to}`))).toEqual(expectIds(flow.filter((e) => (e['event_time'] as number) >= from && (e['event_time'] as number) <= to)));
    expect(ids(await allRows('kind=flow&risk_min=99.9'))).toEqual(expectIds(flow.filter((e) => (e['score_risk'] as number) >= 99.9)));
    const window = flow[0]!['score_window_start'] as number;
    expect(ids(await allRows(`kind=flow&window=${window}`))).toEqual(expectIds(flow.filter((e) => e['score_window_start'] === window)));
    const page = await get<AlertPage>(`/api/runs/latest/alerts?kind=dns&ip=${client}&limit=1`);
    expect(page.kinds.dns).toBe(page.total);
    expect(page.kinds.flow).toBe(flow.filter((e) => e['src_ip'] === client || e['dst_ip'] === client).length);
  });

  it('refuses unknown, malformed and out-of-range parameters with 400 and says which', async () => {
    const bad = async (url: string, says: string) => {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ message: string }>().message, url).toContain(says);
    };
    await bad('/api/runs/latest/alerts', "must have required property 'kind'");
    await bad('/api/runs/latest/alerts?kind=dns&where=1%3D1', 'must NOT have additional properties');
    await bad('/api/runs/latest/alerts?kind=smtp', 'kind must be equal to one of the allowed values');
    await bad("/api/runs/latest/alerts?kind=dns&ip=10.0.0.1'%20OR%201=1", 'ip must match pattern');
    await bad('/api/runs/latest/alerts?kind=dns&ip=10.0.0.300', 'ip must be an address or a CIDR block');
    await bad('/api/runs/latest/alerts?kind=dns&domain=a..b', 'domain must match pattern');
    await bad('/api/runs/latest/alerts?kind=dns&limit=5000', 'limit must be <= 500');
    await bad('/api/runs/latest/alerts?kind=dns&risk_min=abc', 'risk_min must be number');
    await bad('/api/runs/latest/alerts?kind=dns&from=2&to=1', 'from must not be after to');
    await bad('/api/runs/..%2F..%2Fetc/alerts?kind=dns', 'run must match pattern');
    await bad('/api/runs/latest/alerts/-1', 'n must be >= 0');
  });

  it('answers 404 for runs and alerts that are not there', async () => {
    await get('/api/runs/no-such-run/alerts?kind=dns', 404);
    await get('/api/runs/state/alerts?kind=dns', 404); // the state folder is not a run
    await get(`/api/runs/latest/alerts/${run.summary.counts.alerts + 5}`, 404);
    await get('/api/nothing', 404);
  });

  it('shows a DNS alert with the client\'s traffic around it, its queries and answers, and a timeline', async () => {
    const top = (await get<AlertPage>('/api/runs/latest/alerts?kind=dns&limit=1')).rows[0]!;
    const d = await get<AlertDetails>(`/api/runs/latest/alerts/${top.n}`);
    expect(d.event['event_id']).toBe(top.event_id);
    expect(d.related.state).toBe('ready');
    expect(d.related.events.length).toBeGreaterThan(0);
    for (const e of d.related.events) {
      expect(e['dst_ip'], 'each related DNS event is of the same client').toBe(top.client);
      expect(Math.abs((e['event_time'] as number) - top.time)).toBeLessThanOrEqual(30 * 60_000);
    }
    // The alert is one of the events the run delivered, so it is among those around it.
    expect(d.related.events.some((e) => e['event_id'] === top.event_id)).toBe(true);
    expect(d.dns!.find((g) => g.name === top.name)).toMatchObject({ name: top.name });
    expect(d.dns!.reduce((a, g) => a + g.count, 0)).toBe(d.related.events.length);
    // The timeline counts all of the client's DNS events in the run, which the event file can tell.
    const clientEvents = readNdjson(join(run.summary.runDir, 'events', 'dns.ndjson')).filter((e) => e['dst_ip'] === top.client).length;
    expect(d.timeline!.counts.reduce((a, b) => a + b, 0)).toBe(clientEvents);
    expect(d.patternFields[0]).toEqual({ field: 'dst_ip', value: top.client, client: true });
  });

  it('shows a flow alert with the flows between the same two addresses in either direction', async () => {
    const top = (await get<AlertPage>('/api/runs/latest/alerts?kind=flow&limit=1')).rows[0]!;
    const d = await get<AlertDetails>(`/api/runs/latest/alerts/${top.n}`);
    const pair = [top.src, top.dst].sort().join(' ');
    expect(d.related.events.length).toBeGreaterThan(0);
    for (const e of d.related.events) expect([e['src_ip'], e['dst_ip']].sort().join(' ')).toBe(pair);
  });

  it('records a rating durably through the RatingsStore, shows it in the list, filters and exports it, and removes it', async () => {
    const top = (await get<AlertPage>('/api/runs/latest/alerts?kind=proxy&limit=1')).rows[0]!;
    const res = await app.inject({ method: 'POST', url: '/api/ratings', payload: { run: runId, n: top.n, rating: 2, scope: 'pattern', fields: ['src_ip', 'prx_host'], note: 'check with the owner', by: 'ana' } });
    expect(res.statusCode, res.body).toBe(201);
    const rating = res.json<RatingView>();
    expect(rating).toMatchObject({ rating: 2, event_kind: 'proxy', match: { src_ip: top.src, prx_host: top.name }, word: top.word, by: 'ana', note: 'check with the owner' });
    // Durable: the runtime's store (what the models read on their next fit) has it.
    const stored = await new RatingsStore(run.ratingsFile).list();
    expect(stored.map((r: Rating) => r.id)).toContain(rating.id);
    const rated = await allRows('kind=proxy&rated=2');
    expect(rated.length).toBeGreaterThan(0);
    for (const r of rated) expect(r).toMatchObject({ src: top.src, name: top.name, word: top.word, rating: { id: rating.id, rating: 2, scope: 'pattern' } });
    expect((await allRows('kind=proxy&rated=unrated')).length + rated.length).toBe(alertsOf('proxy').length);
    const csv = await app.inject({ method: 'GET', url: '/api/ratings/export?format=csv' });
    expect(csv.headers['content-disposition']).toContain('sightline-ratings.csv');
    expect(csv.body.split('\n')[0]).toBe('id,at,rating,risk,event_kind,event_id,word,match,by,note');
    expect(csv.body).toContain(`${rating.id},`);
    const ndjson = await app.inject({ method: 'GET', url: '/api/ratings/export?format=ndjson' });
    expect(ndjson.body.trim().split('\n').map((l) => (JSON.parse(l) as Rating).id)).toContain(rating.id);
    expect((await app.inject({ method: 'DELETE', url: `/api/ratings/${rating.id}` })).statusCode).toBe(204);
    expect((await new RatingsStore(run.ratingsFile).list()).map((r) => r.id)).not.toContain(rating.id);
    expect((await app.inject({ method: 'DELETE', url: `/api/ratings/${rating.id}` })).statusCode).toBe(404);
  });

  it('rates an event again by replacing its earlier rating, and refuses pattern fields the kind does not allow', async () => {
    const top = (await get<AlertPage>('/api/runs/latest/alerts?kind=flow&limit=1')).rows[0]!;
    const first = await app.inject({ method: 'POST', url: '/api/ratings', payload: { run: runId, n: top.n, rating: 1, scope: 'event' } });
    const second = await app.inject({ method: 'POST', url: '/api/ratings', payload: { run: runId, n: top.n, rating: 2, scope: 'event' } });
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    const live = (await new RatingsStore(run.ratingsFile).list()).filter((r) => r.event_id === top.event_id);
    expect(live.map((r) => r.rating)).toEqual([2]);
    expect(live[0]!.match).toMatchObject({ src_ip: top.src, dst_ip: top.dst, dst_port: top.dst_port });
    const row = (await get<AlertPage>(`/api/runs/latest/alerts?kind=flow&limit=1`)).rows[0]!;
    expect(row.rating).toMatchObject({ rating: 2, scope: 'event' });
    const bad = await app.inject({ method: 'POST', url: '/api/ratings', payload: { run: runId, n: top.n, rating: 3, scope: 'pattern', fields: ['user_name'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('a flow pattern cannot match on "user_name"');
    const unknown = await app.inject({ method: 'POST', url: '/api/ratings', payload: { run: runId, n: top.n, rating: 4, scope: 'event' } });
    expect(unknown.statusCode).toBe(400);
    await app.inject({ method: 'DELETE', url: `/api/ratings/${live[0]!.id}` });
  });

  it('draws the network view from the most suspicious alerts: each link joins the endpoints of an alert', async () => {
    const g = await get<NetworkGraph>('/api/runs/latest/graph?kind=flow&limit=50');
    const flow = alertsOf('flow');
    expect(g.alerts).toBe(50);
    expect(g.matching).toBe(flow.length);
    const pairs = new Set(flow.map((e) => [`ip ${String(e['src_ip'])}`, `ip ${String(e['dst_ip'])}`].sort().join('|')));
    for (const l of g.links) expect(pairs.has([l.source, l.target].sort().join('|'))).toBe(true);
    const ids = new Set(g.nodes.map((n) => n.id));
    for (const l of g.links) expect(ids.has(l.source) && ids.has(l.target)).toBe(true);
    expect(g.nodes.find((n) => n.id === 'ip 10.20.0.8')?.internal ?? true).toBe(true);
    const dns = await get<NetworkGraph>('/api/runs/latest/graph?kind=dns&limit=20');
    expect(dns.nodes.some((n) => n.type === 'name')).toBe(true);
  });

  it('summarises ingest: events per minute per kind add up to the events delivered, and quarantined records are grouped with their reasons', async () => {
    const s = await get<IngestSummary>('/api/runs/latest/ingest');
    expect(s.state).toBe('ready');
    const total = [...s.perMinute.flow, ...s.perMinute.dns, ...s.perMinute.proxy].reduce((a, b) => a + b, 0);
    expect(total).toBe(run.summary.counts.eventsForwarded);
    expect(s.perMinute.dns.reduce((a, b) => a + b, 0)).toBe(readNdjson(join(run.summary.runDir, 'events', 'dns.ndjson')).length);
    expect(s.quarantine).toEqual([expect.objectContaining({ kind: 'quarantine', stage: 'decode', plugin: 'odm-ndjson', code: 'SL_DECODE_MALFORMED', count: 2 })]);
    const page = await get<QuarantinePage>(`/api/runs/latest/quarantine/${s.quarantine[0]!.file}`);
    expect(page.total).toBe(2);
    expect(page.records.map((r) => [r['line'], r['raw']])).toEqual([
      [1, '{"event_kind":"flow"}'],
      [2, 'not json at all'],
    ]);
  });

  it('closes the loop: a low-risk rating makes the next run rank the rated pattern lower', async () => {
    const top = (await get<AlertPage>('/api/runs/latest/alerts?kind=dns&limit=1')).rows[0]!;
    const res = await app.inject({ method: 'POST', url: '/api/ratings', payload: { run: runId, n: top.n, rating: 3, scope: 'pattern' } });
    expect(res.json<RatingView>()).toMatchObject({ match: { dst_ip: top.client }, word: top.word });
    const before = (await allRows('kind=dns')).filter((r) => r.client === top.client && r.word === top.word);
    expect((await app.inject({ method: 'POST', url: '/api/rerun' })).statusCode).toBe(202);
    let status: { state: string; runId?: string } = { state: 'running' };
    while (status.state === 'running') {
      await new Promise((r) => setTimeout(r, 200));
      status = await get('/api/rerun');
    }
    expect(status.state).toBe('done');
    const next = status.runId!;
    expect((await get<RunList>('/api/runs')).runs[0]).toMatchObject({ id: next, latest: true });
    const page = await get<AlertPage>(`/api/runs/${next}/alerts?kind=dns&limit=500&compare=${runId}`);
    expect(page.rows[0]!.event_id).not.toBe(top.event_id);
    const after = page.rows.filter((r) => r.client === top.client && r.word === top.word);
    // Every alert of the rated pattern that is still listed is lower than it was, and carries the rating the model saw.
    for (const r of after) {
      const was = before.find((b) => b.event_id === r.event_id);
      if (was !== undefined) expect(r.rank, r.event_id).toBeGreaterThan(was.rank);
      expect(r.run_feedback).toBe(3);
    }
    const moved = page.rows.find((r) => r.compare_rank !== undefined && r.compare_rank !== null && r.compare_rank !== r.rank);
    expect(moved).toBeDefined();
    const views = await get<{ ratings: RatingView[] }>(`/api/ratings?run=${next}&compare=${runId}`);
    const v = views.ratings.find((x) => x.match['dst_ip'] === top.client)!;
    expect(v.effect).toMatchObject({ run: next, compareRun: runId, compareBestRank: 1 });
    expect(v.effect!.bestRank === null || v.effect!.bestRank > 1).toBe(true);
  });
});
