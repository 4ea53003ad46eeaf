/** `sightline feedback`, run in-process through `main` with captured output. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Rating } from '@sightline/core';
import { RatingsStore, ratingFor } from '@sightline/runtime';
import { describe, expect, it } from 'vitest';
import { matchValue } from '../src/commands/feedback.js';
import { EXIT } from '../src/exit-codes.js';
import { main } from '../src/main.js';

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await main(args, {
    stdout: out as unknown as NodeJS.WriteStream,
    stderr: err as unknown as NodeJS.WriteStream,
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    cwd,
    env,
  });
  return { code, stdout, stderr };
}

/** A folder with a pipeline file whose output (and so state) is `out/`. */
function site(): { dir: string; pipeline: string; ratingsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sl-feedback-'));
  const pipeline = join(dir, 'site.pipeline.yaml');
  writeFileSync(pipeline, 'name: site\noutput: out\nsinks: [{ use: file }]\n');
  return { dir, pipeline, ratingsFile: join(dir, 'out', 'state', 'feedback', 'ratings.ndjson') };
}

describe('sightline feedback', () => {
  it('adds a rating to the pipeline’s state folder, the file the console and the next run read', async () => {
    const s = site();
    const r = await run(['feedback', 'add', 'site.pipeline.yaml', '--rating', '3', '--kind', 'flow', '--match', 'dst_ip=10.0.0.5', '--match', 'dst_port=443', '--note', 'backup job', '--by', 'ana'], s.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/^added rating [0-9a-f-]{36}: 3 \(low risk\) for flow events with dst_ip=10\.0\.0\.5 dst_port=443/);
    const [rating] = await new RatingsStore(s.ratingsFile).list();
    expect(rating).toMatchObject({ rating: 3, event_kind: 'flow', match: { dst_ip: '10.0.0.5', dst_port: 443 }, note: 'backup job', by: 'ana' });
    // The port is stored as a number, so the rating covers the events it names.
    const event = { event_id: 'e', event_kind: 'flow', event_time: 0, src_ip: '10.0.0.9', dst_ip: '10.0.0.5', dst_port: 443 } as const;
    expect(ratingFor(event, [rating!])?.id).toBe(rating!.id);
    expect(ratingFor({ ...event, dst_port: 80 }, [rating!])).toBeUndefined();
  });

  it('lists ratings as a table and as JSON, filtered by kind', async () => {
    const s = site();
    await run(['feedback', 'add', s.pipeline, '--rating', '1', '--kind', 'dns', '--match', 'dns_query=evil.example', '--word', '0_7_11_2_10_1_16_0'], s.dir, { USER: 'sam' });
    await run(['feedback', 'add', s.pipeline, '--rating', '3', '--kind', 'proxy', '--event-id', 'abc123'], s.dir, { USER: 'sam' });
    const t = await run(['feedback', 'list', s.pipeline], s.dir);
    expect(t.code).toBe(EXIT.OK);
    const lines = t.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +AT +RATING +KIND +MATCH +WORD +BY +NOTE$/);
    expect(lines[1]).toMatch(/ 1 high +dns +dns_query=evil\.example +0_7_11_2_10_1_16_0 +sam$/);
    expect(lines[2]).toMatch(/ 3 low +proxy +event_id=abc123 +sam$/);
    expect(lines[3]).toBe('2 ratings');
    const j = await run(['feedback', 'list', s.pipeline, '--json', '--kind', 'dns'], s.dir);
    const listed = JSON.parse(j.stdout) as Rating[];
    expect(listed.map((r) => [r.rating, r.event_kind, r.by])).toEqual([[1, 'dns', 'sam']]);
  });

  it('lets a new rating of an event replace its earlier one (the analyst changed their mind), keeping the history', async () => {
    const s = site();
    await run(['feedback', 'add', s.pipeline, '--rating', '1', '--kind', 'proxy', '--event-id', 'abc123'], s.dir);
    await run(['feedback', 'add', s.pipeline, '--rating', '3', '--kind', 'proxy', '--event-id', 'abc123'], s.dir);
    await run(['feedback', 'add', s.pipeline, '--rating', '2', '--kind', 'dns', '--event-id', 'abc123'], s.dir);
    const live = JSON.parse((await run(['feedback', 'list', s.pipeline, '--json'], s.dir)).stdout) as { rating: number; event_kind: string }[];
    expect(live.map((r) => `${r.event_kind}:${r.rating}`).sort()).toEqual(['dns:2', 'proxy:3']);
    const history = readFileSync(s.ratingsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string });
    expect(history.map((h) => h.op)).toEqual(['add', 'remove', 'add', 'add']);
  });

  it('finds the state folder from --state alone, and from --state overriding the pipeline’s', async () => {
    const s = site();
    expect((await run(['feedback', 'add', '--state', 'elsewhere', '--rating', '2', '--kind', 'flow', '--match', 'src_ip=10.1.1.1'], s.dir)).code).toBe(EXIT.OK);
    expect(readFileSync(join(s.dir, 'elsewhere', 'feedback', 'ratings.ndjson'), 'utf8')).toContain('"src_ip":"10.1.1.1"');
    expect((await run(['feedback', 'list', s.pipeline, '--state', 'elsewhere'], s.dir)).stdout).toContain('src_ip=10.1.1.1');
    expect((await run(['feedback', 'list', s.pipeline], s.dir)).stdout).toBe('No ratings.\n');
  });

  it('removes a rating by id or unique prefix, and the removal is kept in the history', async () => {
    const s = site();
    await run(['feedback', 'add', s.pipeline, '--rating', '3', '--kind', 'flow', '--match', 'dst_port=53'], s.dir);
    const [r] = await new RatingsStore(s.ratingsFile).list();
    const removed = await run(['feedback', 'remove', s.pipeline, r!.id.slice(0, 8)], s.dir);
    expect(removed.stdout).toBe(`removed rating ${r!.id}\n`);
    expect(await new RatingsStore(s.ratingsFile).list()).toEqual([]);
    expect(readFileSync(s.ratingsFile, 'utf8')).toContain(`"op":"remove","id":"${r!.id}"`);
    const again = await run(['feedback', 'remove', s.pipeline, r!.id], s.dir);
    expect(again.code).toBe(EXIT.USAGE);
    expect(again.stderr).toContain(`no rating has the id "${r!.id}"`);
  });

  it.each([
    [['add', 'site.pipeline.yaml', '--kind', 'flow', '--match', 'dst_port=1'], 'needs --rating 1|2|3'],
    [['add', 'site.pipeline.yaml', '--rating', '4', '--kind', 'flow', '--match', 'dst_port=1'], '--rating must be 1 (high), 2 (medium) or 3 (low risk), not "4"'],
    [['add', 'site.pipeline.yaml', '--rating', '3', '--match', 'dst_port=1'], 'needs --kind flow|dns|proxy'],
    [['add', 'site.pipeline.yaml', '--rating', '3', '--kind', 'netflow', '--match', 'dst_port=1'], '--kind must be one of flow, dns, proxy, not "netflow"'],
    [['add', 'site.pipeline.yaml', '--rating', '3', '--kind', 'flow'], 'at least one --match field=value or an --event-id'],
    [['add', 'site.pipeline.yaml', '--rating', '3', '--kind', 'flow', '--match', 'dst_port'], '--match takes field=value, not "dst_port"'],
    [['add', 'site.pipeline.yaml', '--rating', '3', '--kind', 'flow', '--match', 'dns_query=x'], 'flow events have no field "dns_query"'],
    [['add', 'site.pipeline.yaml', '--rating', '3', '--kind', 'flow', '--match', 'dst_port=1', '--match', 'dst_port=2'], 'field "dst_port" given twice'],
    [['list'], 'needs a pipeline file or --state <dir>'],
    [['frob', 'site.pipeline.yaml'], 'unknown feedback action "frob"'],
    [[], 'needs an action: add, list or remove'],
    [['remove', 'site.pipeline.yaml'], 'takes [<pipeline.yaml>] <id>'],
    [['list', '--bogus'], "Unknown option '--bogus'"],
  ])('rejects bad input with exit 2 and says what is wrong: %j', async (args, message) => {
    const s = site();
    const r = await run(['feedback', ...args], s.dir);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Run `sightline feedback --help` for usage.');
  });

  it('reports a missing pipeline file as a config error with its code', async () => {
    const s = site();
    const r = await run(['feedback', 'list', 'nope.yaml'], s.dir);
    expect(r.code).toBe(EXIT.CONFIG);
    expect(r.stderr).toContain('[SL_CONFIG_NOT_FOUND]');
  });

  it('has help in the style of the other commands and is listed in the main help', async () => {
    const s = site();
    const h = await run(['feedback', '--help'], s.dir);
    expect(h.stdout).toMatch(/^Usage: sightline feedback add /);
    expect(h.stdout).toContain('1 high, 2 medium, 3 low risk');
    expect((await run(['help', 'feedback'], s.dir)).stdout).toBe(h.stdout);
    expect((await run(['--help'], s.dir)).stdout).toContain('feedback add|list|remove');
  });
});

describe('matchValue', () => {
  it('keeps canonical numbers and booleans as such and everything else as text', () => {
    expect([matchValue('443'), matchValue('-1'), matchValue('0.5'), matchValue('true'), matchValue('false')]).toEqual([443, -1, 0.5, true, false]);
    expect([matchValue('0800'), matchValue('1e3'), matchValue(''), matchValue('10.0.0.1'), matchValue(' 5')]).toEqual(['0800', '1e3', '', '10.0.0.1', ' 5']);
  });
});
