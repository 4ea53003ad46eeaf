/**
 * Spot-like synthetic corpora for the LDA benchmark (seeded, no files): documents are hosts with a log-normal
 * activity (a few very busy hosts, many quiet ones); each host mixes 1–3 of 20 latent behaviours; a behaviour
 * owns a block of the vocabulary and draws words from a Zipf law over it, plus a shared pool of common words.
 * `tokensPerEvent` 2 gives a flow-like corpus: each event adds a word to its source host and to its destination
 * host. Returns (docIds, wordIds) pairs in event order, as a featurizer would produce them.
 */

/** A small seeded generator (sfc32) for the generator itself. */
export function sfc32(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Cumulative Zipf(s) weights over n ranks. */
function zipfCdf(n, s) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) { sum += 1 / Math.pow(i + 1, s); cdf[i] = sum; }
  for (let i = 0; i < n; i++) cdf[i] /= sum;
  return cdf;
}

function draw(cdf, u) {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * @param {{events: number, docs: number, vocab: number, tokensPerEvent?: 1|2, behaviours?: number, seed?: number}} o
 */
export function generate(o) {
  const { events, docs, vocab } = o;
  const perEvent = o.tokensPerEvent ?? 1;
  const B = o.behaviours ?? 20;
  const rand = sfc32(o.seed ?? 42);
  const shared = Math.floor(vocab * 0.1);
  const block = Math.floor((vocab - shared) / B);
  const wordCdf = zipfCdf(block, 1.0);
  const sharedCdf = zipfCdf(shared, 1.0);
  // Host activity: log-normal weights.
  const weight = new Float64Array(docs);
  let total = 0;
  for (let d = 0; d < docs; d++) {
    const g = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    weight[d] = Math.exp(1.5 * g);
    total += weight[d];
  }
  const hostCdf = new Float64Array(docs);
  let acc = 0;
  for (let d = 0; d < docs; d++) { acc += weight[d] / total; hostCdf[d] = acc; }
  // Each host: 1–3 behaviours with weights.
  const hb = new Uint8Array(docs * 3);
  const hw = new Float64Array(docs * 3);
  for (let d = 0; d < docs; d++) {
    const m = 1 + Math.floor(rand() * 3);
    let s = 0;
    for (let j = 0; j < 3; j++) { hb[d * 3 + j] = Math.floor(rand() * B); hw[d * 3 + j] = j < m ? rand() + 0.2 : 0; s += hw[d * 3 + j]; }
    let c = 0;
    for (let j = 0; j < 3; j++) { c += hw[d * 3 + j] / s; hw[d * 3 + j] = c; }
  }
  const n = events * perEvent;
  const docIds = new Uint32Array(n);
  const wordIds = new Uint32Array(n);
  const wordOf = (d) => {
    if (rand() < 0.15) return draw(sharedCdf, rand());
    const u = rand();
    const j = u < hw[d * 3] ? 0 : u < hw[d * 3 + 1] ? 1 : 2;
    return shared + hb[d * 3 + j] * block + draw(wordCdf, rand());
  };
  for (let e = 0, i = 0; e < events; e++) {
    const d = draw(hostCdf, rand());
    docIds[i] = d; wordIds[i] = wordOf(d); i++;
    if (perEvent === 2) {
      const d2 = draw(hostCdf, rand());
      docIds[i] = d2; wordIds[i] = wordOf(d2); i++;
    }
  }
  return { docIds, wordIds, numDocs: docs, numWords: vocab };
}
