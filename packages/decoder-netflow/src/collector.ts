/**
 * The export-packet engine shared by every input (UDP datagrams, captures, raw payload files): parses NetFlow
 * v1/v5/v7/v9 and IPFIX packets, keeps templates (a local cache in front of the template store), options data
 * (sampling, boot times) and data sets waiting for their template, and turns records into flow events.
 *
 * `decodePacket` is synchronous and allocation-light; whatever needs the (possibly remote) template store is
 * queued and done by `sync()`, which the decoder awaits only when a packet asked for it.
 */
import type { Issue, OdmEvent } from '@sightline/core';
import { addRecordId, packetIdPrefix, recordId, recordIdsText, reserveRecordIds } from './record-id.js';
import { planTemplate, type FieldPlan } from './field-plan.js';
import { type FastRecord, compileRecord } from './fast-record.js';
import { PendingBuffer, type PendingSet } from './pending.js';
import { type StoredTemplate, type TemplateKey, type TemplateStore, templateKeyString } from './template-store.js';
import { type Attrs, type PacketContext, V1_RECORD, V5_RECORD, V7_RECORD, dataRecordToEvent, fixedRecordToEvent, optionsRecord, recordEnd } from './to-event.js';
import { u16, u32 } from './wire/bytes.js';
import { type TemplateOp, type TemplateRecord, parseIpfixOptionsTemplateSet, parseTemplateSet, parseV9OptionsTemplateSet } from './wire/template.js';

/** Where a packet came from. */
export interface PacketMeta {
  /** `address:port` of the exporter, '' when unknown (raw payload files). */
  readonly exporter: string;
  readonly dvcIp: string | undefined;
  readonly dvcPort: number | undefined;
  /** Receive / capture time, epoch ms; undefined when the input has none (the header's export time is used). */
  readonly receivedAt: number | undefined;
  /** Position of the packet in its source (packet number, datagram number, byte offset): event ids derive from it. */
  readonly ordinal: number;
  readonly source: string;
  /** Byte offset of the packet in its source, for issues. */
  readonly offset: number | undefined;
}

export interface CollectorOptions {
  readonly store: TemplateStore;
  readonly ttlMs: number;
  readonly pendingMaxBytes: number;
  readonly pendingMaxAgeMs: number;
  /** Most templates held in the local cache (oldest are dropped from the cache, not from the store). */
  readonly maxCachedTemplates?: number;
  readonly keepRaw: boolean;
}

export interface CollectorStats {
  packets: number;
  records: number;
  optionsRecords: number;
  templates: number;
  pendingDecoded: number;
}

interface Cached {
  readonly plan: FieldPlan;
  /** The template compiled to one function (fast-record.ts), when it is a kind that can be. */
  readonly fast: FastRecord | undefined;
  receivedAt: number;
  /** When it was last written to the store (refreshes keep a shared store's expiry moving). */
  storedAt: number;
}

const RAW_MAX = 2048;
const MAX_RECORDS_PER_PACKET = { 1: 24, 5: 30, 7: 28 } as const;

function copy(b: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.from(b.subarray(start, Math.min(end, start + RAW_MAX)));
}

function sameTemplate(a: TemplateRecord, b: TemplateRecord): boolean {
  if (a.options !== b.options || a.scopeCount !== b.scopeCount || a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) {
    const x = a.fields[i]!;
    const y = b.fields[i]!;
    if (x.id !== y.id || x.length !== y.length || x.pen !== y.pen) return false;
  }
  return true;
}

export class FlowCollector {
  readonly stats: CollectorStats = { packets: 0, records: 0, optionsRecords: 0, templates: 0, pendingDecoded: 0 };
  readonly #o: CollectorOptions;
  readonly #cache = new Map<string, Cached>();
  /** `address|version|domain|id` -> key of the latest template with it from any source port of that address. */
  readonly #byAddress = new Map<string, string>();
  readonly #pending: PendingBuffer;
  readonly #samplers = new Map<string, Map<number, number>>();
  readonly #boot = new Map<string, number>();
  /** Store writes to do in sync(). */
  #writes: (() => Promise<void>)[] = [];
  /** Keys that missed the cache, to look up in the store in sync(). */
  #misses = new Map<string, TemplateKey>();
  #storeFailed = false;
  #now = 0;
  /** The last exporter / version / domain / template id seen and their key strings (see #domainKey). */
  readonly #memo = { exporter: '', version: 0, domain: -1, domainKey: '', templateId: -1, templateKey: '' };
  /** When each missing key was last looked up in the store (input time): a template-less stream asks once a second, not per packet. */
  readonly #lookedUp = new Map<string, number>();

  constructor(options: CollectorOptions) {
    this.#o = options;
    this.#pending = new PendingBuffer(options.pendingMaxBytes, options.pendingMaxAgeMs);
  }

  /** Whether `sync()` has work (store writes, template look-ups). */
  get needsSync(): boolean {
    return this.#writes.length > 0 || this.#misses.size > 0;
  }

  get pendingSets(): number {
    return this.#pending.size;
  }

  /** Decodes one export packet; events and issues are appended to `events` / `issues`. Never throws. */
  decodePacket(p: Uint8Array, meta: PacketMeta, events: OdmEvent[], issues: Issue[]): void {
    this.stats.packets++;
    const bad = (code: Issue['code'], message: string, from = 0): void => {
      issues.push({ code, message: `${message} (${meta.source}${meta.exporter === '' ? '' : `, exporter ${meta.exporter}`})`, source: meta.source, ...(meta.offset === undefined ? {} : { offset: meta.offset + from }), raw: copy(p, from, p.length) });
    };
    if (p.length < 4) {
      bad('SL_DECODE_TRUNCATED', `export packet of ${p.length} bytes is shorter than any NetFlow/IPFIX header`);
      return;
    }
    const version = u16(p, 0);
    switch (version) {
      case 1:
      case 5:
      case 7:
        this.#fixed(p, version, meta, events, bad);
        return;
      case 9:
        this.#v9(p, meta, events, issues, bad);
        return;
      case 10:
        this.#ipfix(p, meta, events, issues, bad);
        return;
      default:
        bad('SL_DECODE_UNSUPPORTED', `export packet version ${version} is not NetFlow v1/v5/v7/v9 or IPFIX (10)`);
    }
  }

  #fixed(p: Uint8Array, version: 1 | 5 | 7, meta: PacketMeta, events: OdmEvent[], bad: (code: Issue['code'], message: string, from?: number) => void): void {
    const headerLen = version === 1 ? 16 : 24;
    const recLen = version === 7 ? V7_RECORD : version === 1 ? V1_RECORD : V5_RECORD;
    if (p.length < headerLen) {
      bad('SL_DECODE_TRUNCATED', `NetFlow v${version} packet of ${p.length} bytes is shorter than its ${headerLen}-byte header`);
      return;
    }
    const count = u16(p, 2);
    const fits = Math.floor((p.length - headerLen) / recLen);
    const max = MAX_RECORDS_PER_PACKET[version];
    if (count === 0 || count > max || count > fits) {
      bad('SL_NETFLOW_BAD_PACKET', `NetFlow v${version} packet claims ${count} records but ${count > max ? `the format allows at most ${max}` : `its ${p.length} bytes hold ${fits}`}; the packet is not decoded`);
      return;
    }
    const uptime = u32(p, 4);
    const secs = u32(p, 8);
    const nsecs = u32(p, 12);
    const exportMs = secs * 1000 + Math.floor(nsecs / 1e6);
    let domain = 0;
    let sampling = 0;
    if (version !== 1) {
      domain = (p[20]! << 8) | p[21]!; // engine type and id, as nfdump's `eng` column pairs them
      if (version === 5) sampling = u16(p, 22) & 0x3fff;
    }
    const eventTime = meta.receivedAt ?? exportMs;
    const ctx: PacketContext = { version, exportMs, uptimeMs: uptime, eventTime, dvcIp: meta.dvcIp, dvcPort: meta.dvcPort, domain, systemInitMs: -1, samplers: undefined, idPrefix: packetIdPrefix(version, meta.exporter, domain, eventTime, exportMs, uptime, -1, sampling) };
    const base = meta.ordinal * 65536;
    reserveRecordIds(count);
    for (let i = 0, o = headerLen; i < count; i++, o += recLen) addRecordId(i, ctx.idPrefix, 0, base + o, p, o, o + recLen);
    const ids = recordIdsText(count);
    for (let i = 0, o = headerLen; i < count; i++, o += recLen) {
      const e = fixedRecordToEvent(p, o, ctx, sampling, ids.slice(i * 32, i * 32 + 32));
      if (this.#o.keepRaw) e.raw = Buffer.from(p.buffer, p.byteOffset + o, recLen).toString('hex');
      events.push(e);
    }
    this.stats.records += count;
    // Bytes after the records the header counts are padding when zero; anything else is reported, not dropped
    // (nfdump reads such bytes as further records; the header's count is what the format defines).
    const used = headerLen + count * recLen;
    if (p.length - used >= recLen && !allZero(p, used, p.length)) {
      bad('SL_NETFLOW_BAD_PACKET', `NetFlow v${version} packet holds ${p.length - used} bytes (${Math.floor((p.length - used) / recLen)} records' worth) after the ${count} records its header counts; they are not decoded`, used);
    }
  }

  #v9(p: Uint8Array, meta: PacketMeta, events: OdmEvent[], issues: Issue[], bad: (code: Issue['code'], message: string, from?: number) => void): void {
    if (p.length < 20) {
      bad('SL_DECODE_TRUNCATED', `NetFlow v9 packet of ${p.length} bytes is shorter than its 20-byte header`);
      return;
    }
    const uptime = u32(p, 4);
    const secs = u32(p, 8);
    const domain = u32(p, 16);
    const now = meta.receivedAt ?? secs * 1000;
    const ctx = this.#context(9, secs * 1000, uptime, now, meta, domain);
    this.#sets(p, 20, p.length, 9, ctx, meta, events, issues, bad);
  }

  #ipfix(p: Uint8Array, meta: PacketMeta, events: OdmEvent[], issues: Issue[], bad: (code: Issue['code'], message: string, from?: number) => void): void {
    if (p.length < 16) {
      bad('SL_DECODE_TRUNCATED', `IPFIX message of ${p.length} bytes is shorter than its 16-byte header`);
      return;
    }
    const length = u16(p, 2);
    let end = p.length;
    if (length < 16) {
      bad('SL_NETFLOW_BAD_PACKET', `IPFIX message length ${length} is shorter than its header`);
      return;
    }
    if (length > p.length) {
      bad('SL_DECODE_TRUNCATED', `IPFIX message declares ${length} bytes but ${p.length} arrived; the sets that are complete are decoded`);
    } else end = length;
    const secs = u32(p, 4);
    const domain = u32(p, 12);
    const now = meta.receivedAt ?? secs * 1000;
    const ctx = this.#context(10, secs * 1000, -1, now, meta, domain);
    this.#sets(p, 16, end, 10, ctx, meta, events, issues, bad);
  }

  #context(version: 9 | 10, exportMs: number, uptimeMs: number, now: number, meta: PacketMeta, domain: number): PacketContext {
    this.#now = now;
    const dk = this.#domainKey(meta.exporter, version, domain);
    const systemInitMs = this.#boot.get(dk) ?? -1;
    const samplers = this.#samplers.get(dk);
    return { version, exportMs, uptimeMs, eventTime: now, dvcIp: meta.dvcIp, dvcPort: meta.dvcPort, domain, systemInitMs, samplers, idPrefix: packetIdPrefix(version, meta.exporter, domain, now, exportMs, uptimeMs, systemInitMs, samplers?.get(-1) ?? 0) };
  }

  /** Walks the sets / flowsets of a v9 or IPFIX packet from `o` to `end`. */
  #sets(p: Uint8Array, o: number, end: number, version: 9 | 10, ctx: PacketContext, meta: PacketMeta, events: OdmEvent[], issues: Issue[], bad: (code: Issue['code'], message: string, from?: number) => void): void {
    const what = version === 9 ? 'flowset' : 'set';
    while (o < end) {
      if (end - o < 4) {
        if (!allZero(p, o, end)) bad('SL_NETFLOW_BAD_PACKET', `${end - o} stray bytes after the last ${what} at offset ${o}`, o);
        return;
      }
      const id = u16(p, o);
      const len = u16(p, o + 2);
      if (len < 4) {
        // Zero padding after the last set (seen from Palo Alto firewalls) is harmless; anything else is damage.
        if (!allZero(p, o, end)) bad('SL_NETFLOW_BAD_PACKET', `${what} ${id} at offset ${o} has length ${len}, shorter than its header; the rest of the packet is skipped`, o);
        return;
      }
      if (o + len > end) {
        bad('SL_DECODE_TRUNCATED', `${what} ${id} at offset ${o} declares ${len} bytes but only ${end - o} are left; the rest of the packet is skipped`, o);
        return;
      }
      const body = o + 4;
      const stop = o + len;
      if (version === 9 ? id === 0 : id === 2) this.#templates(parseTemplateSet(p, body, stop, version), version, ctx, meta, events, issues, p);
      else if (version === 9 ? id === 1 : id === 3) this.#templates(version === 9 ? parseV9OptionsTemplateSet(p, body, stop) : parseIpfixOptionsTemplateSet(p, body, stop), version, ctx, meta, events, issues, p);
      else if (id >= 256) this.#dataSet(p, body, stop, id, version, ctx, meta, events, issues);
      else bad('SL_NETFLOW_BAD_PACKET', `${what} id ${id} at offset ${o} is reserved; the ${what} is skipped`, o);
      o = stop;
    }
  }

  #templates(ops: TemplateOp[], version: 9 | 10, ctx: PacketContext, meta: PacketMeta, events: OdmEvent[], issues: Issue[], p: Uint8Array): void {
    for (const op of ops) {
      switch (op.kind) {
        case 'invalid':
          issues.push({ code: 'SL_NETFLOW_TEMPLATE_INVALID', message: `${op.message} (${meta.source}${meta.exporter === '' ? '' : `, exporter ${meta.exporter}`}, domain ${ctx.domain})`, source: meta.source, ...(meta.offset === undefined ? {} : { offset: meta.offset + op.offset }), raw: copy(p, op.offset, p.length) });
          break;
        case 'withdraw': {
          const key: TemplateKey = { exporter: meta.exporter, version, domain: ctx.domain, templateId: op.templateId };
          this.#cache.delete(templateKeyString(key));
          this.#write(() => this.#o.store.delete(key));
          break;
        }
        case 'withdraw-all': {
          const prefix = `${meta.exporter}|${version}|${ctx.domain}|`;
          for (const [k, c] of this.#cache) if (k.startsWith(prefix) && c.plan.template.options === op.options) this.#cache.delete(k);
          this.#write(() => this.#o.store.deleteAll(meta.exporter, version, ctx.domain, op.options));
          break;
        }
        case 'add': {
          const key: TemplateKey = { exporter: meta.exporter, version, domain: ctx.domain, templateId: op.template.templateId };
          this.#install({ key, template: op.template, receivedAt: ctx.eventTime }, true, events, issues);
          break;
        }
      }
    }
  }

  /** Puts a template in the cache (and, when it came from the wire, in the store); decodes data that waited for it. */
  #install(stored: StoredTemplate, fromWire: boolean, events: OdmEvent[], issues: Issue[]): void {
    const k = templateKeyString(stored.key);
    const had = this.#cache.get(k);
    if (had !== undefined && sameTemplate(had.plan.template, stored.template)) {
      had.receivedAt = Math.max(had.receivedAt, stored.receivedAt);
      if (fromWire && stored.receivedAt - had.storedAt > (this.#o.ttlMs > 0 ? this.#o.ttlMs / 4 : 600_000)) {
        had.storedAt = stored.receivedAt;
        this.#write(() => this.#o.store.put(stored));
      }
    } else {
      this.stats.templates++;
      if (had !== undefined) this.#cache.delete(k);
      const plan = planTemplate(stored.template);
      this.#cache.set(k, { plan, fast: compileRecord(plan.template, plan.actions, plan.keys, plan.types, plan.eventKeys), receivedAt: stored.receivedAt, storedAt: stored.receivedAt });
      this.#byAddress.set(addressKey(stored.key), k);
      const max = this.#o.maxCachedTemplates ?? 65536;
      if (this.#cache.size > max) this.#cache.delete(this.#cache.keys().next().value!);
      if (fromWire) this.#write(() => this.#o.store.put(stored));
    }
    this.#misses.delete(k);
    for (const set of this.#pending.take(addressKey(stored.key))) this.#decodePending(set, events, issues);
  }

  #write(op: () => Promise<void>): void {
    this.#writes.push(op);
  }

  #lookup(key: TemplateKey, keyString: string, now: number): Cached | undefined {
    let c = this.#cache.get(keyString);
    if (c === undefined) {
      // Some exporters send from several source ports (ipt_netflow: one socket per CPU). An exact match on
      // address and port always wins; failing that, the same address's template for this domain and id is used.
      const other = this.#byAddress.get(addressKey(key));
      if (other === undefined) return undefined;
      c = this.#cache.get(other);
      if (c === undefined) return undefined;
      keyString = other;
    }
    if (this.#o.ttlMs > 0 && now - c.receivedAt > this.#o.ttlMs) {
      this.#cache.delete(keyString);
      return undefined;
    }
    return c;
  }

  /**
   * `exporter|version|domain` of the packet being decoded. Consecutive packets mostly come from the same exporter
   * and domain: the last key is kept, so that the map look-ups hash a string they have seen instead of a new one.
   */
  #domainKey(exporter: string, version: number, domain: number): string {
    const m = this.#memo;
    if (exporter !== m.exporter || version !== m.version || domain !== m.domain) {
      m.exporter = exporter;
      m.version = version;
      m.domain = domain;
      m.domainKey = `${exporter}|${version}|${domain}`;
      m.templateId = -1;
    }
    return m.domainKey;
  }

  #dataSet(p: Uint8Array, o: number, end: number, templateId: number, version: 9 | 10, ctx: PacketContext, meta: PacketMeta, events: OdmEvent[], issues: Issue[]): void {
    // The template key string, kept from the last data set of this exporter and domain when the id is the same.
    const dk = this.#domainKey(meta.exporter, version, ctx.domain);
    const m = this.#memo;
    if (m.templateId !== templateId) {
      m.templateId = templateId;
      m.templateKey = `${dk}|${templateId}`;
    }
    const ks = m.templateKey;
    const hit = this.#cache.get(ks);
    if (hit !== undefined && !(this.#o.ttlMs > 0 && ctx.eventTime - hit.receivedAt > this.#o.ttlMs)) {
      this.#records(p, o, end, hit, ctx, meta.ordinal, events, issues, meta.source, meta.offset, o);
      return;
    }
    const key: TemplateKey = { exporter: meta.exporter, version, domain: ctx.domain, templateId };
    const cached = this.#lookup(key, ks, ctx.eventTime);
    if (cached === undefined) {
      const set: PendingSet = { key, keyString: ks, addressKey: addressKey(key), body: Uint8Array.from(p.subarray(o, end)), ctx, ordinal: meta.ordinal, bodyOffset: o, source: meta.source, offset: meta.offset === undefined ? undefined : meta.offset + o - 4, at: ctx.eventTime };
      for (const lost of this.#pending.add(set)) this.#quarantine(lost, lost === set ? 'it is larger than the pending buffer' : 'the pending buffer was full (oldest sets go first)', issues);
      this.#misses.set(ks, key);
      return;
    }
    this.#records(p, o, end, cached, ctx, meta.ordinal, events, issues, meta.source, meta.offset, o);
  }

  #records(b: Uint8Array, o: number, end: number, cached: Cached, ctx: PacketContext, ordinal: number, events: OdmEvent[], issues: Issue[], source: string, packetOffset: number | undefined, ordinalDelta: number): void {
    const plan = cached.plan;
    const min = plan.minLength;
    const base = ordinal * 65536 - o + ordinalDelta;
    const options = plan.template.options;
    const fast = cached.fast;
    if (fast !== undefined) {
      // Fixed-length records through the template's compiled decoder; a record it leaves (a rare value) goes
      // through the general one, which gives the same event.
      const templateId = plan.template.templateId;
      const keepRaw = this.#o.keepRaw;
      const length = plan.recordLength;
      const n = Math.floor((end - o) / length);
      if (n > 0) {
        // The set's ids first, as one string (record-id.ts), then the events, each with its slice of it.
        reserveRecordIds(n);
        for (let k = 0, at = o; k < n; k++, at += length) addRecordId(k, ctx.idPrefix, templateId, base + at, b, at, at + length);
        const ids = recordIdsText(n);
        for (let k = 0; k < n; k++, o += length) {
          const id = ids.slice(k * 32, k * 32 + 32);
          let e = fast(b, o, ctx, id);
          if (e === undefined) {
            e = dataRecordToEvent(b, o, end, plan, ctx)!;
            e.event_id = id;
          }
          if (keepRaw) e.raw = Buffer.from(b.buffer, b.byteOffset + o, length).toString('hex');
          events.push(e);
        }
        this.stats.records += n;
      }
    }
    while (end - o >= min && min > 0) {
      if (options) {
        const values = optionsRecord(b, o, end, plan);
        if (values === undefined) break;
        this.#options(values, ctx);
        this.stats.optionsRecords++;
        o = recordEnd;
        continue;
      }
      const e = dataRecordToEvent(b, o, end, plan, ctx);
      if (e === undefined) break;
      if (this.#o.keepRaw) e.raw = Buffer.from(b.buffer, b.byteOffset + o, recordEnd - o).toString('hex');
      e.event_id = recordId(ctx.idPrefix, plan.template.templateId, base + o, b, o, recordEnd);
      events.push(e);
      this.stats.records++;
      if (recordEnd === o) break; // cannot happen with min > 0; a guard against a zero-length loop
      o = recordEnd;
    }
    // What is left is padding when it is shorter than a record and zero; 4 or more non-zero bytes are a cut record.
    if (((end - o >= min && min > 0) || end - o > 3) && !allZero(b, o, end)) {
      issues.push({ code: 'SL_DECODE_TRUNCATED', message: `a record of template ${plan.template.templateId} runs past the end of its set (${end - o} bytes left)`, source, ...(packetOffset === undefined ? {} : { offset: packetOffset + o }), raw: copy(b, o, end) });
    }
  }

  /** Learns sampling intervals and boot times from options data. */
  #options(v: Attrs, ctx: PacketContext): void {
    const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
    const interval = num(v['samplingInterval']) ?? num(v['samplerRandomInterval']) ?? num(v['samplingPacketInterval']);
    const space = num(v['samplingPacketSpace']);
    const init = num(v['systemInitTimeMilliseconds']);
    const key = this.#domainKeyOf(ctx);
    if (interval !== undefined && interval > 0) {
      const rate = space !== undefined && num(v['samplingPacketInterval']) !== undefined ? Math.round((interval + space) / interval) : interval;
      const id = num(v['samplerId']) ?? num(v['selectorId']) ?? -1;
      let m = this.#samplers.get(key);
      if (m === undefined) this.#samplers.set(key, (m = new Map()));
      m.set(id, rate);
      // Later packets of this domain see the table through their context; so does the rest of this one.
      (ctx as { samplers: ReadonlyMap<number, number> | undefined }).samplers = m;
    }
    if (init !== undefined && init > 0) {
      this.#boot.set(key, init);
      (ctx as { systemInitMs: number }).systemInitMs = init;
    }
  }

  #domainKeyOf(ctx: PacketContext): string {
    return `${this.#exporterOf(ctx)}|${ctx.version}|${ctx.domain}`;
  }

  #exporterOf(ctx: PacketContext): string {
    return ctx.dvcIp === undefined ? '' : `${ctx.dvcIp}:${ctx.dvcPort ?? 0}`;
  }

  #decodePending(set: PendingSet, events: OdmEvent[], issues: Issue[]): void {
    const cached = this.#lookup(set.key, set.keyString, set.at);
    if (cached === undefined) return;
    this.stats.pendingDecoded++;
    this.#records(set.body, 0, set.body.length, cached, set.ctx, set.ordinal, events, issues, set.source, set.offset === undefined ? undefined : set.offset + 4, set.bodyOffset);
  }

  #quarantine(set: PendingSet, why: string, issues: Issue[]): void {
    issues.push({
      code: 'SL_NETFLOW_TEMPLATE_MISSING',
      message: `NetFlow v${set.key.version === 10 ? '10 (IPFIX)' : '9'} data set ${set.key.templateId} came before its template and ${why} (${set.source}${set.key.exporter === '' ? '' : `, exporter ${set.key.exporter}`}, domain ${set.key.domain}, ${set.body.length} bytes)`,
      source: set.source,
      ...(set.offset === undefined ? {} : { offset: set.offset }),
      raw: set.body.length > RAW_MAX ? set.body.subarray(0, RAW_MAX) : set.body,
      details: { exporter: set.key.exporter, version: set.key.version, domain: set.key.domain, template_id: set.key.templateId },
    });
  }

  /**
   * Does what `decodePacket` queued: writes templates to the store, looks up templates that missed the cache
   * (another worker may have seen them), and quarantines pending data that waited too long.
   */
  async sync(events: OdmEvent[], issues: Issue[]): Promise<void> {
    const writes = this.#writes;
    this.#writes = [];
    for (const w of writes) {
      try {
        await w();
      } catch (e) {
        this.#storeFailure(e, issues);
      }
    }
    if (this.#misses.size > 0) {
      const misses = [...this.#misses.entries()];
      this.#misses.clear();
      for (const [ks, key] of misses) {
        if (this.#cache.has(ks)) continue;
        const last = this.#lookedUp.get(ks);
        if (last !== undefined && this.#now - last < 1000 && this.#now >= last) continue;
        this.#lookedUp.set(ks, this.#now);
        if (this.#lookedUp.size > 65536) this.#lookedUp.delete(this.#lookedUp.keys().next().value!);
        let found: StoredTemplate | undefined;
        try {
          found = await this.#o.store.get(key, this.#now);
        } catch (e) {
          this.#storeFailure(e, issues);
        }
        if (found !== undefined) this.#install(found, false, events, issues);
      }
    }
    for (const old of this.#pending.expire(this.#now)) this.#quarantine(old, `no template came within ${Math.round(this.#o.pendingMaxAgeMs / 1000)} s`, issues);
  }

  /** End of input: what still waits for a template is quarantined. */
  async finish(events: OdmEvent[], issues: Issue[]): Promise<void> {
    // A last look in the shared store: another worker may hold the templates.
    for (const key of this.#pending.keys()) {
      this.#misses.set(templateKeyString(key), key);
      this.#lookedUp.delete(templateKeyString(key));
    }
    await this.sync(events, issues);
    for (const set of this.#pending.drain()) this.#quarantine(set, 'no template came before the end of the input', issues);
  }

  #storeFailure(e: unknown, issues: Issue[]): void {
    if (this.#storeFailed) return;
    this.#storeFailed = true;
    issues.push({ code: 'SL_NETFLOW_TEMPLATE_STORE', message: `the template store failed: ${(e as Error)?.message ?? String(e)}; going on with the templates held in memory` });
  }
}

/** The exporter's address without its port, with the rest of the key. */
function addressKey(k: TemplateKey): string {
  const colon = k.exporter.lastIndexOf(':');
  return `${colon < 0 ? k.exporter : k.exporter.slice(0, colon)}|${k.version}|${k.domain}|${k.templateId}`;
}

function allZero(b: Uint8Array, o: number, end: number): boolean {
  for (let i = o; i < end; i++) if (b[i] !== 0) return false;
  return true;
}
