import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Logger, type PluginContext, SightlineError, describeCause } from '@sightline/core';

/**
 * The reputation-service contract, after Apache Spot's OA reputation plug-ins (`check(ips, urls)` ->
 * `"service:label:level"`, levels -1 unknown, 0 none, 1 low, 2 medium, 3 high).
 *
 * A service is asked in batches about the distinct values of a batch of events that it has not answered
 * recently, and answers only for the values it has a verdict on: a value left out is "no verdict", not
 * "clean". It must honour `signal` (the enricher gives up after its timeout and goes on without verdicts) and
 * reject rather than hang when the remote side fails.
 */
export interface ReputationVerdict {
  /** Spot's label: `MALICIOUS`, `High`, `tor_exit`… (no `:` in it). */
  readonly label: string;
  /** -1 unknown, 0 none, 1 low, 2 medium, 3 high. */
  readonly level: number;
  readonly categories?: readonly string[];
}

export interface ReputationQuery {
  readonly ips: readonly string[];
  /** Host names (DNS queries, proxy hosts), lower-case without a trailing dot. */
  readonly domains: readonly string[];
  /** URLs as proxies log them: host + path + query, no scheme. */
  readonly urls: readonly string[];
}

export interface ReputationService {
  readonly name: string;
  check(query: ReputationQuery, signal: AbortSignal): Promise<ReadonlyMap<string, ReputationVerdict>>;
  close?(): Promise<void> | void;
}

/** What a service module exports (`export function createReputationService(config, ctx)` or as its default). */
export type ReputationServiceFactory = (config: Readonly<Record<string, unknown>>, ctx: PluginContext) => ReputationService | Promise<ReputationService>;

/** One verdict in Spot's text form, `service:label:level[:categories]`. */
export function formatReputation(service: string, v: ReputationVerdict): string {
  const clean = (s: string) => s.replace(/[:]/g, '_');
  const base = `${clean(service)}:${clean(v.label)}:${v.level}`;
  return v.categories === undefined || v.categories.length === 0 ? base : `${base}:${v.categories.map(clean).join(';')}`;
}

/** Reads Spot's reputation text (several verdicts joined by `::`) back into verdicts. */
export function parseReputation(text: string): { service: string; verdict: ReputationVerdict }[] {
  const out: { service: string; verdict: ReputationVerdict }[] = [];
  for (const part of text.split('::')) {
    const [service, label, level, cats] = part.split(':');
    const n = Number(level);
    if (service === undefined || service === '' || label === undefined || !Number.isInteger(n)) continue;
    out.push({ service, verdict: cats === undefined || cats === '' ? { label, level: n } : { label, level: n, categories: cats.split(';') } });
  }
  return out;
}

/**
 * The in-memory twin of a reputation service: verdicts from a table in its config, value -> `label:level`
 * (or a full `service:label:level` string whose service part is ignored). Tests and examples use it.
 */
export class StaticReputationService implements ReputationService {
  readonly name: string;
  readonly #table: ReadonlyMap<string, ReputationVerdict>;
  calls = 0;

  constructor(name: string, table: Readonly<Record<string, string | ReputationVerdict>>) {
    this.name = name;
    this.#table = new Map(
      Object.entries(table).map(([k, v]) => {
        if (typeof v !== 'string') return [k, v];
        const parts = v.split(':');
        const [label = 'listed', level = '-1'] = parts.length >= 3 ? parts.slice(1) : parts;
        return [k, { label, level: Number(level) }];
      }),
    );
  }

  async check(query: ReputationQuery, signal: AbortSignal): Promise<ReadonlyMap<string, ReputationVerdict>> {
    this.calls++;
    signal.throwIfAborted();
    const out = new Map<string, ReputationVerdict>();
    for (const v of [...query.ips, ...query.domains, ...query.urls]) {
      const hit = this.#table.get(v);
      if (hit !== undefined) out.set(v, hit);
    }
    return out;
  }
}

/** Imports a service module by package name (resolved from the pipeline's folder) or by path. */
export async function loadReputationService(module: string, name: string | undefined, config: Readonly<Record<string, unknown>>, ctx: PluginContext): Promise<ReputationService> {
  const fail = (why: string, cause?: unknown) =>
    new SightlineError('SL_PLUGIN_INIT_FAILED', `threat-intel: reputation service "${module}" ${why}`, { plugin: 'threat-intel', ...(cause === undefined ? {} : { cause }) });
  let url: string;
  try {
    if (module.startsWith('.') || isAbsolute(module)) url = pathToFileURL(ctx.resolvePath(module)).href;
    else url = pathToFileURL(createRequire(join(ctx.baseDir, 'pipeline.js')).resolve(module)).href;
  } catch (e) {
    throw fail(`cannot be found from ${ctx.baseDir}: ${describeCause(e)}`, e);
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw fail(`cannot be imported: ${describeCause(e)}`, e);
  }
  const factory = (mod['createReputationService'] ?? mod['default']) as ReputationServiceFactory | undefined;
  if (typeof factory !== 'function') throw fail('exports neither createReputationService(config, ctx) nor a default function');
  let service: ReputationService;
  try {
    service = await factory(config, ctx);
  } catch (e) {
    throw fail(`failed to start: ${describeCause(e)}`, e);
  }
  if (typeof service?.check !== 'function') throw fail('returned something without a check(query, signal) method');
  return name === undefined ? service : Object.assign(Object.create(service) as ReputationService, { name });
}

interface CachedVerdict {
  readonly verdict: ReputationVerdict | undefined;
  readonly until: number;
}

/** A service with its timeout and a cache of verdicts (and of "no verdict") per value. */
export class ServiceClient {
  readonly service: ReputationService;
  readonly #timeoutMs: number;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, CachedVerdict>();
  readonly #maxEntries: number;
  readonly #logger: Logger;
  #lastWarning = 0;
  failures = 0;

  constructor(service: ReputationService, timeoutMs: number, ttlMs: number, maxEntries: number, logger: Logger) {
    this.service = service;
    this.#timeoutMs = timeoutMs;
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
    this.#logger = logger;
  }

  verdict(value: string): ReputationVerdict | undefined {
    return this.#cache.get(value)?.verdict;
  }

  /** Asks the service about the values it has no fresh answer for; on failure the batch goes on without them. */
  async refresh(ips: Set<string>, domains: Set<string>, urls: Set<string>, signal: AbortSignal): Promise<void> {
    const now = Date.now();
    const stale = (s: Set<string>) => [...s].filter((v) => (this.#cache.get(v)?.until ?? 0) <= now);
    const query = { ips: stale(ips), domains: stale(domains), urls: stale(urls) };
    if (query.ips.length + query.domains.length + query.urls.length === 0) return;
    try {
      const answers = await this.service.check(query, AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]));
      if (this.#cache.size > this.#maxEntries) this.#cache.clear();
      const until = Date.now() + this.#ttlMs;
      for (const v of [...query.ips, ...query.domains, ...query.urls]) this.#cache.set(v, { verdict: answers.get(v), until });
    } catch (e) {
      this.failures++;
      if (now - this.#lastWarning > 60_000) {
        this.#lastWarning = now;
        this.#logger.warn(`threat-intel: reputation service "${this.service.name}" failed; events go on without its verdicts: ${describeCause(e)}`, { code: 'SL_CONTEXT_SERVICE_FAILED', failures: this.failures });
      }
    }
  }
}
