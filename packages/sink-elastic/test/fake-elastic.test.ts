import { Client } from '@elastic/elasticsearch';
import { FakeElastic } from '@sightline/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';

// The local endpoint is only useful if it answers as Elasticsearch does: these tests drive it with the real
// @elastic/elasticsearch client (its product check, compatibility headers, bulk helper and error types).
describe('FakeElastic answers the real @elastic/elasticsearch client as a cluster would', () => {
  let es: FakeElastic | undefined;
  afterEach(async () => es?.close());

  it('passes the client\'s product check and reports its version', async () => {
    es = await FakeElastic.start({ version: '9.1.0' });
    const client = new Client({ node: es.url });
    const info = await client.info();
    expect(info.version.number).toBe('9.1.0');
    await client.close();
  });

  it('stores bulk documents, answers 409 to a second create of an id, and serves them back', async () => {
    es = await FakeElastic.start();
    const client = new Client({ node: es.url });
    const r1 = await client.bulk({ operations: [{ create: { _index: 'a', _id: '1' } }, { x: 1 }, { index: { _index: 'a', _id: '2' } }, { x: 2 }] });
    expect(r1.errors).toBe(false);
    const r2 = await client.bulk({ operations: [{ create: { _index: 'a', _id: '1' } }, { x: 9 }] });
    expect(r2.errors).toBe(true);
    expect(r2.items[0]!.create!.status).toBe(409);
    expect(r2.items[0]!.create!.error!.type).toBe('version_conflict_engine_exception');
    const doc = await client.get({ index: 'a', id: '1' });
    expect(doc._source).toEqual({ x: 1 });
    expect((await client.count({ index: 'a' })).count).toBe(2);
    await client.close();
  });

  it('drives helpers.bulk to completion, with its per-item 429 retry and onDrop for a mapping error', async () => {
    es = await FakeElastic.start();
    es.fail({ kind: 'item', status: 429, times: 3 }).fail({ kind: 'item', status: 400, times: 1, match: (id) => id === 'd7' });
    const client = new Client({ node: es.url });
    const dropped: string[] = [];
    const stats = await client.helpers.bulk({
      datasource: Array.from({ length: 20 }, (_, i) => ({ id: `d${i}`, n: i })),
      onDocument: (d) => ({ create: { _index: 'h', _id: d.id } }),
      onDrop: (d) => dropped.push(`${d.status} ${d.error?.type}`),
      wait: 1,
      retries: 3,
    });
    expect(stats.successful).toBe(19);
    expect(dropped).toEqual(['400 mapper_parsing_exception']);
    expect(es.documents('h')).toHaveLength(19);
    await client.close();
  });

  it('rejects a compatibility header its major version does not accept, as a 9.x cluster refuses compatible-with=7', async () => {
    es = await FakeElastic.start({ version: '10.0.0' });
    const client = new Client({ node: es.url });
    await expect(client.info()).rejects.toMatchObject({ name: 'ResponseError', meta: { statusCode: 400 } });
    await client.close();
  });

  it('checks field values against the index template (ip fields must be addresses) and data-stream op types', async () => {
    es = await FakeElastic.start();
    const client = new Client({ node: es.url });
    await client.indices.putIndexTemplate({ name: 't', index_patterns: ['logs-x-*'], data_stream: {}, priority: 200, template: { mappings: { properties: { source: { properties: { ip: { type: 'ip' } } } } } } });
    const r = await client.bulk({
      operations: [
        { create: { _index: 'logs-x-default', _id: 'ok' } }, { '@timestamp': 1, source: { ip: '10.0.0.1' } },
        { create: { _index: 'logs-x-default', _id: 'bad' } }, { '@timestamp': 1, source: { ip: 'nope' } },
        { index: { _index: 'logs-x-default', _id: 'idx' } }, { '@timestamp': 1 },
      ],
    });
    expect(r.items.map((i) => Object.values(i)[0]!.status)).toEqual([201, 400, 400]);
    expect(Object.values(r.items[1]!)[0]!.error!.reason).toContain('failed to parse field [source.ip] of type [ip]');
    expect(Object.values(r.items[2]!)[0]!.error!.reason).toContain('op_type of create');
    expect(es.dataStreams.has('logs-x-default')).toBe(true);
    await client.close();
  });

  it('answers 413 above its max content length and 401 without the right API key', async () => {
    es = await FakeElastic.start({ maxContentLength: 100, apiKey: 'c2VjcmV0' });
    const good = new Client({ node: es.url, auth: { apiKey: 'c2VjcmV0' }, maxRetries: 0 });
    await expect(good.bulk({ operations: [{ create: { _index: 'a', _id: '1' } }, { pad: 'x'.repeat(200) }] })).rejects.toMatchObject({ meta: { statusCode: 413 } });
    const bad = new Client({ node: es.url, auth: { apiKey: 'd3Jvbmc=' }, maxRetries: 0 });
    await expect(bad.info()).rejects.toMatchObject({ meta: { statusCode: 401 } });
    await good.close();
    await bad.close();
  });
});
