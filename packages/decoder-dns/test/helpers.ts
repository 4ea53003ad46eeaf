/** Shared by the decoder's tests: run the decoder or its message path on bytes, run tshark, read corpus folders. */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCaptureBytes } from '@sightline/capture';
import { type DnsEvent, type Issue, memorySource } from '@sightline/core';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { type DnsMessage, DnsTransport, type DnsTransportOptions, dnsEventId, looksLikeDns, manifest, parseMessage, toEvent } from '../src/index.js';
import { splitName } from '../src/wire/encode.js';

export interface Decoded {
  readonly events: DnsEvent[];
  readonly issues: Issue[];
  readonly batches: number;
}

/** Runs the dns decoder plugin (as a pipeline would create it) over `bytes`, optionally cut into chunks. */
export async function decodeBytes(bytes: Uint8Array, config: Record<string, unknown> = {}, chunks?: Uint8Array[], batchSize = 1000): Promise<Decoded> {
  const base = createTestContext({ step: 'dns' });
  const decoder = await instantiate(manifest, config, base);
  const out: Decoded = { events: [], issues: [], batches: 0 };
  for await (const b of decoder.decode(memorySource('test.pcap', chunks ?? [bytes]), { ...base, batchSize, keepRaw: false })) {
    (out as { batches: number }).batches++;
    out.events.push(...(b.events as DnsEvent[]));
    out.issues.push(...b.issues);
  }
  return out;
}

/** A message found by the decoder's own path, with the number of the packet that completed it. */
export interface FoundDns {
  readonly frame: number;
  readonly frameTime: { readonly seconds: number; readonly nanos: number };
  readonly msg: DnsMessage | undefined;
  readonly event: DnsEvent | undefined;
}

export const DEFAULT_TRANSPORT: DnsTransportOptions = {
  udpPorts: new Set([53, 5353, 5355]),
  tcpPorts: new Set([53, 5353]),
  heuristic: true,
};

/** The decoder's message path (transport → parser → event), keeping packet numbers for frame-by-frame comparisons. */
export function messagesOf(bytes: Uint8Array, name: string, options: DnsTransportOptions = DEFAULT_TRANSPORT): { found: FoundDns[]; issues: Issue[] } {
  const found: FoundDns[] = [];
  const transport = new DnsTransport(
    name,
    options,
    (f) => {
      const msg = parseMessage(f.bytes, f.start, f.end, { mdns: f.mdns });
      let event: DnsEvent | undefined;
      if (msg !== undefined) {
        event = toEvent(f, msg, name);
        event.event_id = dnsEventId(f);
      }
      found.push({ frame: f.packet.index, frameTime: { seconds: f.packet.seconds, nanos: f.packet.nanos }, msg, event });
    },
    looksLikeDns,
  );
  const { packets, issues } = readCaptureBytes(bytes, { name });
  for (const p of packets) transport.packet(p);
  transport.finish();
  return { found, issues: [...issues, ...transport.takeIssues()] };
}

let running = 0;
const queue: (() => void)[] = [];
const MAX_TSHARK = 2;

/** Runs tshark (at most two at a time: the machines have 2 cores); resolves with stdout, or undefined when it fails. */
export function tshark(args: readonly string[]): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve) => {
    const start = (): void => {
      running++;
      const child = spawn('tshark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (status) => {
        running--;
        queue.shift()?.();
        resolve({ stdout, stderr, status });
      });
    };
    if (running < MAX_TSHARK) start();
    else queue.push(start);
  });
}

/** Capture files under a folder, recursively, sorted. */
export function capturesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(pcap|pcapng|cap)$/.test(e)) out.push(p);
    }
  };
  try {
    walk(dir);
  } catch {
    /* absent */
  }
  return out;
}

/** Raw label bytes of a presentation-form name. */
export function nameLabels(name: string): Uint8Array[] {
  return splitName(name);
}

/**
 * A name as `tshark -T fields` prints it (Wireshark's format_text): printable ASCII as is, the C escapes for
 * \a \b \t \n \v \f \r, other control bytes as \ooo (octal), invalid UTF-8 as U+FFFD; the root as <Root>.
 */
export function tsharkName(name: string): string {
  const labels = splitName(name);
  if (labels.length === 0) return '<Root>';
  return labels.map((l) => tsharkText(l)).join('.');
}

const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

export function tsharkText(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else if (c < 0x20 || c === 0x7f) s += C_ESCAPES[c] ?? `\\${c.toString(8).padStart(3, '0')}`;
    else {
      // A UTF-8 sequence is kept when valid, else each bad byte becomes U+FFFD.
      const len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
      const seq = bytes.subarray(i, i + len);
      if (len > 0 && seq.length === len && [...seq.subarray(1)].every((b) => (b & 0xc0) === 0x80)) {
        s += Buffer.from(seq).toString('utf8');
        i += len - 1;
      } else s += '\ufffd';
    }
  }
  return s;
}
