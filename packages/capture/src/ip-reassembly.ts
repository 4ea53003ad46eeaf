import type { Issue } from '@sightline/core';
import type { CapturedPacket } from './capture-cursor.js';
import type { IpPacket } from './layers.js';

/** Limits of IP fragment reassembly. Times are capture times (seconds), not wall-clock. */
export interface IpReassemblyOptions {
  /** Incomplete datagrams kept at once; beyond it the oldest is given up. Default 4096. */
  readonly maxDatagrams?: number;
  /** Fragment bytes held across all incomplete datagrams; beyond it the oldest are given up. Default 16 MiB. */
  readonly maxBytes?: number;
  /** Fragments accepted for one datagram. Default 64. */
  readonly maxFragments?: number;
  /** An incomplete datagram older than this (capture time) is given up. Default 30 s (Linux's ipfrag_time). */
  readonly timeoutSeconds?: number;
}

/** A reassembled datagram: the first fragment's header facts, the whole upper-layer payload. */
export interface ReassembledIp extends IpPacket {
  /** How many fragments it was made of, and the capture number of the first one. */
  readonly reassembled: { readonly fragments: number; readonly firstPacket: number };
}

interface Fragment {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

interface Pending {
  readonly key: string;
  readonly firstSeen: number;
  readonly firstPacket: CapturedPacket;
  fragments: Fragment[];
  bytes: number;
  /** Known once the last fragment (MF = 0) arrived. */
  total: number;
  head?: IpPacket;
  overlapped: boolean;
}

const DEFAULTS = { maxDatagrams: 4096, maxBytes: 16 * 1024 * 1024, maxFragments: 64, timeoutSeconds: 30 };
const MAX_DATAGRAM = 65535;

const time = (p: CapturedPacket): number => p.seconds + p.nanos / 1e9;

/**
 * Reassembles fragmented IPv4 and IPv6 datagrams, in any order, in bounded memory. Feed it every IP packet that
 * `decodeIp` marked as a fragment (`push`); it answers with the whole datagram when the last missing piece
 * arrives. Retransmitted identical fragments are ignored; overlapping fragments with different bytes keep the
 * first bytes seen and are reported. Datagrams that never complete (a lost fragment), that exceed the limits or
 * time out become coded issues with the first fragment's position and bytes; nothing is dropped silently.
 *
 * Fragment bytes are copied, so the captured packets need not stay alive.
 */
export class IpReassembler {
  readonly #opts: Required<IpReassemblyOptions>;
  readonly #source: string;
  // Insertion order is age order: the first entry is the oldest.
  readonly #pending = new Map<string, Pending>();
  #bytes = 0;
  #issues: Issue[] = [];
  #completed = 0;

  constructor(source: string, options: IpReassemblyOptions = {}) {
    this.#source = source;
    this.#opts = { ...DEFAULTS, ...stripUndefined(options) };
  }

  /** Datagrams completed so far, incomplete ones held now, and bytes held. */
  stats(): { completed: number; pending: number; bytes: number } {
    return { completed: this.#completed, pending: this.#pending.size, bytes: this.#bytes };
  }

  /** Issues raised since the last call (given-up datagrams, overlaps). */
  takeIssues(): Issue[] {
    const out = this.#issues;
    this.#issues = [];
    return out;
  }

  /**
   * Adds a fragment (`ip.fragment` set); returns the reassembled datagram when this fragment completes one, else
   * undefined. A packet that is not a fragment is returned as it is.
   */
  push(packet: CapturedPacket, ip: IpPacket): IpPacket | ReassembledIp | undefined {
    const frag = ip.fragment;
    if (frag === undefined) return ip;
    const now = time(packet);
    this.expire(now);
    if (ip.truncated) {
      this.#issue('SL_CAPTURE_FRAGMENTS_INCOMPLETE', `fragment of IP datagram ${ip.src} > ${ip.dst} id ${frag.id} was cut by the capture's snaplen; the datagram cannot be reassembled`, packet);
      return undefined;
    }
    const key = `${ip.version}|${ip.src}|${ip.dst}|${ip.protocol}|${frag.id}`;
    const end = frag.offset + ip.payload.length;
    if (end > MAX_DATAGRAM || (frag.more && ip.payload.length % 8 !== 0 && ip.version === 4)) {
      this.#issue('SL_CAPTURE_MALFORMED_PACKET', `IP fragment ${ip.src} > ${ip.dst} id ${frag.id} at offset ${frag.offset} (${ip.payload.length} bytes) ${end > MAX_DATAGRAM ? 'ends beyond 65535 bytes' : 'is not a multiple of 8 bytes but more fragments follow'}`, packet);
      return undefined;
    }
    let p = this.#pending.get(key);
    if (p === undefined) {
      while (this.#pending.size >= this.#opts.maxDatagrams) this.#giveUpOldest('too many incomplete datagrams at once');
      p = { key, firstSeen: now, firstPacket: packet, fragments: [], bytes: 0, total: -1, overlapped: false };
      this.#pending.set(key, p);
    }
    if (p.fragments.length >= this.#opts.maxFragments) {
      this.#giveUp(p, `more than ${this.#opts.maxFragments} fragments`);
      return undefined;
    }
    if (!frag.more) {
      if (p.total >= 0 && p.total !== end) {
        this.#giveUp(p, `two last fragments disagree on the length (${p.total} and ${end} bytes)`);
        return undefined;
      }
      p.total = end;
    }
    if (frag.offset === 0) p.head = ip;
    this.#insert(p, frag.offset, ip.payload);
    while (this.#bytes > this.#opts.maxBytes && this.#pending.size > 0) this.#giveUpOldest('fragment memory limit reached');
    if (!this.#pending.has(key) || p.total < 0 || p.head === undefined) return undefined;
    // Complete when the fragments cover [0, total) without a hole.
    let covered = 0;
    for (const f of p.fragments) {
      if (f.offset > covered) return undefined;
      covered = Math.max(covered, f.offset + f.bytes.length);
    }
    if (covered < p.total) return undefined;
    const payload = new Uint8Array(p.total);
    for (const f of p.fragments) payload.set(f.bytes.subarray(0, Math.max(0, Math.min(f.bytes.length, p.total - f.offset))), f.offset);
    this.#remove(p);
    this.#completed++;
    const head = p.head;
    const headerLength = Math.max(0, head.totalLength - head.payload.length);
    const { fragment: _fragment, ...rest } = head;
    return { ...rest, payload, totalLength: headerLength + p.total, truncated: false, reassembled: { fragments: p.fragments.length, firstPacket: p.firstPacket.index } };
  }

  /** Gives up datagrams older than the timeout at capture time `now` (seconds). */
  expire(now: number): void {
    for (const p of this.#pending.values()) {
      if (now - p.firstSeen <= this.#opts.timeoutSeconds) break;
      this.#giveUp(p, `incomplete after ${this.#opts.timeoutSeconds} s`);
    }
  }

  /** At the end of the input: every datagram still incomplete becomes an issue. */
  flush(): Issue[] {
    for (const p of [...this.#pending.values()]) this.#giveUp(p, 'incomplete at the end of the capture');
    return this.takeIssues();
  }

  #insert(p: Pending, offset: number, data: Uint8Array): void {
    const frags = p.fragments;
    let i = frags.length;
    while (i > 0 && frags[i - 1]!.offset > offset) i--;
    // Overlap check against neighbours: identical bytes are a retransmission, different bytes an overlap attack or
    // a broken stack; the bytes seen first win either way (an overlapping part is not stored twice).
    const end = offset + data.length;
    let start = offset;
    let stop = end;
    const prev = frags[i - 1];
    if (prev !== undefined && prev.offset + prev.bytes.length > offset) {
      const overlap = Math.min(prev.offset + prev.bytes.length, end) - offset;
      if (!sameBytes(prev.bytes, offset - prev.offset, data, 0, overlap)) p.overlapped = true;
      start = offset + overlap;
    }
    const next = frags[i];
    if (next !== undefined && next.offset < stop) {
      const overlap = Math.min(stop, next.offset + next.bytes.length) - next.offset;
      if (!sameBytes(next.bytes, 0, data, next.offset - offset, overlap)) p.overlapped = true;
      stop = next.offset;
    }
    if (p.overlapped && !this.#overlapReported.has(p.key)) {
      this.#overlapReported.add(p.key);
      this.#issue('SL_CAPTURE_FRAGMENT_OVERLAP', `IP datagram ${p.key.split('|').slice(1, 3).join(' > ')} id ${p.key.split('|')[4]}: fragments overlap with different bytes; the bytes seen first were kept`, p.firstPacket);
    }
    if (stop <= start) return; // nothing new
    const bytes = Uint8Array.from(data.subarray(start - offset, stop - offset));
    frags.splice(i, 0, { offset: start, bytes });
    p.bytes += bytes.length;
    this.#bytes += bytes.length;
  }

  readonly #overlapReported = new Set<string>();

  #remove(p: Pending): void {
    this.#pending.delete(p.key);
    this.#overlapReported.delete(p.key);
    this.#bytes -= p.bytes;
  }

  #giveUpOldest(reason: string): void {
    const first = this.#pending.values().next();
    if (!first.done) this.#giveUp(first.value, reason);
  }

  #giveUp(p: Pending, reason: string): void {
    this.#remove(p);
    const [version, src, dst, , id] = p.key.split('|');
    const have = p.fragments.map((f) => `${f.offset}-${f.offset + f.bytes.length}`).join(', ');
    this.#issue('SL_CAPTURE_FRAGMENTS_INCOMPLETE', `IPv${version} datagram ${src} > ${dst} id ${id} given up (${reason}): ${p.fragments.length} fragment(s) held, bytes ${have || 'none'}${p.total >= 0 ? ` of ${p.total}` : ', last fragment not seen'}`, p.firstPacket);
  }

  #issue(code: Issue['code'], message: string, packet: CapturedPacket): void {
    this.#issues.push({ code, message, source: this.#source, offset: packet.offset, raw: Uint8Array.from(packet.data.subarray(0, 256)), details: { packet: packet.index } });
  }
}

function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
