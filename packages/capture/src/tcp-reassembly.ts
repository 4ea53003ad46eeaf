import type { Issue } from '@sightline/core';
import type { CapturedPacket } from './capture-cursor.js';
import type { IpPacket, TcpSegmentHeader } from './layers.js';

/** Why a direction of a TCP stream ended. */
export type StreamEndReason = 'fin' | 'rst' | 'idle' | 'evicted' | 'reused' | 'end-of-input';

/** One direction of a TCP connection, as handed to `open`. */
export interface TcpDirection {
  /** Identifies the connection (both directions share it). */
  readonly key: string;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** The SYN was not seen: the first bytes may start in the middle of the application's framing. */
  readonly midstream: boolean;
}

/**
 * Receives one direction's bytes in order. `data` gets views that are only valid during the call: copy what you
 * keep. `gap` > 0 says that many bytes were never captured before these. `packet` is the packet that carried the
 * last of these bytes (its time, number and length; its `data` is not kept).
 */
export interface StreamConsumer {
  data(bytes: Uint8Array, packet: CapturedPacket, gap: number): void;
  end(reason: StreamEndReason): void;
  /** Bytes the consumer holds between calls (a partial message); counted against the reassembler's memory limit. */
  readonly buffered: number;
}

export interface TcpReassemblyOptions {
  /** Connections tracked at once; a new one beyond it evicts the least recently active. Default 16384. */
  readonly maxStreams?: number;
  /** Bytes held across all connections (out-of-order segments + consumers' partial messages). Default 64 MiB. */
  readonly maxBytes?: number;
  /** Out-of-order bytes held for one direction before the hole in front of them is declared lost (also at 2048 segments). Default 1 MiB. */
  readonly maxOutOfOrderBytes?: number;
  /** A connection with no packet for this long (capture time) is closed. Default 300 s. */
  readonly idleTimeoutSeconds?: number;
}

export interface TcpReassemblyStats {
  readonly streams: number;
  readonly segments: number;
  readonly retransmittedBytes: number;
  readonly gaps: number;
  readonly gapBytes: number;
  readonly evicted: number;
  readonly open: number;
  readonly bytes: number;
}

interface Segment {
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly packet: CapturedPacket;
}

interface Direction {
  readonly info: TcpDirection;
  consumer: StreamConsumer | undefined;
  /** Next sequence number expected, or -1 before the first segment. */
  next: number;
  pending: Segment[];
  pendingBytes: number;
  consumerBytes: number;
  /** Sequence number just past the last byte, once a FIN was seen; else -1. */
  fin: number;
  /** Highest acknowledgement the other side sent for this direction's bytes, or -1. */
  peerAck: number;
  ended: boolean;
}

interface Stream {
  readonly key: string;
  /** Directions: [0] from the lower endpoint to the higher, [1] back. */
  readonly dirs: [Direction | undefined, Direction | undefined];
  last: number;
  synSeen: boolean;
}

const DEFAULTS = { maxStreams: 16384, maxBytes: 64 * 1024 * 1024, maxOutOfOrderBytes: 1024 * 1024, idleTimeoutSeconds: 300 };
/** Out-of-order segments held per direction before the hole in front of them is skipped. */
const MAX_HELD_SEGMENTS = 2048;
const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const EMPTY = new Uint8Array(0);

/** Signed distance a - b in 32-bit sequence space. */
const diff = (a: number, b: number): number => (a - b) | 0;
const time = (p: CapturedPacket): number => p.seconds + p.nanos / 1e9;
/** The packet without its bytes, so holding it does not hold the capture's buffer. */
const ref = (p: CapturedPacket): CapturedPacket => ({ ...p, data: EMPTY });

/**
 * Reassembles TCP byte streams from captured segments, in bounded memory: segments out of order are held until
 * the hole before them fills; retransmitted and overlapping bytes are delivered once; a hole that can never fill
 * (the other side acknowledged bytes the capture never saw, too many bytes held behind it, a RST, an idle
 * timeout, the end of the input) is skipped and reported to the consumer as a gap. Connections picked up without
 * their SYN are followed from their first segment (`midstream`).
 *
 * `open` is called for each direction of each new connection and returns the consumer of its bytes, or
 * undefined to ignore that direction.
 */
export class TcpReassembler {
  readonly #opts: Required<TcpReassemblyOptions>;
  readonly #source: string;
  readonly #open: (direction: TcpDirection) => StreamConsumer | undefined;
  // Insertion order is recency order: the first entry is the least recently active.
  readonly #streams = new Map<string, Stream>();
  #bytes = 0;
  #issues: Issue[] = [];
  #stats = { streams: 0, segments: 0, retransmittedBytes: 0, gaps: 0, gapBytes: 0, evicted: 0 };

  constructor(source: string, open: (direction: TcpDirection) => StreamConsumer | undefined, options: TcpReassemblyOptions = {}) {
    this.#source = source;
    this.#open = open;
    const o: Record<string, number> = { ...DEFAULTS };
    for (const [k, v] of Object.entries(options)) if (typeof v === 'number') o[k] = v;
    this.#opts = o as Required<TcpReassemblyOptions>;
  }

  /** Connections seen, segments, retransmitted bytes, gaps skipped, evictions; connections open and bytes held now. */
  stats(): TcpReassemblyStats {
    return { ...this.#stats, open: this.#streams.size, bytes: this.#bytes };
  }

  /** Issues raised since the last call (connections evicted for memory). */
  takeIssues(): Issue[] {
    const out = this.#issues;
    this.#issues = [];
    return out;
  }

  /** Adds one captured TCP segment. */
  push(packet: CapturedPacket, ip: IpPacket, tcp: TcpSegmentHeader): void {
    this.#stats.segments++;
    const now = time(packet);
    this.expire(now);
    const forward = ip.src < ip.dst || (ip.src === ip.dst && tcp.srcPort <= tcp.dstPort);
    const key = forward ? `${ip.src}|${tcp.srcPort}|${ip.dst}|${tcp.dstPort}` : `${ip.dst}|${tcp.dstPort}|${ip.src}|${tcp.srcPort}`;
    const side = forward ? 0 : 1;
    let s = this.#streams.get(key);
    const flags = tcp.flags;
    if (s !== undefined && (flags & (SYN | ACK)) === SYN) {
      // A new connection on the same addresses and ports: close the old one unless this SYN repeats its own.
      const d = s.dirs[side];
      if (d === undefined || d.next === -1 || diff((tcp.seq + 1) >>> 0, d.next) !== 0 || d.ended) {
        this.#close(s, 'reused');
        s = undefined;
      }
    }
    if (s === undefined) {
      while (this.#streams.size >= this.#opts.maxStreams) this.#evictOldest('too many TCP connections at once');
      s = { key, dirs: [undefined, undefined], last: now, synSeen: false };
      this.#streams.set(key, s);
      this.#stats.streams++;
    } else {
      this.#streams.delete(key);
      this.#streams.set(key, s);
      s.last = now;
    }
    if (flags & SYN) s.synSeen = true;
    const d = (s.dirs[side] ??= this.#direction(s, ip, tcp));
    if (flags & SYN) {
      if (d.next === -1) d.next = (tcp.seq + 1) >>> 0;
    }
    const payload = tcp.payload;
    if (payload.length > 0 && !d.ended) {
      const seq = (flags & SYN ? tcp.seq + 1 : tcp.seq) >>> 0;
      if (d.next === -1) d.next = seq;
      this.#segment(s, d, seq, payload, packet);
    }
    if (flags & FIN && !d.ended) {
      d.fin = (tcp.seq + payload.length + (flags & SYN ? 1 : 0)) >>> 0;
      if (d.next === -1) d.next = d.fin;
    }
    if (flags & ACK) {
      const other = s.dirs[1 - side];
      if (other !== undefined && !other.ended && other.next !== -1) {
        if (other.peerAck === -1 || diff(tcp.ack, other.peerAck) > 0) other.peerAck = tcp.ack;
        this.#drain(s, other, false, undefined);
      }
    }
    if (flags & RST) {
      this.#close(s, 'rst');
      return;
    }
    this.#drain(s, d, false, packet);
    this.#enforceMemory();
  }

  /** Closes connections idle for longer than the timeout at capture time `now` (seconds). */
  expire(now: number): void {
    for (const s of this.#streams.values()) {
      if (now - s.last <= this.#opts.idleTimeoutSeconds) break;
      this.#close(s, 'idle');
    }
  }

  /** At the end of the input: delivers what is held (with gaps) and ends every direction. */
  flush(): Issue[] {
    for (const s of [...this.#streams.values()]) this.#close(s, 'end-of-input');
    return this.takeIssues();
  }

  #direction(s: Stream, ip: IpPacket, tcp: TcpSegmentHeader): Direction {
    const info: TcpDirection = { key: s.key, src: ip.src, srcPort: tcp.srcPort, dst: ip.dst, dstPort: tcp.dstPort, midstream: (tcp.flags & SYN) === 0 && !s.synSeen };
    return { info, consumer: this.#open(info), next: -1, pending: [], pendingBytes: 0, consumerBytes: 0, fin: -1, peerAck: -1, ended: false };
  }

  #segment(s: Stream, d: Direction, seq: number, bytes: Uint8Array, packet: CapturedPacket): void {
    const rel = diff(seq, d.next);
    if (rel + bytes.length <= 0) {
      this.#stats.retransmittedBytes += bytes.length;
      return;
    }
    if (rel <= 0 && d.pending.length === 0) {
      if (rel < 0) this.#stats.retransmittedBytes += -rel;
      this.#deliver(d, bytes.subarray(-rel), packet, 0);
      d.next = (seq + bytes.length) >>> 0;
      return;
    }
    // Out of order (or behind held segments): hold a copy, sorted by sequence number.
    if (d.consumer === undefined) {
      d.next = (seq + bytes.length) >>> 0; // ignored direction: just follow it
      return;
    }
    const seg: Segment = { seq, bytes: Uint8Array.from(bytes), packet: ref(packet) };
    let i = d.pending.length;
    while (i > 0 && diff(d.pending[i - 1]!.seq, seq) > 0) i--;
    const prev = d.pending[i - 1];
    if (prev !== undefined && prev.seq === seq && prev.bytes.length >= bytes.length) {
      this.#stats.retransmittedBytes += bytes.length;
      return;
    }
    d.pending.splice(i, 0, seg);
    d.pendingBytes += seg.bytes.length;
    this.#bytes += seg.bytes.length;
    // Bytes held, and segments held (an insert is linear in them: a flood of tiny segments must not cost more).
    if (d.pendingBytes > this.#opts.maxOutOfOrderBytes || d.pending.length > MAX_HELD_SEGMENTS) this.#drain(s, d, true, undefined);
  }

  /**
   * Delivers held segments that are now in order, and skips a hole that can no longer fill: with `force`, or when
   * the other side acknowledged past it (it received bytes the capture missed) and at least two segments wait
   * behind it (so one segment the capture saw out of order, after the ACK, can still fill it). Bytes released by
   * `current` (the packet that filled a hole) are timed by it; bytes released past a hole by their own packet.
   */
  #drain(s: Stream, d: Direction, force: boolean, current: CapturedPacket | undefined): void {
    while (d.pending.length > 0) {
      const seg = d.pending[0]!;
      const rel = diff(seg.seq, d.next);
      const end = (seg.seq + seg.bytes.length) >>> 0;
      if (rel > 0) {
        const holeLost = force || (d.peerAck !== -1 && diff(d.peerAck, seg.seq) >= 0 && d.pending.length >= 2);
        if (!holeLost) break;
      }
      d.pending.shift();
      d.pendingBytes -= seg.bytes.length;
      this.#bytes -= seg.bytes.length;
      if (diff(end, d.next) <= 0) {
        this.#stats.retransmittedBytes += seg.bytes.length;
        continue;
      }
      if (rel > 0) {
        this.#stats.gaps++;
        this.#stats.gapBytes += rel;
        this.#deliver(d, seg.bytes, seg.packet, rel);
      } else {
        if (rel < 0) this.#stats.retransmittedBytes += -rel;
        this.#deliver(d, seg.bytes.subarray(-rel), current ?? seg.packet, 0);
      }
      d.next = end;
    }
    if (d.fin !== -1 && d.pending.length === 0 && diff(d.next, d.fin) >= 0 && !d.ended) this.#endDirection(d, 'fin');
    void s;
  }

  #deliver(d: Direction, bytes: Uint8Array, packet: CapturedPacket, gap: number): void {
    const c = d.consumer;
    if (c === undefined || bytes.length === 0) return;
    c.data(bytes, packet, gap);
    this.#bytes += c.buffered - d.consumerBytes;
    d.consumerBytes = c.buffered;
  }

  #endDirection(d: Direction, reason: StreamEndReason): void {
    if (d.ended) return;
    d.ended = true;
    const c = d.consumer;
    if (c !== undefined) {
      c.end(reason);
      this.#bytes += c.buffered - d.consumerBytes;
      d.consumerBytes = c.buffered;
    }
  }

  #close(s: Stream, reason: StreamEndReason): void {
    for (const d of s.dirs) {
      if (d === undefined) continue;
      if (d.next !== -1) this.#drain(s, d, true, undefined);
      this.#endDirection(d, reason);
      this.#bytes -= d.consumerBytes;
      d.consumerBytes = 0;
    }
    this.#streams.delete(s.key);
  }

  #evictOldest(reason: string): void {
    const first = this.#streams.values().next();
    if (first.done) return;
    const s = first.value;
    this.#stats.evicted++;
    const held = s.dirs.reduce((n, d) => n + (d === undefined ? 0 : d.pendingBytes + d.consumerBytes), 0);
    const [a, ap, b, bp] = s.key.split('|');
    this.#issues.push({ code: 'SL_CAPTURE_REASSEMBLY_LIMIT', message: `TCP connection ${a}:${ap} <> ${b}:${bp} closed early (${reason}); ${held} bytes it held were passed on with gaps`, source: this.#source, details: { connection: s.key } });
    this.#close(s, 'evicted');
  }

  #enforceMemory(): void {
    while (this.#bytes > this.#opts.maxBytes && this.#streams.size > 0) this.#evictOldest(`reassembly memory limit of ${this.#opts.maxBytes} bytes reached`);
  }
}
