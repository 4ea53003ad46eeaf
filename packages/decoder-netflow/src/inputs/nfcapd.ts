/// <reference path="../lz4js.d.ts" />
import { type DecodeBatch, type FlowEvent, type InputSource, type Issue } from '@sightline/core';
import { ipv6String } from '@sightline/capture';
import { decompressBlock } from 'lz4js';
import { packetIdPrefix, recordId } from '../record-id.js';
import { ipv4String } from '../to-event.js';
import { Batcher } from './batches.js';

/**
 * nfcapd files as nfdump 1.7 writes them (file layout 2): a 40-byte header, then data blocks of records, each
 * record a V3 record of extension elements (nfdump's nfxV3.h). Uncompressed and LZ4 files are read (LZ4 with the
 * lz4js block decoder); LZO, BZ2 and ZSTD files, and nfdump 1.6's layout 1, get a coded error naming what they
 * are. Memory is bounded by one block. Values are little-endian (nfdump writes host order; every nfdump build that
 * matters is x86 or ARM little-endian).
 */

const COMPRESSION = ['none', 'LZO', 'BZ2', 'LZ4', 'ZSTD'];
/** nfdump writes blocks of at most 5 MiB (its BUFFSIZE); a larger declared size is corruption, not a reason to allocate. */
const MAX_BLOCK = 8 << 20;
const V3_RECORD = 11;

const le16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const le32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const le64 = (b: Uint8Array, o: number): number => le32(b, o + 4) * 4294967296 + le32(b, o);

/** A little-endian 32-bit IPv4 address as nfdump stores it. */
function v4(b: Uint8Array, o: number): string {
  const t = Uint8Array.of(b[o + 3]!, b[o + 2]!, b[o + 1]!, b[o]!);
  return ipv4String(t, 0);
}

/**
 * nfdump's IPv6 layout: two 64-bit halves, each in host (little-endian) order. nfdump stores the IPv4 addresses of
 * a record it keeps as IPv6 (a template with both kinds of fields) as IPv4-compatible addresses (::a.b.c.d, RFC
 * 4291's deprecated form): those are given back as the IPv4 addresses they are.
 */
function v6(b: Uint8Array, o: number): string {
  const t = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    t[i] = b[o + 7 - i]!;
    t[8 + i] = b[o + 15 - i]!;
  }
  let high = 0;
  for (let i = 0; i < 12; i++) high |= t[i]!;
  if (high === 0 && (t[12]! | t[13]!) !== 0) return ipv4String(t, 12);
  return ipv6String(t, 0);
}

function mac(b: Uint8Array, o: number): string | undefined {
  // A 64-bit integer holding the 48-bit MAC address (most significant byte first when printed).
  let s = '';
  let zero = true;
  for (let i = 5; i >= 0; i--) {
    const x = b[o + i]!;
    if (x !== 0) zero = false;
    s += (s === '' ? '' : ':') + x.toString(16).padStart(2, '0');
  }
  return zero ? undefined : s;
}

export async function* decodeNfcapd(source: InputSource, batch: Batcher, signal: AbortSignal, keepRaw: boolean): AsyncGenerator<DecodeBatch> {
  let buf = new Uint8Array(0);
  let bufStart = 0;
  let ended = false;
  const it = source.chunks()[Symbol.asyncIterator]();
  const need = async (n: number): Promise<boolean> => {
    if (buf.length >= n) return true;
    // Collect chunks and join them once (a block spans many chunks; joining at each chunk would copy it over and over).
    const parts: Uint8Array[] = [buf];
    let have = buf.length;
    while (have < n && !ended) {
      const r = await it.next();
      if (r.done === true) {
        ended = true;
        break;
      }
      parts.push(r.value.bytes);
      have += r.value.bytes.length;
    }
    if (parts.length > 1) buf = Buffer.concat(parts);
    return buf.length >= n;
  };
  const drop = (n: number): void => {
    buf = buf.subarray(n);
    bufStart += n;
  };
  const fail = (code: Issue['code'], message: string, raw?: Uint8Array): void => {
    batch.issues.push({ code, message: `${source.name}: ${message}`, source: source.name, offset: bufStart, ...(raw === undefined ? {} : { raw: Uint8Array.from(raw.subarray(0, 256)) }) });
  };
  const drain = async (): Promise<void> => {
    while (!ended) {
      const r = await it.next();
      if (r.done === true) ended = true;
    }
  };

  if (!(await need(40)) || le16(buf, 0) !== 0xa50c) {
    fail('SL_DECODE_TRUNCATED', 'too short for an nfdump file header', buf);
    await drain();
    yield* batch.take(true);
    return;
  }
  const layout = le16(buf, 2);
  const compression = buf[16]!;
  if (layout !== 2) {
    fail('SL_DECODE_UNSUPPORTED', `nfdump file layout ${layout} (nfdump 1.6 and older) is not read; convert it with nfdump 1.7: nfdump -r FILE -w NEWFILE`, buf.subarray(0, 40));
    await drain();
    yield* batch.take(true);
    return;
  }
  if (compression !== 0 && compression !== 3) {
    fail('SL_NETFLOW_NFCAPD_COMPRESSION', `the file is ${COMPRESSION[compression] ?? `compression ${compression}`}-compressed; this decoder reads uncompressed and LZ4 nfcapd files (convert with: nfdump -r FILE -y -w NEWFILE)`, buf.subarray(0, 40));
    await drain();
    yield* batch.take(true);
    return;
  }
  if (buf[17] !== 0) {
    fail('SL_DECODE_UNSUPPORTED', 'the file is encrypted', buf.subarray(0, 40));
    await drain();
    yield* batch.take(true);
    return;
  }
  drop(40);
  let scratch: Uint8Array | undefined;
  let recordNo = 0;
  const prefix = new Map<string, Uint32Array>();
  while (!signal.aborted) {
    if (!(await need(12))) {
      if (buf.length > 0) fail('SL_DECODE_TRUNCATED', `the file ends inside a block header (${buf.length} bytes left)`, buf);
      break;
    }
    const numRecords = le32(buf, 0);
    const size = le32(buf, 4);
    const flags = le16(buf, 10);
    if (size > MAX_BLOCK) {
      fail('SL_DECODE_MALFORMED', `a data block declares ${size} bytes (more than ${MAX_BLOCK}); the rest of the file cannot be read`, buf.subarray(0, 12));
      break;
    }
    if (!(await need(12 + size))) {
      fail('SL_DECODE_TRUNCATED', `the file ends inside a data block (${buf.length - 12} of ${size} bytes)`, buf.subarray(0, 12));
      break;
    }
    let data: Uint8Array = buf.subarray(12, 12 + size);
    if (compression === 3 && (flags & 1) === 0) {
      scratch ??= new Uint8Array(MAX_BLOCK);
      let end: number;
      try {
        end = decompressBlock(data, scratch, 0, data.length, 0);
      } catch {
        end = -1;
      }
      if (end < 0 || end > scratch.length) {
        fail('SL_DECODE_MALFORMED', 'an LZ4 block does not decompress', data);
        drop(12 + size);
        continue;
      }
      data = scratch.subarray(0, end);
    }
    // Records: type u16, size u16; V3 records hold the flows, the others (exporter, statistics) are skipped.
    let o = 0;
    for (let r = 0; r < numRecords && o + 4 <= data.length; r++) {
      const type = le16(data, o);
      const rsize = le16(data, o + 2);
      if (rsize < 4 || o + rsize > data.length) {
        fail('SL_DECODE_MALFORMED', `record ${r} of a block has size ${rsize}, which does not fit its block`, data.subarray(o, o + 64));
        break;
      }
      if (type === V3_RECORD) {
        recordNo++;
        const e = v3Record(data, o, rsize, keepRaw);
        if (e === undefined) fail('SL_DECODE_MALFORMED', `flow record ${recordNo} has an element that runs past its end`, data.subarray(o, o + rsize));
        else {
          const key = e.dvc_ip ?? '';
          let p = prefix.get(key);
          if (p === undefined) prefix.set(key, (p = packetIdPrefix(e.flow_version ?? 0, key, 0, 0, 0, 0, 0, 0)));
          e.event_id = recordId(p, V3_RECORD, recordNo, data, o, o + rsize);
          batch.events.push(e);
        }
      }
      o += rsize;
    }
    drop(12 + size);
    yield* batch.take();
  }
  await drain();
  yield* batch.take(true);
}

/** One V3 record: a 12-byte header and extension elements (type u16, length u16 incl. this header). */
function v3Record(b: Uint8Array, start: number, size: number, keepRaw: boolean): FlowEvent | undefined {
  const end = start + size;
  const numElements = le16(b, start + 4);
  const engine = (b[start + 6]! << 8) | b[start + 7]!;
  const nfversion = b[start + 11]!;
  const e = { event_id: '', event_kind: 'flow', event_time: 0, src_ip: '0.0.0.0', dst_ip: '0.0.0.0' } as FlowEvent;
  let attrs: Record<string, string | number> | undefined;
  let o = start + 12;
  for (let i = 0; i < numElements && o + 4 <= end; i++) {
    const type = le16(b, o);
    const len = le16(b, o + 2);
    if (len < 4 || o + len > end) return undefined;
    const d = o + 4;
    switch (type) {
      case 1: // EXgenericFlow
        if (len < 52) return undefined;
        if (le64(b, d) > 0) e.begin_time = le64(b, d);
        if (le64(b, d + 8) > 0) e.end_time = le64(b, d + 8);
        e.event_time = le64(b, d + 16);
        e.flow_in_packets = le64(b, d + 24);
        e.in_bytes = le64(b, d + 32);
        e.src_port = le16(b, d + 40);
        e.dst_port = le16(b, d + 42);
        e.n_proto = b[d + 44]!;
        e.net_flags = b[d + 45]!;
        e.flow_fwd_status = b[d + 46]!;
        e.src_tos = b[d + 47]!;
        if ((e.n_proto === 1 || e.n_proto === 58) && e.src_port === 0) {
          e.flow_icmp_type = b[d + 43]!;
          e.flow_icmp_code = b[d + 42]!;
        }
        break;
      case 2: // EXipv4Flow
        if (len < 12) return undefined;
        e.src_ip = v4(b, d);
        e.dst_ip = v4(b, d + 4);
        break;
      case 3: // EXipv6Flow
        if (len < 36) return undefined;
        e.src_ip = v6(b, d);
        e.dst_ip = v6(b, d + 16);
        break;
      case 4: // EXflowMisc
        if (len < 20) return undefined;
        e.flow_input = le32(b, d);
        e.flow_output = le32(b, d + 4);
        if (b[d + 8]! <= 128) e.src_mask = b[d + 8]!;
        if (b[d + 9]! <= 128) e.dst_mask = b[d + 9]!;
        e.flow_dir = b[d + 10]!;
        e.dst_tos = b[d + 11]!;
        if (b[d + 13]! > 0) e.flow_end_reason = b[d + 13]!;
        break;
      case 5: // EXcntFlow
        if (len < 28) return undefined;
        e.flow_out_packets = le64(b, d + 8);
        e.out_bytes = le64(b, d + 16);
        break;
      case 6: // EXvLan
        if (len < 12) return undefined;
        if (le32(b, d) <= 4095) e.src_vlan = le32(b, d);
        if (le32(b, d + 4) <= 4095) e.dst_vlan = le32(b, d + 4);
        break;
      case 7: // EXasRouting
        if (len < 12) return undefined;
        e.src_asn = le32(b, d);
        e.dst_asn = le32(b, d + 4);
        break;
      case 8:
        if (len < 8) return undefined;
        e.flow_bgp_next_hop = v4(b, d);
        break;
      case 9:
        if (len < 20) return undefined;
        e.flow_bgp_next_hop = v6(b, d);
        break;
      case 10:
        if (len < 8) return undefined;
        e.flow_next_hop = v4(b, d);
        break;
      case 11:
        if (len < 20) return undefined;
        e.flow_next_hop = v6(b, d);
        break;
      case 12: // EXipReceivedV4: the exporter
        if (len < 8) return undefined;
        e.dvc_ip = v4(b, d);
        break;
      case 13:
        if (len < 20) return undefined;
        e.dvc_ip = v6(b, d);
        break;
      case 15: {
        // EXmacAddr: in src, out dst, in dst, out src
        if (len < 36) return undefined;
        const s = mac(b, d);
        const t = mac(b, d + 8);
        if (s !== undefined) e.src_mac = s;
        if (t !== undefined) e.dst_mac = t;
        break;
      }
      case 20:
        if (len < 12) return undefined;
        e.xlate_src_ip = v4(b, d);
        e.xlate_dst_ip = v4(b, d + 4);
        break;
      case 21:
        if (len < 36) return undefined;
        e.xlate_src_ip = v6(b, d);
        e.xlate_dst_ip = v6(b, d + 16);
        break;
      case 22:
        if (len < 8) return undefined;
        e.xlate_src_port = le16(b, d);
        e.xlate_dst_port = le16(b, d + 2);
        break;
      default: {
        // Extensions this decoder has no column for (MPLS labels, latency, NSEL, NBAR…): kept raw.
        let h = '';
        for (let k = d; k < o + len; k++) h += b[k]!.toString(16).padStart(2, '0');
        (attrs ??= {})[`nfcapd.ext${type}`] = h;
      }
    }
    o += len;
  }
  if (e.begin_time !== undefined && e.end_time !== undefined && e.end_time >= e.begin_time) e.duration = e.end_time - e.begin_time;
  if (e.event_time === 0) {
    if (e.begin_time === undefined) return undefined;
    e.event_time = e.begin_time;
  }
  if (nfversion > 0) e.flow_version = nfversion === 0x0a ? 10 : nfversion;
  e.flow_domain_id = engine;
  if (attrs !== undefined) e.additional_attrs = attrs;
  if (keepRaw) e.raw = Buffer.from(b.buffer, b.byteOffset + start, size).toString('hex');
  return e;
}
