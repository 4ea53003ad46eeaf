/** The collapsed joint log-likelihood log p(w, z | α, β) of a fit, for tests, convergence checks and reports. */
import type { LdaFit } from './types.js';

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * log p(w, z) = Σ_k [ln Γ(Vβ) − V ln Γ(β) + Σ_w ln Γ(n_wk + β) − ln Γ(n_k + Vβ)]
 *             + Σ_d [ln Γ(Kα) − K ln Γ(α) + Σ_k ln Γ(n_dk + α) − ln Γ(n_d + Kα)].
 * Divide by the token count for a per-token figure comparable across corpora.
 */
export function logLikelihood(fit: LdaFit): number {
  const K = fit.params.topics;
  const { alpha, beta } = fit.params;
  const V = fit.numWords;
  const lgBeta = logGamma(beta);
  const lgAlpha = logGamma(alpha);
  let ll = K * (logGamma(V * beta) - V * lgBeta);
  const nwk = fit.wordTopic;
  for (let i = 0; i < nwk.length; i++) {
    const n = nwk[i]!;
    ll += n === 0 ? lgBeta : logGamma(n + beta);
  }
  for (let k = 0; k < K; k++) ll -= logGamma(fit.topicTotal[k]! + V * beta);
  const ndk = fit.docTopic;
  const docPrior = logGamma(K * alpha) - K * lgAlpha;
  for (let d = 0; d < fit.numDocs; d++) {
    let nd = 0;
    ll += docPrior;
    for (let k = 0, i = d * K; k < K; k++, i++) {
      const n = ndk[i]!;
      nd += n;
      ll += n === 0 ? lgAlpha : logGamma(n + alpha);
    }
    ll -= logGamma(nd + K * alpha);
  }
  return ll;
}
