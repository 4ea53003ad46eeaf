import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { SightlineError, type EventKind } from '@sightline/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ApiError } from '../api.js';
import type { AlertFilter, RatedFilter } from '../data/alert-query.js';
import { parseAddressFilter } from '../data/ip.js';
import { BadRequest, Conflict, type ConsoleService, NotFound } from '../console-service.js';
import * as S from './schemas.js';
import { COOKIE, SECURITY_HEADERS, allowedHosts, presentedToken, tokenMatches } from './security.js';

export interface ConsoleAppOptions {
  readonly service: ConsoleService;
  /** The built page (index.html and its assets); without it only the API answers. */
  readonly uiDir: string | undefined;
  /** Required of every request when set (bearer header, or the cookie set from `/?token=`). */
  readonly token?: string;
  /** Bound to loopback: requests must name a loopback host (DNS-rebinding guard). Needs the port once known. */
  readonly loopbackPort?: () => number | undefined;
}

interface FilterQuery {
  window?: number;
  model?: string;
  ip?: string;
  domain?: string;
  uri?: string;
  from?: number;
  to?: number;
  risk_min?: number;
  rated?: RatedFilter;
}

function toFilter(q: FilterQuery): AlertFilter {
  let ip;
  if (q.ip !== undefined) {
    ip = parseAddressFilter(q.ip);
    if (ip === undefined) throw new BadRequest(`ip must be an address or a CIDR block such as 10.0.0.0/8, not "${q.ip}"`);
  }
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw new BadRequest('from must not be after to');
  const f: Record<string, unknown> = { window: q.window, model: q.model, ip, domain: q.domain, uri: q.uri, from: q.from, to: q.to, riskMin: q.risk_min, rated: q.rated };
  for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
  return f as AlertFilter;
}

function fail(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ error, message } satisfies ApiError);
}

/**
 * The console's HTTP server: the JSON API under /api and the built page. Every parameter is checked against a
 * schema (ajv, unknown parameters refused, nothing built from strings); handlers call the ConsoleService.
 */
export async function buildConsoleApp(options: ConsoleAppOptions): Promise<FastifyInstance> {
  const { service, token } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: false } },
  });

  app.addHook('onRequest', async (req, reply) => {
    const port = options.loopbackPort?.();
    if (port !== undefined && !allowedHosts(port).has(String(req.headers.host ?? '').toLowerCase())) {
      return fail(reply, 403, 'forbidden_host', `this console answers to 127.0.0.1:${port} or localhost:${port} only`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}` && origin !== `https://${req.headers.host ?? ''}`) {
        return fail(reply, 403, 'forbidden_origin', 'changes are accepted from the console page only');
      }
    }
    if (token === undefined) return;
    const url = req.url;
    if (req.method === 'GET' && (url === '/' || url.startsWith('/?'))) {
      const given = new URL(url, 'http://console').searchParams.get('token');
      if (given !== null && tokenMatches(token, given)) {
        return reply
          .code(303)
          .header('set-cookie', `${COOKIE}=${encodeURIComponent(given)}; HttpOnly; SameSite=Strict; Path=/`)
          .header('location', '/')
          .send();
      }
    }
    if (!tokenMatches(token, presentedToken(req.headers.authorization, req.headers.cookie))) {
      if (url.startsWith('/api/')) return fail(reply, 401, 'token_required', 'this console needs its access token (Authorization: Bearer <token>, or open the URL sightline serve printed)');
      return reply.code(401).type('text/html; charset=utf-8').send('<!doctype html><title>Sightline console</title><p>This console needs its access token: open the URL that <code>sightline serve</code> printed (it ends with <code>?token=…</code>).</p>');
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error: unknown, _req: FastifyRequest, reply: FastifyReply) => {
    const e = error as { validation?: unknown; message?: string; statusCode?: number; code?: string };
    if (e.validation !== undefined) return fail(reply, 400, 'bad_request', e.message ?? 'bad request');
    if (error instanceof BadRequest) return fail(reply, 400, 'bad_request', error.message);
    if (error instanceof NotFound) return fail(reply, 404, 'not_found', error.message);
    if (error instanceof Conflict) return fail(reply, 409, 'conflict', error.message);
    if (SightlineError.is(error)) return fail(reply, 500, error.code, error.message);
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return fail(reply, e.statusCode, e.code ?? 'bad_request', e.message ?? 'bad request');
    return fail(reply, 500, 'internal', `the console failed answering: ${e.message ?? String(error)}`);
  });

  app.setNotFoundHandler((req, reply) => fail(reply, 404, 'not_found', `no such page: ${req.method} ${req.url.split('?')[0]}`));

  type R<Q = unknown, P = unknown, B = unknown> = FastifyRequest<{ Querystring: Q; Params: P; Body: B }>;

  app.get('/api/info', { schema: { querystring: S.emptyQuery } }, async () => service.info());
  app.get('/api/runs', { schema: { querystring: S.emptyQuery } }, async () => service.runs());

  app.get('/api/runs/:run/alerts', { schema: { params: S.runParams, querystring: S.alertsQuery } }, async (req: R<FilterQuery & { kind: EventKind; sort: 'risk' | 'time'; order: 'asc' | 'desc'; offset: number; limit: number; compare?: string }, { run: string }>) => {
    const q = req.query;
    return service.alerts(req.params.run, { kind: q.kind, filter: toFilter(q), sort: q.sort, desc: q.order === 'desc', offset: q.offset, limit: q.limit, ...(q.compare === undefined ? {} : { compare: q.compare }) });
  });

  app.get('/api/runs/:run/alerts/:n', { schema: { params: S.alertParams, querystring: S.emptyQuery } }, async (req: R<unknown, { run: string; n: number }>) => service.details(req.params.run, req.params.n));

  app.get('/api/runs/:run/graph', { schema: { params: S.runParams, querystring: S.graphQuery } }, async (req: R<FilterQuery & { kind?: EventKind; limit: number }, { run: string }>) =>
    service.graph(req.params.run, req.query.kind, toFilter(req.query), req.query.limit),
  );

  app.get('/api/runs/:run/ingest', { schema: { params: S.runParams, querystring: S.emptyQuery } }, async (req: R<unknown, { run: string }>) => service.ingest(req.params.run));

  app.get('/api/runs/:run/quarantine/:file', { schema: { params: S.fileParams, querystring: S.pageQuery } }, async (req: R<{ offset: number; limit: number }, { run: string; file: number }>) =>
    service.quarantinePage(req.params.run, req.params.file, req.query.offset, req.query.limit),
  );

  app.get('/api/ratings', { schema: { querystring: S.ratingsQuery } }, async (req: R<{ run?: string; compare?: string }>) => ({ ratings: await service.ratings(req.query.run, req.query.compare) }));

  app.get('/api/ratings/export', { schema: { querystring: S.exportQuery } }, async (req: R<{ format: 'ndjson' | 'csv' }>, reply) => {
    const format = req.query.format;
    const body = await service.exportRatings(format);
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="sightline-ratings.${format}"`)
      .send(body);
  });

  app.post(
    '/api/ratings',
    { schema: { body: S.ratingBody, querystring: S.emptyQuery } },
    async (req: R<unknown, unknown, { run: string; n: number; rating: 1 | 2 | 3; scope: 'event' | 'pattern'; fields?: string[]; word?: boolean; note?: string; by?: string }>, reply) => {
      const { run, n, ...rest } = req.body;
      const rating = await service.addRating(run, n, rest);
      return reply.code(201).send(rating);
    },
  );

  app.delete('/api/ratings/:id', { schema: { params: S.ratingParams, querystring: S.emptyQuery } }, async (req: R<unknown, { id: string }>, reply) => {
    await service.removeRating(req.params.id);
    return reply.code(204).send();
  });

  app.get('/api/rerun', { schema: { querystring: S.emptyQuery } }, async () => service.rerunStatus());
  app.post('/api/rerun', { schema: { querystring: S.emptyQuery } }, async (_req, reply) => reply.code(202).send(service.startRerun()));

  const uiDir = options.uiDir;
  if (uiDir !== undefined && existsSync(join(uiDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: uiDir, index: ['index.html'], wildcard: false, dotfiles: 'deny', cacheControl: false });
  } else {
    app.get('/', async (_req, reply) =>
      reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Sightline console</title><p>The console page is not built [SL_CONSOLE_UI_MISSING]: run <code>npm run build</code>. The API answers under <code>/api/</code>.</p>'),
    );
  }
  return app;
}
