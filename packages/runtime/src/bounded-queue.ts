/**
 * A FIFO with a capacity between one producer side and one consumer: `push` waits while the queue is full,
 * which is how back-pressure reaches the decoders. `close` ends it; `fail` ends it with an error.
 */
export class BoundedQueue<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  #closed = false;
  #error: unknown;
  #notFull: (() => void)[] = [];
  #notEmpty: (() => void)[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.#items.length;
  }

  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#capacity && !this.#closed) await new Promise<void>((r) => this.#notFull.push(r));
    if (this.#closed) return;
    this.#items.push(item);
    this.#notEmpty.shift()?.();
  }

  close(): void {
    this.#closed = true;
    for (const r of this.#notEmpty.splice(0)) r();
    for (const r of this.#notFull.splice(0)) r();
  }

  fail(error: unknown): void {
    this.#error = error;
    this.close();
  }

  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.#items.length === 0 && !this.#closed) await new Promise<void>((r) => this.#notEmpty.push(r));
      if (this.#items.length === 0) {
        if (this.#error !== undefined) throw this.#error;
        return;
      }
      const item = this.#items.shift()!;
      this.#notFull.shift()?.();
      yield item;
    }
  }
}
