import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/corpus.js';
import { ConsoleService, UI_DIR, buildConsoleApp, startConsole } from '../src/index.js';
import { tempDir } from './helpers.js';

const out = tempDir();
const service = new ConsoleService({ pipeline: 'empty', outputDir: join(out, 'runs'), ratingsFile: join(out, 'state', 'ratings.ndjson') });
afterAll(() => {
  service.close();
  rmSync(out, { recursive: true, force: true });
});

describe('console safety', () => {
  it('answers only requests naming a loopback host when bound to loopback (no DNS rebinding)', async () => {
    const app = await buildConsoleApp({ service, uiDir: undefined, loopbackPort: () => 8470 });
    const status = async (host: string) => (await app.inject({ method: 'GET', url: '/api/info', headers: { host } })).statusCode;
    expect(await status('127.0.0.1:8470')).toBe(200);
    expect(await status('localhost:8470')).toBe(200);
    expect(await status('[::1]:8470')).toBe(200);
    expect(await status('attacker.example:8470')).toBe(403);
    expect(await status('127.0.0.1:9999')).toBe(403);
    await app.close();
  });

  it('requires the token when it has one: a bearer header, or the cookie set by opening /?token=', async () => {
    const app = await buildConsoleApp({ service, uiDir: undefined, token: 's3cret-t0ken' });
    expect((await app.inject({ method: 'GET', url: '/api/info' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/info', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/info', headers: { authorization: 'Bearer s3cret-t0ken' } })).statusCode).toBe(200);
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(401);
    expect(page.body).toContain('needs its access token');
    expect((await app.inject({ method: 'GET', url: '/?token=nope' })).statusCode).toBe(401);
    const open = await app.inject({ method: 'GET', url: '/?token=s3cret-t0ken' });
    expect(open.statusCode).toBe(303);
    expect(open.headers['location']).toBe('/');
    const cookie = String(open.headers['set-cookie']);
    expect(cookie).toMatch(/^sightline_console=s3cret-t0ken; HttpOnly; SameSite=Strict; Path=\//);
    expect((await app.inject({ method: 'GET', url: '/api/runs', headers: { cookie: cookie.split(';')[0]! } })).statusCode).toBe(200);
    await app.close();
  });

  it('refuses changes sent from another site (Origin), and unknown body fields', async () => {
    const app = await buildConsoleApp({ service, uiDir: undefined });
    const evil = await app.inject({ method: 'POST', url: '/api/ratings', headers: { origin: 'http://attacker.example', host: 'localhost:8470' }, payload: { run: 'latest', n: 0, rating: 3, scope: 'event' } });
    expect(evil.statusCode).toBe(403);
    const extra = await app.inject({ method: 'POST', url: '/api/ratings', headers: { origin: 'http://localhost:8470', host: 'localhost:8470' }, payload: { run: 'latest', n: 0, rating: 3, scope: 'event', match: { src_ip: '1.2.3.4' } } });
    expect(extra.statusCode).toBe(400);
    expect(extra.json<{ message: string }>().message).toContain('must NOT have additional properties');
    const none = await app.inject({ method: 'POST', url: '/api/ratings', headers: { origin: 'http://localhost:8470', host: 'localhost:8470' }, payload: { run: 'latest', n: 0, rating: 3, scope: 'event' } });
    expect(none.statusCode).toBe(404);
    expect(none.json<{ message: string }>().message).toContain('there is no run yet');
    await app.close();
  });

  it('sends security headers, and says when the page is not built', async () => {
    const app = await buildConsoleApp({ service, uiDir: join(out, 'no-ui') });
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('SL_CONSOLE_UI_MISSING');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    const api = await app.inject({ method: 'GET', url: '/api/runs' });
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.json()).toEqual({ runs: [], skipped: [] });
    await app.close();
  });

  it('will not listen beyond loopback without a token, and says why a port cannot be used', async () => {
    await expect(startConsole({ pipeline: 'x', outputDir: out, ratingsFile: join(out, 'r.ndjson'), host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'SL_CONSOLE_UNSAFE_BIND' });
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as { port: number }).port;
    await expect(startConsole({ pipeline: 'x', outputDir: out, ratingsFile: join(out, 'r.ndjson'), port })).rejects.toMatchObject({ code: 'SL_CONSOLE_LISTEN_FAILED' });
    holder.close();
  });

  it('serves the built page from loopback with a free port', async () => {
    const c = await startConsole({ pipeline: 'x', outputDir: out, ratingsFile: join(out, 'r.ndjson'), port: 0 });
    try {
      expect(c.url).toBe(`http://127.0.0.1:${c.port}/`);
      expect(c.ui, `the page is built in ${UI_DIR}`).toBe(true);
      const res = await fetch(c.url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
    } finally {
      await c.close();
    }
  });
});

describe('sightline serve', () => {
  it('prints where the console is, answers on it, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'runs'));
    const pipeline = join(dir, 'p.yaml');
    writeFileSync(pipeline, 'name: served\noutput: runs\n');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'packages/cli/dist/bin.js'), 'serve', pipeline, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
          if (m !== null && stdout.includes('Press Ctrl-C')) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect(stdout).toContain('Sightline console for pipeline "served"');
      expect(stdout).toContain('0 runs; run the pipeline to see results');
      const info = (await (await fetch(`${url}api/info`)).json()) as { pipeline: string; rerun: boolean };
      expect(info).toMatchObject({ pipeline: 'served', rerun: false });
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
    expect(stderr).toContain('serve: stopped');
  });
});
