/// <reference path="./types/popular-english-words.d.ts" />
import { readFile, stat } from 'node:fs/promises';
import { SightlineError, describeCause } from '@sightline/core';
import type { Knowledge } from './analyser.js';
import type { HeuristicsConfig } from './config.schema.js';
import { DomainSplitter, parseTopDomains } from './features/domains.js';
import { NgramModel, type NgramSource } from './features/ngram.js';

/** Where the n-gram model and the popular list came from (kept in each state). */
export interface KnowledgeInfo {
  readonly top_domains: { readonly path: string; readonly domains: number; readonly bad_lines: number } | undefined;
  readonly ngram: { readonly corpus: string; readonly labels: number; readonly fingerprint: string; readonly percentile: number } | undefined;
}

const cache = new Map<string, Promise<{ knowledge: Knowledge; info: KnowledgeInfo }>>();

/**
 * Loads the popular-domains list (when configured) and trains the n-gram model of normal names on it and on
 * the built-in fallback (the most common English words, from the `popular-english-words` package). Built once
 * per process for the same inputs: several pipeline steps and tests share it.
 */
export function loadKnowledge(config: HeuristicsConfig, resolvePath: (p: string) => string, plugin: string): Promise<{ knowledge: Knowledge; info: KnowledgeInfo }> {
  const path = config.top_domains.path === undefined ? undefined : resolvePath(config.top_domains.path);
  const dga = config.detectors.dga;
  return (async () => {
    const mtime = path === undefined ? 0 : await stat(path).then((s) => s.mtimeMs, () => -1);
    const key = JSON.stringify([path, mtime, config.top_domains.max_rank, config.top_domains.builtin_words, dga.enabled || config.detectors.dns_tunnel.enabled, dga.percentile]);
    let loading = cache.get(key);
    if (loading === undefined) {
      loading = build(config, path, plugin);
      cache.set(key, loading);
      loading.catch(() => cache.delete(key));
    }
    return loading;
  })();
}

async function build(config: HeuristicsConfig, path: string | undefined, plugin: string): Promise<{ knowledge: Knowledge; info: KnowledgeInfo }> {
  const listed = new Set<string>();
  const sources: NgramSource[] = [];
  let top: KnowledgeInfo['top_domains'];
  if (path !== undefined) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new SightlineError('SL_HEURISTICS_TOP_DOMAINS_UNREADABLE', `top-domains list ${path} cannot be read: ${describeCause(e)}`, { stage: 'plugin', plugin });
    }
    const { domains, bad } = parseTopDomains(text, config.top_domains.max_rank);
    if (domains.length === 0) throw new SightlineError('SL_HEURISTICS_TOP_DOMAINS_UNREADABLE', `top-domains list ${path} has no \`rank,domain\` lines (${bad} lines could not be read)`, { stage: 'plugin', plugin });
    const splitter = new DomainSplitter(1 << 20);
    const labels: string[] = [];
    for (const d of domains) {
      const p = splitter.split(d);
      const reg = p.registrable ?? d;
      listed.add(reg);
      if (p.label !== '') labels.push(p.label);
    }
    top = { path, domains: domains.length, bad_lines: bad };
    sources.push({ description: `${labels.length} labels of ${path}`, labels, weight: 3 });
  }
  const dga = config.detectors.dga;
  let ngram: NgramModel | undefined;
  if (dga.enabled || config.detectors.dns_tunnel.enabled) {
    const n = config.top_domains.builtin_words;
    if (n > 0) {
      const picked = await builtinWords(n);
      sources.push({ description: `${picked.length} most common English words (popular-english-words)`, labels: picked, weight: 1 });
    }
    if (sources.length === 0 && dga.enabled) throw new SightlineError('SL_HEURISTICS_NO_NGRAM_CORPUS', 'the DGA detector has no normal names to learn from: give top_domains.path or keep top_domains.builtin_words above 0', { stage: 'plugin', plugin });
    if (sources.length > 0) ngram = new NgramModel(sources, dga.percentile);
  }
  return {
    knowledge: { ngram, listed },
    info: { top_domains: top, ngram: ngram === undefined ? undefined : { corpus: ngram.description, labels: ngram.labels, fingerprint: ngram.fingerprint, percentile: ngram.percentile } },
  };
}

/** The built-in fallback corpus: the `n` most common English words (Wikipedia, `popular-english-words`), letters only. */
export async function builtinWords(n: number): Promise<string[]> {
  const { words } = await import('popular-english-words/words.js');
  return words.slice(0, n).filter((w: string) => /^[a-z]{2,}$/.test(w));
}
