import type { EventKind, OdmEvent } from '../model/event.js';
import type { Issue, MaybePromise, PluginContext } from './common.js';
import type { InputSource } from './input.js';

/** The first bytes of an input, for format detection. */
export interface SniffProbe {
  /** Up to 64 KiB from the start of the input (decompressed), or the first datagram. */
  readonly head: Uint8Array;
  readonly name: string;
  readonly framing: 'stream' | 'datagram';
}

/** What a decoder yields, a batch at a time. */
export interface DecodeBatch {
  readonly events: OdmEvent[];
  /** Records that could not be decoded, each with its code, position and raw bytes. */
  readonly issues: Issue[];
}

export interface DecodeContext extends PluginContext {
  /** Aim for batches of about this many events (the last may be smaller). */
  readonly batchSize: number;
  /** Whether to keep each record's original form in `raw`. */
  readonly keepRaw: boolean;
}

/**
 * Bytes or lines in, open-data-model events out.
 *
 * A decoder MUST NOT throw on bad input: every record it cannot read becomes an `Issue` (with its offset or
 * line and the raw bytes) in the batch, and decoding goes on with the next record. It MUST read in bounded
 * memory whatever the input's size (no buffering of the whole input, no allocation sized by a length field it
 * has not checked), and yield batches as it goes so the runtime can apply back-pressure. Every event MUST carry
 * a deterministic `event_id` (see `assignEventId`).
 */
export interface Decoder {
  readonly name: string;
  /** The event kinds it produces. */
  readonly kinds: readonly EventKind[];
  /** How sure the decoder is that it reads this input: 0 (no) to 1 (certain, e.g. magic bytes). Never throws. */
  sniff(probe: SniffProbe): number;
  /** Decodes one input. The iterable ends when the input ends (or the context's signal aborts). */
  decode(source: InputSource, ctx: DecodeContext): AsyncIterable<DecodeBatch>;
  close?(): MaybePromise<void>;
}
