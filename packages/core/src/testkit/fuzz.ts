/** Small seeded PRNG (mulberry32) so fuzz cases are reproducible from their seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rand: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** One random mutation of `input`: bit flips, byte overwrites with edge values, deletions, insertions, splices. */
export function mutate(input: Uint8Array, rand: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(rand() * n);
  if (input.length === 0) return randomBytes(rand, 1 + pick(64));
  const bytes = Uint8Array.from(input);
  switch (pick(6)) {
    case 0: {
      for (let i = 0, n = 1 + pick(8); i < n; i++) {
        const at = pick(bytes.length);
        bytes[at] = bytes[at]! ^ (1 << pick(8));
      }
      return bytes;
    }
    case 1: {
      const edges = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];
      for (let i = 0, n = 1 + pick(4); i < n; i++) bytes[pick(bytes.length)] = edges[pick(edges.length)]!;
      return bytes;
    }
    case 2: {
      const at = pick(bytes.length);
      const len = 1 + pick(Math.min(64, bytes.length - at));
      return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + len)]);
    }
    case 3: {
      const at = pick(bytes.length);
      return Uint8Array.from([...bytes.subarray(0, at), ...randomBytes(rand, 1 + pick(32)), ...bytes.subarray(at)]);
    }
    case 4: {
      const a = pick(bytes.length);
      const b = a + pick(bytes.length - a);
      return Uint8Array.from([...bytes, ...bytes.subarray(a, b)]);
    }
    default:
      return bytes.subarray(0, pick(bytes.length));
  }
}

/** Splits bytes into chunks of random sizes (1..max), to test that a stream decoder does not depend on where reads end. */
export function randomChunks(bytes: Uint8Array, rand: () => number, max = 97): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    const n = Math.min(bytes.length - i, 1 + Math.floor(rand() * max));
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}
