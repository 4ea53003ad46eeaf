import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipelineFile } from '@sightline/core';
import { clusterStatus, connectRedis, obliterate, StreamLogger, waitForSubmission } from '@sightline/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../../../test/global-setup.js';
import { BIN, FIXTURES, ROOT, cli, workDir } from './helpers.js';

const redisUp = await redisAnswers();
const redisServer = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;
const quiet = new StreamLogger({ level: 'silent' });

interface Proc {
  readonly proc: ChildProcess;
  logs: string;
  readonly exited: Promise<number | null>;
}

// Workers start as users start them: the executable itself, so the node flags of its #! line apply (model jobs'
// worker threads must cope with them).
function worker(pipeline: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const proc = spawn(BIN, ['worker', pipeline, '--log-level', 'warn', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { proc, logs: '', exited: new Promise((r) => proc.once('exit', (code) => r(code))) };
  proc.stdout!.on('data', (d: Buffer) => (p.logs += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (p.logs += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${p.logs}`)), 30_000);
    const check = (): void => {
      if (p.logs.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve(p);
      } else setTimeout(check, 50);
    };
    check();
    void p.exited.then((code) => {
      if (!p.logs.includes('Ctrl-C to stop')) {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}) before it started:\n${p.logs}`));
      }
    });
  });
}

async function stop(p: Proc): Promise<void> {
  if (p.proc.exitCode !== null) return;
  p.proc.kill('SIGTERM');
  await p.exited;
}

function ndjsonIds(files: string[]): string[] {
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { event_id: string }).event_id),
  );
}

function filesIn(dir: string, suffix = '.ndjson'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith(suffix)) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
}

/** Simulated ODM events split into `parts` input files (the same files feed both runners). */
function inputs(dir: string, parts: number, hosts = 20, days = '0.25'): string[] {
  const r = cli(['simulate', '--hosts', String(hosts), '--days', days, '--odm', '--flows', 'none', '--dns', 'none', '--proxy', 'none', '--attacks', 'port-scan=0.05,exfiltration', '--start', '2026-01-05T00:00:00Z', '--out', join(dir, 'sim')]);
  if (r.code !== 0) throw new Error(r.stderr);
  const lines = readFileSync(join(dir, 'sim', 'events.ndjson'), 'utf8').trimEnd().split('\n');
  mkdirSync(join(dir, 'in'), { recursive: true });
  const per = Math.ceil(lines.length / parts);
  const files: string[] = [];
  for (let i = 0; i < parts; i++) {
    const f = join(dir, 'in', `part-${i}.ndjson`);
    writeFileSync(f, `${lines.slice(i * per, (i + 1) * per).join('\n')}\n`);
    files.push(f);
  }
  return files;
}

describe.skipIf(!redisUp)(`BullMQ job graph${redisUp ? '' : ' (skipped: no Redis answers on 127.0.0.1:6379)'}`, () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('gives the same delivered events and the same alerts as the LocalRunner, with two worker processes', async () => {
    const dir = workDir('cluster-eq-');
    inputs(dir, 4);
    const name = `eq-${process.pid}-${Date.now()}`;
    const pipeline = join(dir, 'p.yaml');
    writeFileSync(
      pipeline,
      [
        `name: ${name}`,
        'output: out',
        'inputs: [{ type: file, path: "in/*.ndjson" }]',
        'batch_size: 250',
        'window: { size: 1h }',
        // Two models: the BullMQ runner fits them in separate model jobs and delivers their alerts together.
        'models: [{ use: rarity, top_n: 10 }, { use: heuristics, top_n: 10 }]',
        'sinks:',
        '  - { use: file, name: events, config: { format: ndjson } }',
        '  - { use: file, name: alerts, deliver: alerts, config: { format: ndjson, path: "alerts/{kind}" } }',
        // The four inputs (~1.9 MB each) add up to more than in_flight: uploads stream while jobs consume them.
        'cluster: { shared_dir: shared, in_flight: 6MiB, chunk: 256KiB }',
      ].join('\n'),
    );
    const spec = loadPipelineFile(pipeline);
    const redis = connectRedis(spec.cluster.redis, quiet, 'test');
    cleanup.push(async () => {
      await obliterate(spec, redis);
      redis.disconnect();
    });

    const local = cli(['run', pipeline, '--progress', 'off', '--run-id', 'local']);
    expect(local.code, local.stderr).toBe(0);
    const localEvents = ndjsonIds(filesIn(join(dir, 'out', 'local', 'events')));
    const alertKey = (f: string) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const a = JSON.parse(l) as { event_id: string; score_model: string; score_rank: number; score_value: number; score_window_start: number };
          return `${a.score_window_start}/${a.score_model}/${a.score_rank}/${a.event_id}/${a.score_value}`;
        });
    const localAlerts = filesIn(join(dir, 'out', 'local', 'alerts')).flatMap(alertKey).sort();

    const a = await worker(pipeline);
    const b = await worker(pipeline);
    cleanup.push(() => stop(a), () => stop(b));
    const sub = cli(['submit', pipeline, '--wait', '--timeout', '120']);
    expect(sub.code, `${sub.stdout}${sub.stderr}\n${a.logs}\n${b.logs}`).toBe(0);
    await stop(a);
    await stop(b);

    const clusterEvents = ndjsonIds(filesIn(join(dir, 'shared', 'workers')).filter((f) => f.includes('/events/')));
    expect(new Set(clusterEvents).size, 'an event was delivered twice').toBe(clusterEvents.length);
    expect([...clusterEvents].sort()).toEqual([...localEvents].sort());
    const subDir = readdirSync(join(dir, 'shared', 'submissions'))[0]!;
    const clusterAlerts = filesIn(join(dir, 'shared', 'submissions', subDir, 'run', 'alerts')).flatMap(alertKey).sort();
    expect(clusterAlerts.length).toBeGreaterThan(0);
    expect(clusterAlerts).toEqual(localAlerts);
    // Both workers took part in delivering.
    expect(new Set(filesIn(join(dir, 'shared', 'workers')).filter((f) => f.includes('/events/')).map((f) => f.split('/workers/')[1]!.split('/')[0])).size).toBe(2);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an input that cannot fit in the uploads\' share of in_flight, and fails jobs whose upload stopped', async () => {
    const dir = workDir('cluster-upload-');
    inputs(dir, 1);
    const name = `upload-${process.pid}-${Date.now()}`;
    const pipeline = join(dir, 'p.yaml');
    const write = (inFlight: string): void =>
      writeFileSync(pipeline, [`name: ${name}`, 'output: out', 'inputs: [{ type: file, path: "in/*.ndjson" }]', 'sinks: [{ use: file, config: { format: ndjson } }]', `cluster: { shared_dir: shared, in_flight: ${inFlight}, chunk: 64KiB, attempts: 1 }`].join('\n'));
    write('1MiB');
    let spec = loadPipelineFile(pipeline);
    const redis = connectRedis(spec.cluster.redis, quiet, 'test');
    cleanup.push(async () => {
      await obliterate(spec, redis);
      redis.disconnect();
    });
    const sub = cli(['submit', pipeline]);
    expect(sub.code).not.toBe(0);
    expect(sub.stderr).toContain('SL_CLUSTER_INPUT_TOO_LARGE');
    expect((await clusterStatus(spec, redis)).queues.every((q) => Object.values(q.counts).every((n) => n === 0))).toBe(true);

    // An upload that stops part-way (the submitter gave up): the job waiting for the rest fails, coded.
    write('64MiB');
    spec = loadPipelineFile(pipeline);
    const w = await worker(pipeline);
    cleanup.push(() => stop(w));
    const { configHash, submit } = await import('@sightline/runtime');
    const ac = new AbortController();
    let pieces = 0;
    await expect(
      submit({ spec, redis, logger: quiet, configHash: configHash(spec), signal: ac.signal, onUpload: () => void (++pieces === 3 && ac.abort(new Error('stop'))) }),
    ).rejects.toThrow();
    let reason = '';
    for (let i = 0; i < 400 && reason === ''; i++) {
      reason = (await clusterStatus(spec, redis)).queues.find((q) => q.queue === 'decode')!.failed[0]?.reason ?? '';
      if (reason === '') await new Promise((r) => setTimeout(r, 50));
    }
    expect(reason, w.logs).toContain('SL_CLUSTER_UPLOAD_INCOMPLETE');
    await stop(w);
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives a worker killed in the middle of jobs: every event is delivered (by id) and nothing is left failed', async () => {
    const dir = workDir('cluster-kill-');
    inputs(dir, 3);
    const name = `kill-${process.pid}-${Date.now()}`;
    const key = `sltest:${name}`;
    const pipeline = join(dir, 'p.yaml');
    writeFileSync(
      pipeline,
      [
        `name: ${name}`,
        'output: out',
        `plugins: [${join(FIXTURES, 'plugins/redis-set-sink')}]`,
        'inputs: [{ type: file, path: "in/*.ndjson" }]',
        'batch_size: 200',
        `sinks: [{ use: redis-set, config: { url: "redis://127.0.0.1:6379", key: "${key}", delay_ms: 400 } }]`,
        'cluster: { shared_dir: shared, lock: 3s, backoff: 200ms }',
      ].join('\n'),
    );
    const spec = loadPipelineFile(pipeline);
    const redis = connectRedis(spec.cluster.redis, quiet, 'test');
    cleanup.push(async () => {
      await obliterate(spec, redis);
      await redis.del(`${key}:events`, `${key}:events:writes`);
      redis.disconnect();
    });
    const total = readdirSync(join(dir, 'in')).reduce((n, f) => n + readFileSync(join(dir, 'in', f), 'utf8').trimEnd().split('\n').length, 0);

    const a = await worker(pipeline, ['--concurrency', 'sink=2']);
    const sub = cli(['submit', pipeline]);
    expect(sub.code, sub.stderr).toBe(0);
    const submission = /submitted (\S+):/.exec(sub.stdout)![1]!;
    // Let it deliver some batches, then kill it without warning.
    // (Slow batches, so this happens mid-run even on a loaded machine.)
    for (let i = 0; i < 400 && (await redis.scard(`${key}:events`)) < 200; i++) await new Promise((r) => setTimeout(r, 25));
    const before = await redis.scard(`${key}:events`);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(total);
    a.proc.kill('SIGKILL');
    await a.exited;

    const b = await worker(pipeline, ['--concurrency', 'sink=4']);
    cleanup.push(() => stop(b));
    const result = await waitForSubmission(spec, redis, submission, { timeoutMs: 120_000 });
    await stop(b);
    expect(result.failedInputs).toEqual([]);
    expect(await redis.scard(`${key}:events`)).toBe(total);
    expect(Number(await redis.get(`${key}:events:writes`))).toBeGreaterThanOrEqual(total);
    const status = await clusterStatus(spec, redis);
    for (const q of status.queues) expect(q.counts['failed'] ?? 0, q.queue).toBe(0);
    expect(status.inflightBytes).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  describe.skipIf(!redisServer)(`when Redis restarts in the middle of a run${redisServer ? '' : ' (skipped: redis-server is not installed)'}`, () => {
    let redisDir = '';
    const port = 6391 + (process.pid % 50);
    const startRedis = (): void => {
      const r = spawnSync('redis-server', ['--daemonize', 'yes', '--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--pidfile', join(redisDir, 'redis.pid')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    beforeAll(async () => {
      redisDir = workDir('redis-');
      startRedis();
      for (let i = 0; i < 50 && !(await redisAnswers('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
    });
    afterAll(() => {
      spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
      rmSync(redisDir, { recursive: true, force: true });
    });

    it('workers wait, reconnect and finish: every event delivered (by id), the counts add up', async () => {
      const dir = workDir('cluster-redis-');
      inputs(dir, 3);
      const name = `restart-${process.pid}`;
      const key = `sltest:${name}`;
      const url = `redis://127.0.0.1:${port}`;
      const pipeline = join(dir, 'p.yaml');
      writeFileSync(
        pipeline,
        [
          `name: ${name}`,
          'output: out',
          `plugins: [${join(FIXTURES, 'plugins/redis-set-sink')}]`,
          'inputs: [{ type: file, path: "in/*.ndjson" }]',
          'batch_size: 200',
          // The sink records into the test's own Redis, which stays up.
          `sinks: [{ use: redis-set, config: { url: "redis://127.0.0.1:6379", key: "${key}", delay_ms: 100 } }]`,
          `cluster: { redis: "${url}", shared_dir: shared, lock: 3s, backoff: 200ms, attempts: 10 }`,
        ].join('\n'),
      );
      const spec = loadPipelineFile(pipeline);
      const sinkRedis = connectRedis('redis://127.0.0.1:6379', quiet, 'test');
      const total = readdirSync(join(dir, 'in')).reduce((n, f) => n + readFileSync(join(dir, 'in', f), 'utf8').trimEnd().split('\n').length, 0);
      const a = await worker(pipeline);
      cleanup.push(() => stop(a));
      const sub = cli(['submit', pipeline]);
      expect(sub.code, sub.stderr).toBe(0);
      const submission = /submitted (\S+):/.exec(sub.stdout)![1]!;
      for (let i = 0; i < 200 && (await sinkRedis.scard(`${key}:events`)) < 300; i++) await new Promise((r) => setTimeout(r, 50));
      // Restart the queue Redis mid-run (its append-only file keeps the queues).
      spawnSync('redis-cli', ['-p', String(port), 'shutdown']);
      await new Promise((r) => setTimeout(r, 1500));
      startRedis();
      for (let i = 0; i < 50 && !(await redisAnswers('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
      const redis = connectRedis(url, quiet, 'test');
      const result = await waitForSubmission(spec, redis, submission, { timeoutMs: 120_000 });
      await stop(a);
      expect(a.logs).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ is unavailable/);
      expect(result.failedInputs, `${JSON.stringify(result.failedInputs)}\n${a.logs}`).toEqual([]);
      expect(await sinkRedis.scard(`${key}:events`)).toBe(total);
      const status = await clusterStatus(spec, redis);
      for (const q of status.queues) expect(q.counts['failed'] ?? 0, q.queue).toBe(0);
      await sinkRedis.del(`${key}:events`, `${key}:events:writes`);
      sinkRedis.disconnect();
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    });
  });
});
