/**
 * A min-heap of things to write, ordered by time (ties by arrival, so output is deterministic). Generators push in
 * roughly time order; writers pop everything due before a point in time.
 */
export class Timeline<T> {
  readonly #times: number[] = [];
  readonly #seqs: number[] = [];
  readonly #items: T[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  push(time: number, item: T): void {
    this.#times.push(time);
    this.#seqs.push(this.#seq++);
    this.#items.push(item);
    this.#up(this.#items.length - 1);
  }

  /** Time of the earliest item, or Infinity. */
  peekTime(): number {
    return this.#times[0] ?? Infinity;
  }

  pop(): { time: number; item: T } | undefined {
    if (this.#items.length === 0) return undefined;
    const time = this.#times[0]!;
    const item = this.#items[0]!;
    const lastT = this.#times.pop()!;
    const lastS = this.#seqs.pop()!;
    const lastI = this.#items.pop()!;
    if (this.#items.length > 0) {
      this.#times[0] = lastT;
      this.#seqs[0] = lastS;
      this.#items[0] = lastI;
      this.#down(0);
    }
    return { time, item };
  }

  #less(a: number, b: number): boolean {
    const ta = this.#times[a]!;
    const tb = this.#times[b]!;
    return ta < tb || (ta === tb && this.#seqs[a]! < this.#seqs[b]!);
  }

  #swap(a: number, b: number): void {
    [this.#times[a], this.#times[b]] = [this.#times[b]!, this.#times[a]!];
    [this.#seqs[a], this.#seqs[b]] = [this.#seqs[b]!, this.#seqs[a]!];
    [this.#items[a], this.#items[b]] = [this.#items[b]!, this.#items[a]!];
  }

  #up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(i, p)) return;
      this.#swap(i, p);
      i = p;
    }
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
