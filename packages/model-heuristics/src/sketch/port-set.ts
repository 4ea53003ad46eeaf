/**
 * Distinct ports (0-65535) of one source towards one target: a short list while small, then a 64 Ki-bit map
 * (8 KiB). Exact, and bounded whatever the scan.
 */
export class PortSet {
  #list: number[] | undefined = [];
  #bits: Uint8Array | undefined;
  #count = 0;

  add(port: number): void {
    if (port < 0 || port > 65535) return;
    const list = this.#list;
    if (list !== undefined) {
      if (list.includes(port)) return;
      list.push(port);
      this.#count++;
      if (list.length > 48) {
        this.#bits = new Uint8Array(8192);
        for (const p of list) this.#bits[p >>> 3]! |= 1 << (p & 7);
        this.#list = undefined;
      }
      return;
    }
    const bits = this.#bits!;
    const mask = 1 << (port & 7);
    if ((bits[port >>> 3]! & mask) === 0) {
      bits[port >>> 3] = bits[port >>> 3]! | mask;
      this.#count++;
    }
  }

  get count(): number {
    return this.#count;
  }

  has(port: number): boolean {
    if (this.#list !== undefined) return this.#list.includes(port);
    return (this.#bits![port >>> 3]! & (1 << (port & 7))) !== 0;
  }

  /** The lowest and highest port seen, and up to `n` of them in order (evidence). */
  summary(n: number): { min: number; max: number; sample: number[] } {
    const ports: number[] = [];
    if (this.#list !== undefined) ports.push(...[...this.#list].sort((a, b) => a - b));
    else for (let p = 0; p < 65536; p++) if ((this.#bits![p >>> 3]! & (1 << (p & 7))) !== 0) ports.push(p);
    return { min: ports[0] ?? 0, max: ports[ports.length - 1] ?? 0, sample: ports.slice(0, n) };
  }

  get bytes(): number {
    return this.#list !== undefined ? 48 + this.#list.length * 8 : 8192 + 48;
  }
}
