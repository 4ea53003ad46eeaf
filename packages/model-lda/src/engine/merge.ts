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

/**
 * Control words shared by the fit and its workers: the barrier's arrivals and generation, the abort flag, the
 * number of sweeps the fit has released, and the number of worker-sweeps finished.
 */
export const BARRIER_ARRIVED = 0;
export const BARRIER_GENERATION = 1;
export const BARRIER_ABORT = 2;
export const SWEEPS_RELEASED = 3;
export const SWEEPS_DONE = 4;
export const CONTROL_WORDS = 5;

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
  for (let i = 0; i < CONTROL_WORDS; i++) Atomics.notify(control, i);
}

/** Blocks (a worker) until the fit has released sweep `sweep`; false once the fit has aborted. */
export function waitForRelease(control: Int32Array, sweep: number): boolean {
  for (;;) {
    if (Atomics.load(control, BARRIER_ABORT) !== 0) return false;
    const released = Atomics.load(control, SWEEPS_RELEASED);
    if (released >= sweep) return true;
    Atomics.wait(control, SWEEPS_RELEASED, released, 200);
  }
}

/** Releases sweep `sweep` to the workers. */
export function release(control: Int32Array, sweep: number): void {
  Atomics.store(control, SWEEPS_RELEASED, sweep);
  Atomics.notify(control, SWEEPS_RELEASED);
}

/** Counts one worker's finished sweep and wakes the fit. */
export function finished(control: Int32Array): void {
  Atomics.add(control, SWEEPS_DONE, 1);
  Atomics.notify(control, SWEEPS_DONE);
}

type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: Promise<string> | string };

/** Resolves (without blocking the calling thread) once `target` worker-sweeps are done or the fit aborted. */
export async function doneAtLeast(control: Int32Array, target: number): Promise<void> {
  const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  for (;;) {
    const done = Atomics.load(control, SWEEPS_DONE);
    if (done >= target || Atomics.load(control, BARRIER_ABORT) !== 0) return;
    const wait = waitAsync(control, SWEEPS_DONE, done, 1000);
    if (wait.async) await wait.value;
  }
}
