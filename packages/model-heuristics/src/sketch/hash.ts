/** FNV-1a over the UTF-16 code units of a string, finished with murmur3's fmix32 so every bit mixes. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Eight hex digits of a hash (stable short ids). */
export function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
