/**
 * Interned strings: each distinct value is stored once and referred to by a small integer (0 = absent). Indexes
 * keep these ids in typed arrays, and a filter is matched once per distinct string instead of once per row.
 */
export class StringPool {
  readonly #ids = new Map<string, number>();
  readonly #values: string[] = [''];
  #lower: string[] | undefined;

  /** The id of a value (0 for undefined or the empty string). */
  intern(value: string | undefined): number {
    if (value === undefined || value === '') return 0;
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.#values.length;
      this.#values.push(value);
      this.#ids.set(value, id);
      this.#lower = undefined;
    }
    return id;
  }

  /** The id of a value if it is in the pool, else undefined. */
  find(value: string): number | undefined {
    return this.#ids.get(value);
  }

  get(id: number): string | undefined {
    return id === 0 ? undefined : this.#values[id];
  }

  get size(): number {
    return this.#values.length;
  }

  /** A mask over ids: 1 where `test` holds for the (lower-cased when `lower`) value. Id 0 is never set. */
  mask(test: (value: string) => boolean, lower = false): Uint8Array {
    const values = lower ? (this.#lower ??= this.#values.map((v) => v.toLowerCase())) : this.#values;
    const out = new Uint8Array(values.length);
    for (let i = 1; i < values.length; i++) if (test(values[i]!)) out[i] = 1;
    return out;
  }
}
