type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
type TypedArrayCtor<T extends TypedArray> = { new (length: number): T };

/** A typed array that grows as values are pushed (doubling), then is cut to size. */
export class Column<T extends TypedArray> {
  readonly #ctor: TypedArrayCtor<T>;
  #data: T;
  #length = 0;

  constructor(ctor: TypedArrayCtor<T>, capacity = 1024) {
    this.#ctor = ctor;
    this.#data = new ctor(capacity);
  }

  push(v: number): void {
    if (this.#length === this.#data.length) {
      const next = new this.#ctor(this.#data.length * 2);
      next.set(this.#data as never);
      this.#data = next;
    }
    this.#data[this.#length++] = v;
  }

  /** The values, in an array of exactly their number. */
  done(): T {
    return this.#data.slice(0, this.#length) as T;
  }
}

export class FloatColumn extends Column<Float64Array> {
  constructor() {
    super(Float64Array);
  }
}
