/**
 * The AD-LDA merge and the barrier that precedes it. After a sweep, worker j merges word rows
 * [rowFrom_j, rowTo_j) of every worker's private table into the shared one, so the merge runs in parallel too.
 */

/**
 * merged[i] ← Σ_l local_l[i] − (W − 1)·merged[i] for i in [from, to): the merged counts plus every worker's
 * change. One sequential pass per worker; Uint32 stores wrap mod 2^32, so negative intermediates come out right
 * and the final value is exact.
 */
export function mergeRange(merged: Uint32Array, locals: readonly Uint32Array[], from: number, to: number): void {
  const first = locals[0]!;
  const others = locals.length - 1;
  for (let i = from; i < to; i++) merged[i] = first[i]! - others * merged[i]!;
  for (let l = 1; l < locals.length; l++) {
    const local = locals[l]!;
    for (let i = from; i < to; i++) merged[i] = merged[i]! + local[i]!;
  }
}

/** The same for the topic totals (K doubles). */
export function mergeTotals(merged: Float64Array, locals: readonly Float64Array[]): void {
  for (let k = 0; k < merged.length; k++) {
    const base = merged[k]!;
    let v = base;
    for (const local of locals) v += local[k]! - base;
    merged[k] = v;
  }
}

/** Control words of the barrier: arrivals, generation, abort flag. */
export const BARRIER_ARRIVED = 0;
export const BARRIER_GENERATION = 1;
export const BARRIER_ABORT = 2;

/**
 * Blocks until `parties` threads have called it (Atomics.wait/notify on a shared Int32Array of 3 words). Returns
 * false, without waiting for the others, once the fit has set the abort flag (a worker died).
 */
export function barrierWait(control: Int32Array, parties: number): boolean {
  const generation = Atomics.load(control, BARRIER_GENERATION);
  if (Atomics.add(control, BARRIER_ARRIVED, 1) === parties - 1) {
    Atomics.store(control, BARRIER_ARRIVED, 0);
    Atomics.add(control, BARRIER_GENERATION, 1);
    Atomics.notify(control, BARRIER_GENERATION);
    return Atomics.load(control, BARRIER_ABORT) === 0;
  }
  while (Atomics.load(control, BARRIER_GENERATION) === generation) {
    if (Atomics.load(control, BARRIER_ABORT) !== 0) return false;
    Atomics.wait(control, BARRIER_GENERATION, generation, 200);
  }
  return Atomics.load(control, BARRIER_ABORT) === 0;
}

/** Sets the abort flag and wakes every waiting thread. */
export function barrierAbort(control: Int32Array): void {
  Atomics.store(control, BARRIER_ABORT, 1);
  Atomics.notify(control, BARRIER_GENERATION);
}
