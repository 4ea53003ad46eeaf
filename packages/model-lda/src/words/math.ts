/**
 * Spot's binning helpers (`spot-ml/.../utilities/MathUtils.scala`, `Entropy.scala`; apache-spot.md §1.4), on
 * integers where Spot used floating-point logarithms. For every count below 2^48 the integer forms give the same
 * bin as Spot's `log10(x) / log10(2)` (checked at every power of two and its neighbours); above that Spot's
 * doubles start to round, and a flow of 256 TB is not a case worth reproducing.
 */

/** Spot's `ceilLog2(x + 1)`: the bit length of a non-negative integer (0→0, 1→1, 2–3→2, 4–7→3 …). */
export function bitlen(x: number): number {
  if (x < 4294967296) return x <= 0 ? 0 : 32 - Math.clz32(x);
  return 32 + bitlen(Math.floor(x / 4294967296));
}

/** Spot's `logBaseXInt(x, 2)`: 0 for 0, otherwise ⌊log₂ x⌋ (1→0, 2–3→1, 4–7→2 …). */
export function flog2(x: number): number {
  if (x < 1) return 0;
  if (x < 4294967296) return 31 - Math.clz32(x);
  return 32 + flog2(Math.floor(x / 4294967296));
}

/**
 * Spot's entropy cuts (`ProxySuspiciousConnectsModel.EntropyCuts`, also used for DNS): 0.0 to 5.4 in steps of
 * 0.3, then +∞. The literals, not `0.3 * i`, so that values on a cut land in the same bin as in Spot.
 */
export const ENTROPY_CUTS: readonly number[] = Object.freeze([
  0.0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4, 2.7, 3.0, 3.3, 3.6, 3.9, 4.2, 4.5, 4.8, 5.1, 5.4, Number.POSITIVE_INFINITY,
]);

/** Spot's `bin(e, EntropyCuts)`: the index of the first cut ≥ e (0..19). */
export function entropyBin(e: number): number {
  // Entropies are ≥ 0; a NaN (which Spot would bin as -1) cannot come out of `entropy`.
  if (e <= 0) return 0;
  const i = Math.ceil(e / 0.3) - 1;
  // Start one below the estimate and walk: floating division can be off by one at a cut.
  let k = i < 1 ? 1 : i > 19 ? 19 : i;
  while (k > 0 && e <= ENTROPY_CUTS[k - 1]!) k--;
  while (e > ENTROPY_CUTS[k]!) k++;
  return k;
}

const LOG10_2 = Math.log10(2);
/** Character counts, indexed by UTF-16 code unit (Scala strings group by `Char`, which is one code unit too). */
const counts = new Int32Array(65536);
/** term(count, length) for short strings, filled on first use: most names and URIs are shorter than 256. */
const TERM_MAX = 256;
const terms = new Float64Array(TERM_MAX * TERM_MAX);

/**
 * Spot's `Entropy.stringEntropy`: Shannon entropy in bits of the distribution of the characters of `s`
 * (0 for ""), each term computed as Spot did, `-p * log10(p) / log10(2)` with `p = count / length`, so that
 * entropies lying on a cut bin as in Spot. `from`/`to` select a range of `s` without slicing it.
 * Allocation-free: one shared count table, cleared as it is read.
 */
export function entropy(s: string, from = 0, to = s.length): number {
  const n = to - from;
  if (n <= 0) return 0;
  for (let i = from; i < to; i++) counts[s.charCodeAt(i)]!++;
  let h = 0;
  const short = n < TERM_MAX;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const k = counts[c]!;
    if (k === 0) continue;
    counts[c] = 0;
    if (short) {
      const at = n * TERM_MAX + k;
      let t = terms[at]!;
      if (t === 0) {
        t = term(k, n);
        terms[at] = t;
      }
      h += t;
    } else h += term(k, n);
  }
  return h;
}

function term(k: number, n: number): number {
  const p = k / n;
  // p = 1 gives -0; 0 is fine for the sum, but the table uses 0 for "not computed yet", so the one
  // string of a single repeated character is simply recomputed.
  return (-p * Math.log10(p)) / LOG10_2;
}
