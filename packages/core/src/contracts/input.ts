/** A slice of input bytes. For datagram inputs each chunk is exactly one datagram. */
export interface InputChunk {
  readonly bytes: Uint8Array;
  /** Offset of the first byte in the whole input (stream framing), or the datagram's sequence number. */
  readonly offset: number;
  /** When the bytes were received (datagram inputs), UTC epoch ms. */
  readonly receivedAt?: number;
  /** Sender of a datagram. */
  readonly peer?: { readonly address: string; readonly port: number };
}

/**
 * Where bytes come from: a file (decompressed when gzip), stdin, a UDP socket, a chunk of a distributed job.
 * `stream` sources are one byte stream cut at arbitrary places; `datagram` sources keep message boundaries.
 */
export interface InputSource {
  /** A name for messages and `event_source`: the file path, `stdin`, `udp://127.0.0.1:2055`. */
  readonly name: string;
  readonly framing: 'stream' | 'datagram';
  /** Total size in bytes when known (files), for progress. */
  readonly size?: number;
  /** The chunks, in order. Back-pressure: the source reads ahead only as far as its consumer pulls. */
  chunks(): AsyncIterable<InputChunk>;
  /** Counters the source can see (datagrams received, dropped by the kernel or its queue), for the run summary. */
  stats?(): Readonly<Record<string, number>>;
}
