/** The timing of a series of connections, judged as a beacon. */
export interface Periodicity {
  /** Estimated period, ms. */
  readonly period: number;
  /** Beats after merging those less than a second apart. */
  readonly beats: number;
  readonly intervals: number;
  /** Intervals that are a whole number of periods (within tolerance). */
  readonly fitted: number;
  /** fitted / intervals. */
  readonly regularity: number;
  /** Median distance of fitted intervals from their whole number of periods, as a share of the period. */
  readonly jitter: number;
  /** Beats missing inside fitted intervals (an interval of 3 periods misses 2). */
  readonly missed: number;
  /** Share of intervals spanning more than one period. */
  readonly gapShare: number;
  readonly span: number;
  readonly first: number;
  readonly last: number;
}

/** Longest gap (in periods) that still counts as missed beats rather than a pause. */
const MAX_K = 5;
/** How far an interval of k periods may drift: tolerance × √k, at most 1.5 × tolerance (else long gaps fit anything). */
const slack = (tolerance: number, k: number): number => tolerance * Math.min(Math.sqrt(k), 1.5);

function median(xs: Float64Array | number[], n = xs.length): number {
  const s = Array.from(xs.slice(0, n)).sort((a, b) => a - b);
  return n === 0 ? 0 : n % 2 === 1 ? s[(n - 1) >> 1]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * Looks for a period in connection start times, robust to jitter (each interval may be off by `tolerance`
 * of a period, a little more for longer gaps) and to missed beats (an interval of k ≤ 5 periods fits with
 * k - 1 missed; longer silences are pauses and do not fit).
 * Candidate periods are the median interval and its half and third (when beats were missed more often than
 * not, the median is a multiple); the one explaining most intervals with fewest missed beats wins.
 */
export function analysePeriod(times: Float64Array, n: number, tolerance: number, minPeriod: number, maxPeriod: number): Periodicity | undefined {
  if (n < 4) return undefined;
  const sorted = times.slice(0, n).sort();
  const beats: number[] = [sorted[0]!];
  for (let i = 1; i < n; i++) if (sorted[i]! - beats[beats.length - 1]! >= 1000) beats.push(sorted[i]!);
  if (beats.length < 4) return undefined;
  const d = new Float64Array(beats.length - 1);
  for (let i = 1; i < beats.length; i++) d[i - 1] = beats[i]! - beats[i - 1]!;
  const m = median(d);
  let best: { p: number; fitted: number; missed: number; gaps: number; merit: number } | undefined;
  for (const p of [m, m / 2, m / 3]) {
    if (p < minPeriod || p > maxPeriod) continue;
    let fitted = 0;
    let missed = 0;
    let gaps = 0;
    for (const x of d) {
      const k = Math.round(x / p);
      if (k < 1 || k > MAX_K) continue;
      if (Math.abs(x - k * p) <= slack(tolerance, k) * p) {
        fitted++;
        missed += k - 1;
        if (k > 1) gaps++;
      }
    }
    const merit = fitted / d.length - 0.5 * (missed / Math.max(1, fitted + missed));
    if (best === undefined || merit > best.merit + 1e-9) best = { p, fitted, missed, gaps, merit };
  }
  if (best === undefined) return undefined;
  // Refine the period on the fitted intervals, then measure the jitter around it.
  const per: number[] = [];
  for (const x of d) {
    const k = Math.round(x / best.p);
    if (k >= 1 && k <= MAX_K && Math.abs(x - k * best.p) <= slack(tolerance, k) * best.p) per.push(x / k);
  }
  const period = median(per);
  const dev = per.map((x) => Math.abs(x - period) / period);
  return {
    period,
    beats: beats.length,
    intervals: d.length,
    fitted: best.fitted,
    regularity: best.fitted / d.length,
    jitter: median(dev),
    missed: best.missed,
    gapShare: best.gaps / d.length,
    span: beats[beats.length - 1]! - beats[0]!,
    first: beats[0]!,
    last: beats[beats.length - 1]!,
  };
}
