import type { DnsAnswer } from '../activity.js';

/** Writes DNS messages (RFC 1035 wire format, with name compression and EDNS(0)), as a resolver and clients would. */
class Writer {
  buf = Buffer.alloc(512);
  len = 0;
  readonly names = new Map<string, number>();

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.len);
    this.len += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** A domain name, pointing at an earlier occurrence of any suffix (compression). */
  name(name: string): void {
    const labels = name === '' || name === '.' ? [] : name.replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = this.names.get(suffix);
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.len < 0x3fff) this.names.set(suffix, this.len);
      const l = Buffer.from(labels[i]!, 'ascii');
      if (l.length === 0 || l.length > 63) throw new RangeError(`DNS label "${labels[i]}" must be 1-63 bytes`);
      this.u8(l.length);
      this.bytes(l);
    }
    this.u8(0);
  }
  out(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

function ipv6(ip: string): number[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [(g >> 8) & 255, g & 255]);
}

export interface QuerySpec {
  readonly id: number;
  readonly name: string;
  readonly qtype: number;
  readonly edns: boolean;
}

export interface ResponseSpec extends QuerySpec {
  readonly rcode: number;
  readonly answers: readonly DnsAnswer[];
}

function header(w: Writer, id: number, flags: number, qd: number, an: number, ns: number, ar: number): void {
  w.u16(id);
  w.u16(flags);
  w.u16(qd);
  w.u16(an);
  w.u16(ns);
  w.u16(ar);
}

function opt(w: Writer): void {
  w.u8(0); // root
  w.u16(41);
  w.u16(1232); // UDP payload size
  w.u32(0); // extended rcode, version 0, flags
  w.u16(0);
}

/** A recursive query (RD set). */
export function encodeQuery(q: QuerySpec): Buffer {
  const w = new Writer();
  header(w, q.id, 0x0100, 1, 0, 0, q.edns ? 1 : 0);
  w.name(q.name);
  w.u16(q.qtype);
  w.u16(1);
  if (q.edns) opt(w);
  return w.out();
}

/** The resolver's answer: the records given (CNAME chains follow their targets), or NXDOMAIN with the zone's SOA. */
export function encodeResponse(r: ResponseSpec): Buffer {
  const w = new Writer();
  const zone = r.name.split('.').slice(-2).join('.');
  const authority = r.rcode === 3 ? 1 : 0;
  header(w, r.id, 0x8180 | (r.rcode & 0x0f), 1, r.answers.length, authority, r.edns ? 1 : 0);
  w.name(r.name);
  w.u16(r.qtype);
  w.u16(1);
  let owner = r.name;
  for (const a of r.answers) {
    w.name(owner);
    w.u16(a.type);
    w.u16(1);
    w.u32(a.ttl);
    const lenAt = w.len;
    w.u16(0);
    const start = w.len;
    switch (a.type) {
      case 1:
        w.bytes(Uint8Array.from(a.data.split('.').map(Number)));
        break;
      case 28:
        w.bytes(Uint8Array.from(ipv6(a.data)));
        break;
      case 5:
      case 2:
      case 12:
        w.name(a.data);
        break;
      case 16: {
        const text = Buffer.from(a.data, 'ascii');
        for (let i = 0; i < text.length || i === 0; i += 255) {
          const part = text.subarray(i, i + 255);
          w.u8(part.length);
          w.bytes(part);
        }
        break;
      }
      default:
        w.bytes(Buffer.from(a.data, 'hex'));
    }
    w.buf.writeUInt16BE(w.len - start, lenAt);
    if (a.type === 5) owner = a.data;
  }
  if (authority === 1) {
    w.name(zone);
    w.u16(6);
    w.u16(1);
    w.u32(900);
    const lenAt = w.len;
    w.u16(0);
    const start = w.len;
    w.name(`ns1.${zone}`);
    w.name(`hostmaster.${zone}`);
    for (const v of [2026010501, 7200, 3600, 1209600, 300]) w.u32(v);
    w.buf.writeUInt16BE(w.len - start, lenAt);
  }
  if (r.edns) opt(w);
  return w.out();
}
