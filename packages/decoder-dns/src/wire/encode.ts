/**
 * Builds DNS messages on the wire, for the project's own fixtures, benchmarks and simulators: header flags,
 * questions, records with typed or raw RDATA, EDNS(0) options, and name compression. Writes what it is told,
 * including malformed things when asked (raw RDATA, raw names), so tests can feed the decoder bad input on purpose.
 */

export interface EncodeQuestion {
  readonly name: string;
  readonly type: number;
  readonly class?: number;
}

/** RDATA: raw bytes, or a name (written compressed when the message compresses and the type allows it). */
export type EncodeRdata = Uint8Array | { readonly name: string; readonly prefix?: Uint8Array; readonly suffix?: Uint8Array };

export interface EncodeRecord {
  readonly name: string;
  readonly type: number;
  readonly class?: number;
  readonly ttl?: number;
  readonly rdata: EncodeRdata;
}

export interface EncodeEdns {
  readonly udpSize?: number;
  readonly extendedRcode?: number;
  readonly version?: number;
  readonly dnssecOk?: boolean;
  readonly options?: readonly { readonly code: number; readonly data: Uint8Array }[];
}

export interface EncodeMessage {
  readonly id: number;
  readonly response?: boolean;
  readonly opcode?: number;
  /** Full response code; bits above 4 go to EDNS (an OPT record is added when needed). */
  readonly rcode?: number;
  /** Flag letters: AA TC RD RA Z AD CD. */
  readonly flags?: readonly ('AA' | 'TC' | 'RD' | 'RA' | 'Z' | 'AD' | 'CD')[];
  readonly questions?: readonly EncodeQuestion[];
  readonly answers?: readonly EncodeRecord[];
  readonly authorities?: readonly EncodeRecord[];
  readonly additionals?: readonly EncodeRecord[];
  readonly edns?: EncodeEdns;
  /** Compress names (owner names and names in RDATA). Default true. */
  readonly compress?: boolean;
  /** Override the header counts (to make messages that lie about their contents). */
  readonly counts?: readonly [number, number, number, number];
}

const FLAG_BITS = { AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, Z: 0x0040, AD: 0x0020, CD: 0x0010 } as const;

class Writer {
  bytes = new Uint8Array(512);
  length = 0;
  readonly names = new Map<string, number>();
  constructor(readonly compress: boolean) {}
  ensure(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.length++] = v & 255;
  }
  u16(v: number): void {
    this.u8(v >> 8);
    this.u8(v);
  }
  u32(v: number): void {
    this.u16(v >>> 16);
    this.u16(v & 0xffff);
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
  }
  /** Writes a name in presentation form (`a.b.c`, `.` for the root; `\.` and `\DDD` escapes honoured). */
  name(text: string, compress: boolean): void {
    const labels = splitName(text);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).map((l) => Buffer.from(l).toString('hex')).join('.').toLowerCase();
      const at = this.names.get(suffix);
      if (compress && this.compress && at !== undefined && at < 0x4000) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.length < 0x4000) this.names.set(suffix, this.length);
      this.u8(labels[i]!.length);
      this.raw(labels[i]!);
    }
    this.u8(0);
  }
}

/** Labels of a presentation-form name, as bytes. */
export function splitName(text: string): Uint8Array[] {
  if (text === '.' || text === '') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  let endedWithDot = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    endedWithDot = false;
    if (c === 0x5c && i + 1 < text.length) {
      const d = text.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) {
        cur.push(Number(d));
        i += 3;
      } else {
        cur.push(text.charCodeAt(i + 1) & 255);
        i += 1;
      }
    } else if (c === 0x2e) {
      labels.push(Uint8Array.from(cur));
      cur = [];
      endedWithDot = true;
    } else cur.push(c & 255);
  }
  if (!endedWithDot) labels.push(Uint8Array.from(cur));
  return labels;
}

/** Types whose RDATA names may be compressed (RFC 3597 §4: the well-known types of RFC 1035). */
const COMPRESSIBLE = new Set([2, 5, 6, 12, 15, 3, 4, 7, 8, 9, 14]);

function record(w: Writer, r: EncodeRecord): void {
  w.name(r.name, true);
  w.u16(r.type);
  w.u16(r.class ?? 1);
  w.u32(r.ttl ?? 300);
  const lenAt = w.length;
  w.u16(0);
  const start = w.length;
  if (r.rdata instanceof Uint8Array) w.raw(r.rdata);
  else {
    if (r.rdata.prefix !== undefined) w.raw(r.rdata.prefix);
    w.name(r.rdata.name, COMPRESSIBLE.has(r.type));
    if (r.rdata.suffix !== undefined) w.raw(r.rdata.suffix);
  }
  const len = w.length - start;
  w.bytes[lenAt] = len >> 8;
  w.bytes[lenAt + 1] = len & 255;
}

/** The message on the wire. */
export function encodeMessage(msg: EncodeMessage): Uint8Array {
  const w = new Writer(msg.compress !== false);
  const rcode = msg.rcode ?? 0;
  let flags = (msg.response === true ? 0x8000 : 0) | ((msg.opcode ?? 0) << 11) | (rcode & 15);
  for (const f of msg.flags ?? []) flags |= FLAG_BITS[f];
  const edns = msg.edns ?? (rcode > 15 ? {} : undefined);
  const questions = msg.questions ?? [];
  const an = msg.answers ?? [];
  const ns = msg.authorities ?? [];
  const ar = msg.additionals ?? [];
  const counts = msg.counts ?? [questions.length, an.length, ns.length, ar.length + (edns === undefined ? 0 : 1)];
  w.u16(msg.id);
  w.u16(flags);
  for (const c of counts) w.u16(c);
  for (const q of questions) {
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class ?? 1);
  }
  for (const r of an) record(w, r);
  for (const r of ns) record(w, r);
  for (const r of ar) record(w, r);
  if (edns !== undefined) {
    w.u8(0);
    w.u16(41);
    w.u16(edns.udpSize ?? 1232);
    w.u8(edns.extendedRcode ?? rcode >> 4);
    w.u8(edns.version ?? 0);
    w.u16(edns.dnssecOk === true ? 0x8000 : 0);
    const opts = edns.options ?? [];
    w.u16(opts.reduce((n, o) => n + 4 + o.data.length, 0));
    for (const o of opts) {
      w.u16(o.code);
      w.u16(o.data.length);
      w.raw(o.data);
    }
  }
  return w.bytes.slice(0, w.length);
}

/** Typed RDATA builders for fixtures. */
export const rdata = {
  a(ip: string): Uint8Array {
    return Uint8Array.from(ip.split('.').map(Number));
  },
  aaaa(ip: string): Uint8Array {
    const [head = '', tail] = ip.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const groups = [...h, ...Array(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
    return Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 255]));
  },
  name(name: string): EncodeRdata {
    return { name };
  },
  mx(preference: number, exchange: string): EncodeRdata {
    return { name: exchange, prefix: Uint8Array.from([preference >> 8, preference & 255]) };
  },
  srv(priority: number, weight: number, port: number, target: string): EncodeRdata {
    return { name: target, prefix: Uint8Array.from([priority >> 8, priority & 255, weight >> 8, weight & 255, port >> 8, port & 255]) };
  },
  txt(...strings: string[]): Uint8Array {
    return Uint8Array.from(strings.flatMap((s) => [Buffer.byteLength(s, 'latin1'), ...Buffer.from(s, 'latin1')]));
  },
  soa(mname: string, rname: string, serial: number, refresh: number, retry: number, expire: number, minimum: number): Uint8Array {
    const w = new Writer(false);
    w.name(mname, false);
    w.name(rname, false);
    for (const v of [serial, refresh, retry, expire, minimum]) w.u32(v);
    return w.bytes.slice(0, w.length);
  },
  /** A name written without compression, followed by raw bytes (for types such as RRSIG's signer or NSEC's next name). */
  nameBytes(name: string): Uint8Array {
    const w = new Writer(false);
    w.name(name, false);
    return w.bytes.slice(0, w.length);
  },
};
