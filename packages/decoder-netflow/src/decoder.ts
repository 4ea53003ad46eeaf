import type { DecodeBatch, DecodeContext, Decoder, EventKind, InputChunk, InputSource, SniffProbe } from '@sightline/core';
import { FlowCollector } from './collector.js';
import { Batcher } from './inputs/batches.js';
import { type CaptureStats, decodeCapture } from './inputs/capture.js';
import { decodeNfcapd } from './inputs/nfcapd.js';
import { decodeNfdumpCsv } from './inputs/nfdump-csv.js';
import { decodeDatagrams, decodePacketStream } from './inputs/packets.js';
import { sniffNetflow } from './sniff.js';
import type { TemplateStore } from './template-store.js';

export interface NetflowDecoderOptions {
  readonly store: TemplateStore;
  readonly ttlMs: number;
  readonly pendingMaxBytes: number;
  readonly pendingMaxAgeMs: number;
  /** Columns of headerless nfdump CSV files. */
  readonly csvColumns?: readonly string[];
}

/**
 * The `netflow` decoder: NetFlow v1/v5/v7/v9 and IPFIX export packets (UDP datagrams, captures of them, raw
 * payload files), nfdump CSV and nfcapd files, to flow events. One instance keeps its templates across the inputs
 * it reads (a template file then a data file decode like one session), in its template store.
 */
export class NetflowDecoder implements Decoder {
  readonly name: string;
  readonly kinds: readonly EventKind[] = ['flow'];
  readonly captureStats: CaptureStats = { packets: 0, exportPackets: 0, otherUdp: 0, notUdp: 0 };
  readonly #o: NetflowDecoderOptions;
  #collector: FlowCollector | undefined;
  #keepRaw = false;
  #closed = false;

  constructor(options: NetflowDecoderOptions, name = 'netflow') {
    this.#o = options;
    this.name = name;
  }

  sniff(probe: SniffProbe): number {
    try {
      return sniffNetflow(probe.head, probe.framing)?.confidence ?? 0;
    } catch {
      return 0;
    }
  }

  /** The packet engine (templates, pending data); created on first use. */
  get collector(): FlowCollector {
    this.#collector ??= new FlowCollector({ store: this.#o.store, ttlMs: this.#o.ttlMs, pendingMaxBytes: this.#o.pendingMaxBytes, pendingMaxAgeMs: this.#o.pendingMaxAgeMs, keepRaw: this.#keepRaw });
    return this.#collector;
  }

  async *decode(source: InputSource, ctx: DecodeContext): AsyncGenerator<DecodeBatch> {
    if (this.#collector === undefined) this.#keepRaw = ctx.keepRaw;
    const batch = new Batcher(ctx.batchSize);
    const signal = ctx.signal;
    if (signal.aborted) {
      for await (const c of source.chunks()) void c; // drain
      return;
    }
    if (source.framing === 'datagram') {
      yield* decodeDatagrams(source, this.collector, batch, signal);
      return;
    }
    // Streams: look at the first bytes to tell a capture, an nfcapd file, a CSV and raw payloads apart.
    const it = source.chunks()[Symbol.asyncIterator]();
    const head: InputChunk[] = [];
    let have = 0;
    let done = false;
    while (have < 65536) {
      const r = await it.next();
      if (r.done === true) {
        done = true;
        break;
      }
      head.push(r.value);
      have += r.value.bytes.length;
    }
    const bytes = Buffer.concat(head.map((c) => c.bytes));
    const replay: InputSource = {
      ...source,
      async *chunks() {
        yield* head;
        if (done) return;
        for (;;) {
          const r = await it.next();
          if (r.done === true) return;
          yield r.value;
        }
      },
    };
    let format = sniffNetflow(bytes, 'stream')?.format;
    // A headerless nfdump CSV (`nfdump -q -o csv`) has nothing to recognise; with csv_columns set, text with commas is one.
    if (format === undefined && (this.#o.csvColumns?.length ?? 0) > 0 && /^[\x20-\x7e]+,[\x20-\x7e,]*\r?\n/.test(bytes.subarray(0, 4096).toString('latin1'))) format = 'nfdump-csv';
    switch (format) {
      case 'pcap':
        yield* decodeCapture(replay, this.collector, batch, signal, this.captureStats);
        return;
      case 'nfdump-csv':
        yield* decodeNfdumpCsv(replay, batch, signal, ctx.keepRaw, this.#o.csvColumns ?? []);
        return;
      case 'nfcapd':
        yield* decodeNfcapd(replay, batch, signal, ctx.keepRaw);
        return;
      case 'packets':
        yield* decodePacketStream(replay, this.collector, batch, signal);
        return;
      default: {
        for await (const c of replay.chunks()) void c;
        yield {
          events: [],
          issues: [
            {
              code: bytes.length === 0 ? 'SL_DECODE_TRUNCATED' : 'SL_DECODE_UNSUPPORTED',
              message: bytes.length === 0 ? `${source.name} is empty` : `${source.name} is neither NetFlow/IPFIX export packets, a capture of them, nfdump CSV nor an nfcapd file`,
              source: source.name,
              offset: 0,
              raw: Uint8Array.from(bytes.subarray(0, 256)),
            },
          ],
        };
      }
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#o.store.close();
  }
}
