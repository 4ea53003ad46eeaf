/**
 * Keeps the N most suspicious items seen, in O(log N) per offer and O(N) memory, whatever the window's size.
 * `asc`: lower values are more suspicious (Spot's probabilities); `desc`: higher are. Ties go to the item
 * offered first, so rankings are deterministic.
 */
export class TopN<T> {
  readonly #n: number;
  readonly #asc: boolean;
  readonly #heap: { value: number; seq: number; item: T }[] = [];
  #seq = 0;

  constructor(n: number, order: 'asc' | 'desc') {
    this.#n = n;
    this.#asc = order === 'asc';
  }

  /** True when a is more suspicious than b. */
  #better(a: { value: number; seq: number }, b: { value: number; seq: number }): boolean {
    if (a.value !== b.value) return this.#asc ? a.value < b.value : a.value > b.value;
    return a.seq < b.seq;
  }

  offer(value: number, item: T): void {
    const entry = { value, seq: this.#seq++, item };
    const h = this.#heap;
    if (this.#n === 0) return;
    if (h.length < this.#n) {
      h.push(entry);
      this.#up(h.length - 1);
    } else if (this.#better(entry, h[0]!)) {
      h[0] = entry;
      this.#down(0);
    }
  }

  // The root is the least suspicious kept item (the first to evict).
  #up(i: number): void {
    const h = this.#heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#better(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  #down(i: number): void {
    const h = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && this.#better(h[worst]!, h[l]!)) worst = l;
      if (r < h.length && this.#better(h[worst]!, h[r]!)) worst = r;
      if (worst === i) return;
      [h[worst], h[i]] = [h[i]!, h[worst]!];
      i = worst;
    }
  }

  get size(): number {
    return this.#heap.length;
  }

  /** The kept items, most suspicious first. */
  sorted(): { value: number; item: T }[] {
    return [...this.#heap].sort((a, b) => (this.#better(a, b) ? -1 : this.#better(b, a) ? 1 : 0)).map(({ value, item }) => ({ value, item }));
  }
}
