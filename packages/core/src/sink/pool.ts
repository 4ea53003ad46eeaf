/**
 * Runs `work` over `items` with at most `limit` running at once (sinks sending chunks in parallel requests).
 * Items start in order; the first rejection rejects the whole run.
 */
export async function runPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
