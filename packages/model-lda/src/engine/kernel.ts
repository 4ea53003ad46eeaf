/**
 * The collapsed Gibbs kernel, shared by the calling thread and the AD-LDA workers.
 *
 * The full conditional of a token of word w in document d is p(k) ∝ (n_dk + α)(n_wk + β) / (n_k + Vβ). With the
 * per-document coefficient c_k = (n_dk + α) / (n_k + Vβ), kept up to date as counts change (two divisions per
 * token), it is c_k · (n_wk + β): one multiply-add per topic over the word's contiguous row of the word-major
 * table, no division in the loop. SparseLDA's insight (Yao, Mimno, McCallum 2009) — cache per document the
 * factors that do not depend on the word — is what c_k is.
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
}

/**
 * One Gibbs sweep over documents [docFrom, docTo): every token is removed, resampled and added back. `rng` holds
 * the xoshiro128** state (advanced in place); `scratch` has at least 2K doubles.
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
  const coef = scratch.subarray(0, K);
  const cum = scratch.subarray(K, 2 * K);
  const last = K - 1;
  let s0 = rng[0]! | 0;
  let s1 = rng[1]! | 0;
  let s2 = rng[2]! | 0;
  let s3 = rng[3]! | 0;
  for (let d = docFrom; d < docTo; d++) {
    const start = docStart[d]!;
    const end = docStart[d + 1]!;
    if (start === end) continue;
    const db = d * K;
    for (let k = 0; k < K; k++) coef[k] = (ndk[db + k]! + alpha) / (nk[k]! + betaSum);
    for (let i = start; i < end; i++) {
      const wb = tokens[i]! * K;
      let t = z[i]!;
      const nd = --ndk[db + t]!;
      nwk[wb + t]!--;
      const nt = --nk[t]!;
      coef[t] = (nd + alpha) / (nt + betaSum);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        sum += coef[k]! * (nwk[wb + k]! + beta);
        cum[k] = sum;
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
      const u = (r >>> 0) * 2.3283064365386963e-10 * sum;
      t = 0;
      while (t < last && cum[t]! <= u) t++;
      z[i] = t;
      const nd2 = ++ndk[db + t]!;
      nwk[wb + t]!++;
      const nt2 = ++nk[t]!;
      coef[t] = (nd2 + alpha) / (nt2 + betaSum);
    }
  }
  rng[0] = s0;
  rng[1] = s1;
  rng[2] = s2;
  rng[3] = s3;
}
