/**
 * The sampler's pseudo-random generator: xoshiro128** on four 32-bit words, seeded through splitmix32 from
 * (seed, stream). Hot loops copy the four words into locals and step them inline; this module is the one place
 * that defines the recurrence, for everything that is not a hot loop and for the tests.
 */

/** Four words of xoshiro128** state for (seed, stream); never all zero. */
export function seedState(seed: number, stream: number): Uint32Array {
  const state = new Uint32Array(4);
  let x = (Math.imul(seed >>> 0, 0x9e3779b9) ^ Math.imul((stream >>> 0) + 1, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return state;
}

/** A uniform double in [0, 1) from the state, which it advances (xoshiro128**, 32 bits of the output). */
export function nextUniform(state: Uint32Array): number {
  const s0 = state[0]!;
  const s1 = state[1]!;
  let s2 = state[2]!;
  let s3 = state[3]!;
  const m = Math.imul(s1, 5);
  const r = Math.imul((m << 7) | (m >>> 25), 9);
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  state[1] = s1 ^ s2;
  state[0] = s0 ^ s3;
  state[2] = s2 ^ t;
  state[3] = (s3 << 11) | (s3 >>> 21);
  return (r >>> 0) * 2.3283064365386963e-10;
}
