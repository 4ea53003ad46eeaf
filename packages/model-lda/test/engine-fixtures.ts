/** Corpora for the engine tests: hand-written ones and a seeded planted-topics generator. */
import { buildCorpus, type Corpus } from '../src/engine/index.js';

/** A corpus from an array of documents, each an array of word ids. */
export function corpusOf(docs: readonly (readonly number[])[], numWords?: number): Corpus {
  const docIds: number[] = [];
  const wordIds: number[] = [];
  docs.forEach((doc, d) => {
    for (const w of doc) {
      docIds.push(d);
      wordIds.push(w);
    }
  });
  const V = numWords ?? Math.max(0, ...wordIds) + 1;
  return buildCorpus(Uint32Array.from(docIds), Uint32Array.from(wordIds), docs.length, V);
}

/** mulberry32: the generator of the synthetic corpora (independent of the engine's own). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A corpus drawn from known parameters, and the parameters. */
export interface Planted {
  readonly corpus: Corpus;
  readonly topics: number;
  /** True φ, topic-major (K × V). */
  readonly phi: Float64Array;
  /** True θ, doc-major (D × K). */
  readonly theta: Float64Array;
}

/**
 * LDA's generative story with known parameters: K topics, each uniform over its own block of `wordsPerTopic`
 * words (disjoint blocks); every document mixes `topicsPerDoc` distinct topics with random weights and has
 * `docLength` tokens.
 */
export function plantedCorpus(o: { topics: number; wordsPerTopic: number; docs: number; docLength: number; topicsPerDoc: number; seed: number }): Planted {
  const { topics: K, wordsPerTopic, docs, docLength, topicsPerDoc, seed } = o;
  const rand = mulberry32(seed);
  const V = K * wordsPerTopic;
  const phi = new Float64Array(K * V);
  for (let k = 0; k < K; k++) for (let j = 0; j < wordsPerTopic; j++) phi[k * V + k * wordsPerTopic + j] = 1 / wordsPerTopic;
  const theta = new Float64Array(docs * K);
  const docIds = new Uint32Array(docs * docLength);
  const wordIds = new Uint32Array(docs * docLength);
  for (let d = 0, i = 0; d < docs; d++) {
    const chosen = new Set<number>();
    while (chosen.size < topicsPerDoc) chosen.add(Math.floor(rand() * K));
    let sum = 0;
    for (const k of chosen) {
      const w = 0.2 + rand();
      theta[d * K + k] = w;
      sum += w;
    }
    for (let k = 0; k < K; k++) theta[d * K + k]! /= sum;
    for (let n = 0; n < docLength; n++, i++) {
      let u = rand();
      let k = 0;
      while (k < K - 1 && u >= theta[d * K + k]!) u -= theta[d * K + k++]!;
      docIds[i] = d;
      wordIds[i] = k * wordsPerTopic + Math.floor(rand() * wordsPerTopic);
    }
  }
  return { corpus: buildCorpus(docIds, wordIds, docs, V), topics: K, phi, theta };
}

/**
 * Matches fitted topics to planted ones (greedy on total-variation distance between φ rows, best pair first)
 * and returns, per planted topic, the fitted topic and the distance. `fittedPhi` is word-major (V × K).
 */
export function matchTopics(planted: Planted, fittedPhi: Float32Array): { fittedOf: number[]; distance: number[] } {
  const K = planted.topics;
  const V = planted.corpus.numWords;
  const pairs: [number, number, number][] = [];
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      let tv = 0;
      for (let w = 0; w < V; w++) tv += Math.abs(planted.phi[a * V + w]! - fittedPhi[w * K + b]!);
      pairs.push([tv / 2, a, b]);
    }
  }
  pairs.sort((x, y) => x[0] - y[0]);
  const fittedOf = new Array<number>(K).fill(-1);
  const distance = new Array<number>(K).fill(1);
  const taken = new Set<number>();
  for (const [tv, a, b] of pairs) {
    if (fittedOf[a] !== -1 || taken.has(b)) continue;
    fittedOf[a] = b;
    distance[a] = tv;
    taken.add(b);
  }
  return { fittedOf, distance };
}
