import { fmix32 } from '@sightline/core';

/** FNV-1a over the UTF-16 code units of a string, finished with murmur3's fmix32 so every bit mixes. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h) >>> 0;
}

/** Eight hex digits of a hash (stable short ids). */
export function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
