/**
 * The collapsed Gibbs kernel, shared by the calling thread and the AD-LDA workers: SparseLDA's decomposition
 * (Yao, Mimno, McCallum, KDD 2009) on a dense word-major table plus per-word lists of non-zero topics.
 *
 * The full conditional of a token of word w in document d is p(k) ∝ (n_dk + α)(n_wk + β) / (n_k + Vβ). With the
 * per-document coefficient c_k = (n_dk + α) / (n_k + Vβ) — kept up to date as counts change, two divisions per
 * token — it splits into a word bucket q = Σ_{k: n_wk > 0} c_k n_wk, summed over the word's non-zero topics only
 * (≈ 2–3 per token on Spot-like corpora once the topics form, against K = 20), and a smoothing bucket
 * β Σ_k c_k, whose sum is kept incrementally and which is scanned (O(K)) only for the small share of draws that
 * land in it. SparseLDA's separate s and r buckets are merged into the second one: at K ≈ 20 one O(K) scan is
 * cheaper than maintaining the document's non-zero list.
 */

/** The arrays one sweep reads and writes. `wordTopic`/`topicTotal` may be a worker's private copy. */
export interface KernelState {
  readonly topics: number;
  readonly alpha: number;
  readonly beta: number;
  /** V · β. */
  readonly betaSum: number;
  readonly docStart: Uint32Array;
  readonly tokens: Uint32Array;
  readonly assignments: Uint8Array;
  readonly docTopic: Uint32Array;
  readonly wordTopic: Uint32Array;
  readonly topicTotal: Float64Array;
  /** For word w, its topics with n_wk > 0 are nonZeroTopics[w·K .. w·K + nonZeroCount[w]), in no order. */
  readonly nonZeroTopics: Uint8Array;
  readonly nonZeroCount: Uint8Array;
}

/** Rebuilds the per-word non-zero topic lists from `wordTopic` (after initialisation or a merge). */
export function buildNonZeroLists(wordTopic: Uint32Array, topics: number, nonZeroTopics: Uint8Array, nonZeroCount: Uint8Array): void {
  const K = topics;
  const V = nonZeroCount.length;
  for (let w = 0, wb = 0; w < V; w++, wb += K) {
    let n = 0;
    for (let k = 0; k < K; k++) if (wordTopic[wb + k] !== 0) nonZeroTopics[wb + n++] = k;
    nonZeroCount[w] = n;
  }
}

/**
 * Copies `source` into `wordTopic` and rebuilds the non-zero lists in the same pass (a worker's start of sweep:
 * one read of the merged table instead of two).
 */
export function copyWithNonZeroLists(source: Uint32Array, wordTopic: Uint32Array, topics: number, nonZeroTopics: Uint8Array, nonZeroCount: Uint8Array): void {
  const K = topics;
  const V = nonZeroCount.length;
  for (let w = 0, wb = 0; w < V; w++, wb += K) {
    let n = 0;
    for (let k = 0; k < K; k++) {
      const c = source[wb + k]!;
      wordTopic[wb + k] = c;
      if (c !== 0) nonZeroTopics[wb + n++] = k;
    }
    nonZeroCount[w] = n;
  }
}

/**
 * One Gibbs sweep over documents [docFrom, docTo): every token is removed, resampled and added back. `rng` holds
 * the xoshiro128** state (advanced in place); `scratch` has at least 2K doubles. The non-zero lists must match
 * `wordTopic` on entry; they still do on exit.
 */
export function sweepDocs(state: KernelState, docFrom: number, docTo: number, rng: Uint32Array, scratch: Float64Array): void {
  const K = state.topics | 0;
  const alpha = state.alpha;
  const beta = state.beta;
  const betaSum = state.betaSum;
  const docStart = state.docStart;
  const tokens = state.tokens;
  const z = state.assignments;
  const ndk = state.docTopic;
  const nwk = state.wordTopic;
  const nk = state.topicTotal;
  const lists = state.nonZeroTopics;
  const counts = state.nonZeroCount;
  const coef = scratch.subarray(0, K);
  const cum = scratch.subarray(K, 2 * K);
  const last = K - 1;
  const denseAbove = (K >>> 1) + (K >>> 2);
  let s0 = rng[0]! | 0;
  let s1 = rng[1]! | 0;
  let s2 = rng[2]! | 0;
  let s3 = rng[3]! | 0;
  for (let d = docFrom; d < docTo; d++) {
    const start = docStart[d]!;
    const end = docStart[d + 1]!;
    if (start === end) continue;
    const db = d * K;
    // Σ_k c_k, recomputed exactly per document so rounding cannot drift across the corpus.
    let coefSum = 0;
    for (let k = 0; k < K; k++) {
      const c = (ndk[db + k]! + alpha) / (nk[k]! + betaSum);
      coef[k] = c;
      coefSum += c;
    }
    for (let i = start; i < end; i++) {
      const w = tokens[i]!;
      const wb = w * K;
      let t = z[i]!;
      // Remove the token.
      const nd = --ndk[db + t]!;
      const nt = --nk[t]!;
      let c = (nd + alpha) / (nt + betaSum);
      coefSum += c - coef[t]!;
      coef[t] = c;
      let n = counts[w]!;
      if (--nwk[wb + t]! === 0) {
        let j = 0;
        while (lists[wb + j] !== t) j++;
        n--;
        lists[wb + j] = lists[wb + n]!;
        counts[w] = n;
      }
      // xoshiro128**, inline.
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9);
      const sh = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= sh;
      s3 = (s3 << 11) | (s3 >>> 21);
      const uniform = (r >>> 0) * 2.3283064365386963e-10;
      if (n > denseAbove) {
        // A word spread over most topics (early sweeps, very common words): one dense pass is cheaper.
        let sum = 0;
        for (let k = 0; k < K; k++) {
          sum += coef[k]! * (nwk[wb + k]! + beta);
          cum[k] = sum;
        }
        const u = uniform * sum;
        t = 0;
        while (t < last && cum[t]! <= u) t++;
      } else {
        // Word bucket over the word's non-zero topics.
        let q = 0;
        for (let j = 0; j < n; j++) {
          const k = lists[wb + j]!;
          q += coef[k]! * nwk[wb + k]!;
          cum[j] = q;
        }
        let u = uniform * (q + beta * coefSum);
        if (u < q) {
          let j = 0;
          while (j < n - 1 && cum[j]! <= u) j++;
          t = lists[wb + j]!;
        } else {
          u = (u - q) / beta;
          t = 0;
          while (t < last) {
            u -= coef[t]!;
            if (u < 0) break;
            t++;
          }
        }
      }
      // Add it back under its new topic.
      z[i] = t;
      const nd2 = ++ndk[db + t]!;
      const nt2 = ++nk[t]!;
      if (nwk[wb + t]!++ === 0) {
        lists[wb + n] = t;
        counts[w] = n + 1;
      }
      c = (nd2 + alpha) / (nt2 + betaSum);
      coefSum += c - coef[t]!;
      coef[t] = c;
    }
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}
