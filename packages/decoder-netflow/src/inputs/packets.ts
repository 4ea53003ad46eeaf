import type { DecodeBatch, InputChunk, InputSource } from '@sightline/core';
import type { FlowCollector, PacketMeta } from '../collector.js';
import { exportPacketLength } from '../sniff.js';
import { u16 } from '../wire/bytes.js';
import { Batcher } from './batches.js';

/** Longest a decoded event waits in a partly filled batch on a live datagram source. */
const FLUSH_MS = 200;

/**
 * Export packets from a datagram source (the runtime's udp input, or a replay): each chunk is one packet, its
 * `peer` the exporter and `receivedAt` the event time. A live collector may go quiet: what is decoded is handed on
 * when a batch is full or at most FLUSH_MS after it was decoded, whether more datagrams come or not.
 */
export async function* decodeDatagrams(source: InputSource, collector: FlowCollector, batch: Batcher, signal: AbortSignal): AsyncGenerator<DecodeBatch> {
  const it = source.chunks()[Symbol.asyncIterator]();
  let next = it.next();
  let since = 0; // when the oldest thing in the batch was decoded
  // One flush timer per partly filled batch (armed when it gets its first event, cleared when it is handed on),
  // not one per datagram: a busy exporter's datagrams are taken as they come, the timer only wins when it is quiet.
  let flush: Promise<'timeout'> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const disarm = (): void => {
    clearTimeout(timer);
    timer = undefined;
    flush = undefined;
  };
  for (;;) {
    if (signal.aborted) break;
    let r: IteratorResult<InputChunk>;
    if (batch.events.length + batch.issues.length === 0) r = await next;
    else {
      flush ??= new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, FLUSH_MS - (Date.now() - since)))));
      const got = await Promise.race([next, flush]);
      if (got === 'timeout') {
        disarm();
        yield* batch.take(true);
        continue;
      }
      r = got;
    }
    if (r.done === true) break;
    next = it.next();
    const chunk = r.value;
    const peer = chunk.peer;
    const meta: PacketMeta = {
      exporter: peer === undefined ? '' : `${peer.address}:${peer.port}`,
      dvcIp: peer?.address,
      dvcPort: peer?.port,
      receivedAt: chunk.receivedAt,
      ordinal: chunk.offset,
      source: source.name,
      offset: undefined,
    };
    const before = batch.events.length + batch.issues.length;
    collector.decodePacket(chunk.bytes, meta, batch.events, batch.issues);
    if (collector.needsSync) await collector.sync(batch.events, batch.issues);
    if (before === 0 && batch.events.length + batch.issues.length > 0) since = Date.now();
    if (batch.full) yield* batch.take();
    else if (batch.events.length + batch.issues.length > 0 && Date.now() - since >= FLUSH_MS) yield* batch.take(true);
    if (batch.events.length + batch.issues.length === 0) disarm();
  }
  disarm();
  if (signal.aborted) void it.return?.(undefined)?.catch(() => undefined); // let a live source close its socket
  await collector.finish(batch.events, batch.issues);
  yield* batch.take(true);
}

/**
 * A stream of raw export payloads back to back (flowbeat-style `.dat` files, `nc -u -l > file`). Packet
 * boundaries come from the headers: IPFIX has a length; v1/v5/v7 a record count of fixed-size records; a v9
 * packet runs until a "flowset" whose id is a version number (the next packet's header: flowset ids 2-255 are
 * reserved) or the end of the input. Memory is bounded by one packet (at most 64 KiB).
 */
export async function* decodePacketStream(source: InputSource, collector: FlowCollector, batch: Batcher, signal: AbortSignal): AsyncGenerator<DecodeBatch> {
  let buf = new Uint8Array(0);
  let bufStart = 0;
  let ended = false;
  const it = source.chunks()[Symbol.asyncIterator]();
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const r = await it.next();
    if (r.done === true) {
      ended = true;
      return false;
    }
    const next = new Uint8Array(buf.length + r.value.bytes.length);
    next.set(buf);
    next.set(r.value.bytes, buf.length);
    buf = next;
    return true;
  };
  const MAX = 65535;
  for (;;) {
    if (signal.aborted) break;
    while (buf.length < 4 && (await more()));
    if (buf.length === 0) break;
    let len = -1;
    if (buf.length >= 4) {
      const version = u16(buf, 0);
      if (version === 9) {
        // Walk flowsets until the next packet header or the end.
        let o = 20;
        for (;;) {
          while (buf.length < o + 4 && o < MAX && (await more()));
          if (buf.length < o + 4) {
            len = Math.min(buf.length, MAX);
            break;
          }
          const id = u16(buf, o);
          const flen = u16(buf, o + 2);
          if ((id >= 2 && id <= 255) || o >= MAX) {
            len = o;
            break;
          }
          if (flen < 4) {
            // Zero padding: skip whole zero words; anything else ends the packet here.
            let z = o;
            while (z + 4 <= buf.length && buf[z] === 0 && buf[z + 1] === 0 && buf[z + 2] === 0 && buf[z + 3] === 0) z += 4;
            if (z + 4 > buf.length && !ended && (await more())) continue;
            len = z === o ? Math.min(buf.length, o + 4) : z;
            break;
          }
          o += flen;
        }
      } else {
        len = exportPacketLength(buf, 0, buf.length, false);
        if (len > 0) while (buf.length < len && (await more()));
      }
    }
    if (len <= 0) {
      // Not a packet: hand up to 64 KiB to the collector, which reports it (the same cut whatever the chunking).
      while (buf.length < MAX && (await more()));
      len = Math.min(buf.length, MAX);
    }
    const packet = buf.subarray(0, Math.min(len, buf.length));
    collector.decodePacket(packet, { exporter: '', dvcIp: undefined, dvcPort: undefined, receivedAt: undefined, ordinal: bufStart, source: source.name, offset: bufStart }, batch.events, batch.issues);
    if (collector.needsSync) await collector.sync(batch.events, batch.issues);
    buf = buf.subarray(packet.length);
    bufStart += packet.length;
    yield* batch.take();
    if (packet.length === 0) break;
  }
  while (!ended) await more(); // drain so byte counts stay true
  await collector.finish(batch.events, batch.issues);
  yield* batch.take(true);
}
