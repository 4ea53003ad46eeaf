/**
 * DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766): each message is preceded by its length in two bytes. One
 * framer per direction of a connection takes the reassembled bytes and hands out whole messages, however the
 * segments cut them (a message in several segments, several messages in one).
 *
 * Where the stream's start is unknown (picked up without its SYN) or after bytes were lost (a capture gap), the
 * framer is out of step: it looks for the next place where a length prefix is followed by a DNS message that
 * decodes cleanly, and reports the bytes it had to skip. Memory per direction is bounded by one message (64 KiB).
 */
import type { CapturedPacket, StreamConsumer, StreamEndReason, TcpDirection } from '@sightline/capture';
import { HEADER_LENGTH, parseMessage } from '../wire/message.js';

export type EmitMessage = (bytes: Uint8Array, start: number, end: number, packet: CapturedPacket, direction: TcpDirection) => void;
/** Where a loss was noticed: the number and capture offset of the packet (not the packet: its bytes are not kept). */
export interface PacketPlace {
  readonly index: number;
  readonly offset: number;
}

export type ReportLoss = (direction: TcpDirection, packet: PacketPlace | undefined, message: string, raw: Uint8Array | undefined) => void;

/** While out of step, candidates longer than this are not waited for (they could swallow the stream). */
const RESYNC_WINDOW = 16 * 1024;
/** Full decodes tried per look for the next message (bounds the work an adversarial stream can cause). */
const RESYNC_ATTEMPTS = 64;
const VALID_OPCODES = 0b1110111; // 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE, 6 DSO

/** Cheap test of a length prefix + DNS header at `i` (needs 14 bytes): counts that fit the length, a known opcode. */
function plausible(b: Uint8Array, i: number): boolean {
  const len = (b[i]! << 8) | b[i + 1]!;
  if (len < HEADER_LENGTH) return false;
  const h = i + 2;
  const flags = (b[h + 2]! << 8) | b[h + 3]!;
  if (((VALID_OPCODES >> ((flags >> 11) & 15)) & 1) === 0 || (flags & 0x0040) !== 0) return false;
  const qd = (b[h + 4]! << 8) | b[h + 5]!;
  const an = (b[h + 6]! << 8) | b[h + 7]!;
  const ns = (b[h + 8]! << 8) | b[h + 9]!;
  const ar = (b[h + 10]! << 8) | b[h + 11]!;
  if (qd > 1 || qd + an === 0 && ns === 0) return false;
  return qd * 5 + (an + ns + ar) * 11 <= len - HEADER_LENGTH;
}

function parsesCleanly(b: Uint8Array, start: number, end: number): boolean {
  const m = parseMessage(b, start, end);
  return m !== undefined && m.problem === undefined && m.trailing === 0;
}

export class DnsTcpFramer implements StreamConsumer {
  readonly #dir: TcpDirection;
  readonly #emit: EmitMessage;
  readonly #loss: ReportLoss;
  #buf = new Uint8Array(0);
  #len = 0;
  #synced: boolean;
  #skipped = 0;
  #last: PacketPlace | undefined;

  constructor(direction: TcpDirection, emit: EmitMessage, loss: ReportLoss) {
    this.#dir = direction;
    this.#emit = emit;
    this.#loss = loss;
    this.#synced = !direction.midstream;
  }

  get buffered(): number {
    return this.#len;
  }

  data(bytes: Uint8Array, packet: CapturedPacket, gap: number): void {
    this.#last = { index: packet.index, offset: packet.offset };
    if (gap > 0) {
      const partial = this.#len;
      this.#loss(this.#dir, this.#last, `${gap} bytes of a DNS-over-TCP stream were never captured${partial > 0 ? `; the ${partial} bytes of the message in progress before them are lost` : ''}; messages in them are lost`, partial > 0 ? this.#buf.subarray(0, partial) : undefined);
      this.#len = 0;
      this.#synced = false;
    }
    if (this.#synced && this.#len === 0) {
      // Fast path: whole messages straight from the segment, only the tail is copied.
      const used = this.#frame(bytes, 0, bytes.length, packet);
      if (used < bytes.length) this.#append(bytes.subarray(used));
      return;
    }
    this.#append(bytes);
    this.#process(packet);
  }

  end(reason: StreamEndReason): void {
    if (this.#skipped > 0) this.#reportSkipped(this.#last);
    if (this.#len > 0) {
      const what = this.#synced ? `a DNS message of ${this.#expected()} bytes was cut by the end of its TCP stream (${reason}) after ${this.#len - 2} bytes` : `${this.#len} bytes at the end of a TCP stream (${reason}) could not be placed in a DNS message`;
      this.#loss(this.#dir, this.#last, what, this.#buf.subarray(0, this.#len));
    }
    this.#len = 0;
    this.#buf = new Uint8Array(0);
  }

  #expected(): number {
    return this.#len >= 2 ? (this.#buf[0]! << 8) | this.#buf[1]! : -1;
  }

  #append(bytes: Uint8Array): void {
    const need = this.#len + bytes.length;
    if (need > this.#buf.length) {
      const next = new Uint8Array(Math.max(need, Math.min(this.#buf.length * 2, 70000), 512));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(bytes, this.#len);
    this.#len = need;
  }

  /** Emits whole messages from b[start, end); returns where the first incomplete one starts. */
  #frame(b: Uint8Array, start: number, end: number, packet: CapturedPacket): number {
    let i = start;
    while (end - i >= 2) {
      const len = (b[i]! << 8) | b[i + 1]!;
      if (end - i < 2 + len) break;
      this.#emit(b, i + 2, i + 2 + len, packet, this.#dir);
      i += 2 + len;
    }
    return i;
  }

  #consume(n: number): void {
    if (n <= 0) return;
    this.#buf.copyWithin(0, n, this.#len);
    this.#len -= n;
  }

  #process(packet: CapturedPacket): void {
    if (!this.#synced) this.#resync();
    if (!this.#synced) return;
    const used = this.#frame(this.#buf, 0, this.#len, packet);
    this.#consume(used);
  }

  /** Finds the first place where a whole, cleanly decoding message starts; keeps waiting if one may be arriving. */
  #resync(): void {
    const b = this.#buf;
    const n = this.#len;
    let keepFrom = Math.max(0, n - (HEADER_LENGTH + 1)); // too few bytes to judge a candidate after this
    let attempts = 0;
    for (let i = 0; i + 2 + HEADER_LENGTH <= n; i++) {
      if (!plausible(b, i)) continue;
      const need = 2 + ((b[i]! << 8) | b[i + 1]!);
      if (i + need <= n) {
        if (++attempts > RESYNC_ATTEMPTS) {
          keepFrom = i; // give up for now: look again from here when more bytes come
          break;
        }
        if (!parsesCleanly(b, i + 2, i + need)) continue;
        this.#skipped += i;
        this.#consume(i);
        this.#synced = true;
        if (this.#skipped > 0) this.#reportSkipped(this.#last);
        return;
      }
      if (need <= RESYNC_WINDOW) {
        keepFrom = i; // wait for the rest of this candidate
        break;
      }
    }
    // Never hold more than twice the window while out of step: the oldest bytes go (reported as skipped).
    if (n - keepFrom > 2 * RESYNC_WINDOW) keepFrom = n - RESYNC_WINDOW;
    if (keepFrom > 0) {
      this.#skipped += keepFrom;
      this.#consume(keepFrom);
    }
  }

  #reportSkipped(packet: PacketPlace | undefined): void {
    this.#loss(this.#dir, packet, `${this.#skipped} bytes of a DNS-over-TCP stream were skipped to find the start of the next message (stream picked up mid-way or after a gap)`, undefined);
    this.#skipped = 0;
  }
}
