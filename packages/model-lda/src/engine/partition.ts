/** Contiguous document ranges of about equal token counts, one per worker. */

/**
 * Boundaries b_0 = 0 ≤ b_1 ≤ … ≤ b_parts = numDocs such that worker j samples documents [b_j, b_{j+1}) and each
 * range holds about tokens / parts tokens (a range ends at the first document boundary at or past its share).
 */
export function partitionByTokens(docStart: Uint32Array, parts: number): Uint32Array {
  const numDocs = docStart.length - 1;
  const total = docStart[numDocs]!;
  const bounds = new Uint32Array(parts + 1);
  bounds[parts] = numDocs;
  for (let j = 1; j < parts; j++) {
    const target = Math.round((total * j) / parts);
    let lo = bounds[j - 1]!;
    let hi = numDocs;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (docStart[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    bounds[j] = lo;
  }
  return bounds;
}
