const counts = new Uint32Array(65536);

/**
 * Shannon entropy in bits of the characters of `s` (0 for ""), as Spot's `Entropy.stringEntropy`:
 * -Σ p·log2 p over the character frequencies.
 */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) counts[s.charCodeAt(i)]!++;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = counts[c]!;
    if (k === 0) continue; // already counted
    const p = k / n;
    h -= p * Math.log2(p);
    counts[c] = 0;
  }
  return h;
}
