import './error-codes.js';
import { type DecodeBatch, type DecodeContext, type Decoder, type InputSource, type Issue, type Line, type OdmEvent, type SniffProbe, SightlineError } from '@sightline/core';
import type { ProxyDecoderConfig } from './config.schema.js';
import { type EventStamp, RecordDraft, type TimeContext } from './to-event.js';
import { type Detection, SQUID_NATIVE_FORMAT, detectLine, sniffText, startsWithDateTime } from './wire/detect.js';
import { parseDirective } from './wire/directives.js';
import { KNOWN_LAYOUTS, type KnownLayoutName, type Layout, compileLayout, headerlessLayout, repairLayout, splitFields } from './wire/layouts.js';
import { type LineFormat, MAX_REGEX_LINE, readWithFormat } from './wire/line-format.js';
import { NCSA_FORMAT } from './wire/ncsa.js';
import { type LineBytes, LineFramer, contentEnd, toLine } from './wire/byte-lines.js';
import { ElffBytesReader } from './wire/elff-bytes.js';
import { compileSquidFormat } from './wire/squid-format.js';
import { Slot } from './wire/slots.js';
import { type LocalToUtc, parseDirectiveDate, parseOffset, timeZone } from './wire/time.js';
import { ESCAPED, Spans, TOKEN_CONTROL_CHAR, TOKEN_TOO_MANY, TOKEN_UNTERMINATED_QUOTE, tokenize, valueAt } from './wire/tokenize.js';

/** Bytes of a bad line kept in its issue (the quarantine store bounds it again). */
const RAW_LIMIT = 4096;
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const LAYOUT_CACHE_MAX = 64;

/** What the decoder is set to read before it has seen an input. */
type Plan = { readonly mode: 'auto' } | { readonly mode: 'elff'; readonly layout: Layout | undefined } | { readonly mode: 'regex'; readonly formats: readonly LineFormat[] };

/** The state of one input: its current layout and the directives that govern its lines. */
interface InputState {
  mode: 'auto' | 'elff' | 'regex';
  layout: Layout | undefined;
  formats: readonly LineFormat[];
  /** Layout used for lines with more values than `layout` names, by value count (null: none fits). */
  repairs: Map<number, Layout | null>;
  readonly time: TimeContext;
  readonly stamp: EventStamp;
  extraLines: number;
}

function configError(message: string): SightlineError {
  return new SightlineError('SL_PLUGIN_CONFIG_INVALID', message, { stage: 'plugin', plugin: 'proxy' });
}

/**
 * Web-proxy access logs to ODM proxy events: Blue Coat / Broadcom ProxySG and other W3C extended (ELFF) logs
 * driven by their `#Fields:` directives, ProxySG's headerless layouts (Spot's 27 fields, main, ssl, the
 * Reporter formats), Squid's native and custom logformats, and NCSA common/combined. Decodes line by line in
 * bounded memory; a line it cannot read becomes a coded issue with its file and line number, and decoding goes
 * on. Event ids use the line number as ordinal.
 */
export class ProxyDecoder implements Decoder {
  readonly name: string;
  readonly kinds = ['proxy'] as const;
  readonly #config: ProxyDecoderConfig;
  readonly #plan: Plan;
  readonly #zone: LocalToUtc;
  readonly #layouts = new Map<string, Layout>();
  readonly #spans = new Spans();
  readonly #bytes = new ElffBytesReader();

  constructor(config: ProxyDecoderConfig, name = 'proxy') {
    this.name = name;
    this.#config = config;
    const zone = timeZone(config.timezone);
    if (zone === undefined) throw configError(`config of plugin "proxy": timezone ${JSON.stringify(config.timezone)} is not UTC, an offset like +02:00, or an IANA zone this Node knows`);
    this.#zone = zone;
    this.#plan = this.#makePlan(config);
  }

  #makePlan(config: ProxyDecoderConfig): Plan {
    const fields = config.fields === undefined ? undefined : this.#layout(config.fields, 'fields');
    if (fields !== undefined && fields.fields.length === 0) throw configError('config of plugin "proxy": fields names no field');
    let formats: LineFormat[] | undefined;
    if (config.logformat !== undefined) {
      const list = typeof config.logformat === 'string' ? [config.logformat] : config.logformat;
      formats = list.map((f, i) => {
        try {
          return compileSquidFormat(f, `logformat ${i + 1}`);
        } catch (e) {
          throw configError(`config of plugin "proxy": ${(e as Error).message}`);
        }
      });
    }
    switch (config.format) {
      case 'auto':
        if (formats !== undefined) return { mode: 'regex', formats };
        if (fields !== undefined) return { mode: 'elff', layout: fields };
        return { mode: 'auto' };
      case 'elff':
        return { mode: 'elff', layout: fields };
      case 'squid':
        return { mode: 'regex', formats: formats ?? [SQUID_NATIVE_FORMAT] };
      case 'common':
      case 'combined':
        return { mode: 'regex', formats: [NCSA_FORMAT] };
      default:
        return { mode: 'elff', layout: fields ?? KNOWN_LAYOUTS[config.format as KnownLayoutName] };
    }
  }

  /** A compiled layout for a #Fields value, cached (logs repeat the same header at every restart). */
  #layout(text: string, name: string): Layout {
    let layout = this.#layouts.get(text);
    if (layout === undefined) {
      if (this.#layouts.size >= LAYOUT_CACHE_MAX) this.#layouts.clear();
      layout = compileLayout(name, splitFields(text));
      this.#layouts.set(text, layout);
    }
    return layout;
  }

  /** How a line is recognised under this decoder's config. */
  #detect = (line: string): Detection | undefined => {
    const plan = this.#plan;
    if (plan.mode === 'auto') return detectLine(line, this.#spans);
    if (line.charCodeAt(0) === 35) return plan.mode === 'elff' ? detectLine(line, this.#spans) : undefined;
    if (plan.mode === 'regex') {
      if (line.length > MAX_REGEX_LINE) return undefined;
      const format = plan.formats.find((f) => f.regex.test(line));
      return format === undefined ? undefined : { kind: 'regex', format };
    }
    if (plan.layout !== undefined && startsWithDateTime(line)) {
      const n = tokenize(line, this.#spans);
      return n === plan.layout.fields.length ? { kind: 'headerless', layout: plan.layout } : undefined;
    }
    const d = detectLine(line, this.#spans);
    return d?.kind === 'regex' ? undefined : d; // set to ELFF: Squid and NCSA lines are not ours
  };

  sniff(probe: SniffProbe): number {
    try {
      if (probe.framing !== 'stream' || probe.head.length === 0) return 0;
      let head = Buffer.from(probe.head.buffer, probe.head.byteOffset, probe.head.byteLength).toString('utf8');
      if (head.charCodeAt(0) === 0xfeff) head = head.slice(1);
      return sniffText(head, this.#detect);
    } catch {
      return 0;
    }
  }

  async *decode(source: InputSource, ctx: DecodeContext): AsyncGenerator<DecodeBatch> {
    const plan = this.#plan;
    const state: InputState = {
      mode: plan.mode,
      layout: plan.mode === 'elff' ? plan.layout : undefined,
      formats: plan.mode === 'regex' ? plan.formats : [],
      repairs: new Map(),
      time: { directiveDay: NaN, gmtOffset: NaN, zone: this.#zone },
      stamp: { software: undefined },
      extraLines: 0,
    };
    const draft = new RecordDraft();
    let events: OdmEvent[] = [];
    let issues: Issue[] = [];
    const bad = (l: Line, code: Issue['code'], message: string): void => {
      // A bad last line without a line end is most likely a record cut when the file was copied or rotated.
      const cut = l.unterminated && code !== 'SL_DECODE_LINE_TOO_LONG';
      issues.push({
        code: cut ? 'SL_DECODE_TRUNCATED' : code,
        message: `${source.name} line ${l.line}: ${message}${cut ? ' (the input ends inside this line: a record cut short?)' : ''}`,
        source: source.name,
        line: l.line,
        offset: l.offset,
        raw: l.text.length > RAW_LIMIT ? l.text.slice(0, RAW_LIMIT) : l.text,
      });
    };
    const framer = new LineFramer(this.#config.max_line_bytes);
    const fast = this.#bytes;
    const spans = this.#spans;
    let lineNo = 0;
    let lineOffset = 0;
    let position = 0;
    /** One framed line: the byte-level ELFF reader first, the string path for everything it does not take. */
    const onLine = (lb: LineBytes, unterminated: boolean): void => {
      const n = ++lineNo;
      const layout = state.layout;
      if (state.mode === 'elff' && layout !== undefined && lb.dropped === 0) {
        const end = contentEnd(lb);
        if (end > lb.start && lb.bytes[lb.start] !== 35 && end - lb.start <= framer.max && fast.read(lb.bytes, lb.start, end, layout, spans, draft)) {
          const event = draft.finish(state.time, state.stamp, n);
          if (event !== undefined) {
            if (ctx.keepRaw) event.raw = lb.bytes.toString('utf8', lb.start, end);
            events.push(event);
            return;
          }
        }
      }
      this.#line(toLine(lb, framer.max, n, lineOffset, unterminated), state, draft, bad, ctx.keepRaw, events);
    };
    for await (const chunk of source.chunks()) {
      if (ctx.signal.aborted) return;
      const buf = asBuffer(chunk.bytes);
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        onLine(framer.line(buf, start, nl), false);
        start = nl + 1;
        lineOffset = position + start;
        if (events.length >= ctx.batchSize) {
          yield { events, issues };
          events = [];
          issues = [];
        }
      }
      framer.rest(buf, start);
      position += buf.length;
      if (issues.length >= ctx.batchSize) {
        yield { events, issues };
        events = [];
        issues = [];
      }
    }
    if (framer.pending) onLine(framer.tail(), true);
    if (events.length > 0 || issues.length > 0) yield { events, issues };
    if (state.extraLines > 0) {
      ctx.logger.warn(`${source.name}: ${state.extraLines} lines had more values than their layout; the extra values are in additional_attrs (extra_1, extra_2… or extra)`, { source: source.name, lines: state.extraLines });
    }
  }

  /** One line read as text (the path every line took before the byte-level reader, and still takes when it declines). */
  #line(read: Line, state: InputState, draft: RecordDraft, bad: (l: Line, code: Issue['code'], message: string) => void, keepRaw: boolean, events: OdmEvent[]): void {
    // A byte-order mark before the first line (Windows tools write one) is not part of the record.
    const l = read.line === 1 && read.text.charCodeAt(0) === 0xfeff ? { ...read, text: read.text.slice(1) } : read;
    const text = l.text;
    if (l.truncated) {
      bad(l, 'SL_DECODE_LINE_TOO_LONG', `${l.bytes} bytes, more than max_line_bytes (${this.#config.max_line_bytes}); its first bytes are kept`);
      return;
    }
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    if (text.charCodeAt(0) === 35 && state.mode !== 'regex') {
      this.#directive(l, state, bad);
      return;
    }
    if (state.mode === 'auto') {
      const d = detectLine(text, this.#spans);
      if (d === undefined) {
        bad(l, 'SL_PROXY_UNRECOGNISED', unrecognised(text));
        return;
      }
      if (d.kind === 'regex') {
        state.mode = 'regex';
        state.formats = [d.format];
      } else {
        state.mode = 'elff';
        if (d.kind === 'headerless') state.layout = d.layout;
      }
    }
    const event = state.mode === 'elff' ? this.#elffLine(l, state, draft, bad) : this.#regexLine(l, state, draft, bad);
    if (event === undefined) return;
    if (keepRaw) event.raw = text;
    events.push(event);
  }

  #directive(l: Line, state: InputState, bad: (l: Line, code: Issue['code'], message: string) => void): void {
    const d = parseDirective(l.text);
    if (d === undefined) return; // a comment
    if (state.mode === 'auto') state.mode = 'elff';
    switch (d.name) {
      case 'fields': {
        const layout = this.#layout(d.value, '#Fields');
        state.repairs = new Map();
        if (layout.fields.length === 0) {
          state.layout = undefined;
          bad(l, 'SL_PROXY_BAD_DIRECTIVE', '#Fields names no field; the lines after it have no layout');
        } else state.layout = layout;
        return;
      }
      case 'date':
      case 'start-date': {
        const date = parseDirectiveDate(d.value);
        if (date === undefined) {
          bad(l, 'SL_PROXY_BAD_DIRECTIVE', `#${d.name === 'date' ? 'Date' : 'Start-Date'} ${JSON.stringify(d.value)} is not a date and time`);
          if (d.name === 'date') state.time.directiveDay = NaN;
        } else if (d.name === 'date' || Number.isNaN(state.time.directiveDay)) state.time.directiveDay = date.day;
        return;
      }
      case 'gmt-offset': {
        const offset = parseOffset(d.value);
        if (Number.isNaN(offset)) bad(l, 'SL_PROXY_BAD_DIRECTIVE', `#GMT-Offset ${JSON.stringify(d.value)} is not an offset like -0800`);
        state.time.gmtOffset = offset;
        return;
      }
      case 'software':
        state.stamp.software = d.value === '' ? undefined : d.value.slice(0, 200);
        return;
      default:
        return;
    }
  }

  #elffLine(l: Line, state: InputState, draft: RecordDraft, bad: (l: Line, code: Issue['code'], message: string) => void): OdmEvent | undefined {
    const line = l.text;
    const spans = this.#spans;
    const n = tokenize(line, spans);
    if (n < 0) {
      if (n === TOKEN_UNTERMINATED_QUOTE) bad(l, 'SL_PROXY_BAD_QUOTING', `the quote opened at column ${spans.badAt + 1} is not closed`);
      else if (n === TOKEN_CONTROL_CHAR) bad(l, 'SL_PROXY_NOT_TEXT', `control character 0x${line.charCodeAt(spans.badAt).toString(16).padStart(2, '0')} at column ${spans.badAt + 1}: not a text log line`);
      else if (n === TOKEN_TOO_MANY) bad(l, 'SL_PROXY_FIELD_COUNT', 'more than 512 values: not a log record');
      return undefined;
    }
    let layout = state.layout;
    if (layout === undefined) {
      layout = startsWithDateTime(line) ? headerlessLayout(n) : undefined;
      if (layout === undefined) {
        bad(l, 'SL_PROXY_UNRECOGNISED', startsWithDateTime(line) ? `no #Fields directive came before this line, and its ${n} values match no built-in layout (spot 27, proxysg-main 24, proxysg-ssl 22, proxysg-bcreportermain-v1 42, proxysg-bcreporterssl-v1 40); set the decoder's \`fields\`` : unrecognised(line));
        return undefined;
      }
      state.layout = layout;
    }
    let used = layout.fields.length;
    if (n !== used) {
      if (n < used) {
        bad(l, 'SL_PROXY_FIELD_COUNT', `${n} values, but ${layoutName(layout)} names ${used}`);
        return undefined;
      }
      let repaired = state.repairs.get(n);
      if (repaired === undefined) {
        repaired = repairLayout(layout, n) ?? null;
        state.repairs.set(n, repaired);
      }
      if (repaired !== null) {
        layout = repaired;
        used = layout.fields.length;
      }
      if (n > used) {
        if (this.#config.extra_columns === 'quarantine') {
          bad(l, 'SL_PROXY_FIELD_COUNT', `${n} values, but ${layoutName(layout)} names ${used}`);
          return undefined;
        }
        state.extraLines++;
      }
    }
    draft.reset();
    const values = draft.v;
    const slots = layout.slots;
    const keys = layout.keys;
    const start = spans.start;
    const end = spans.end;
    const flags = spans.flags;
    for (let k = 0; k < n; k++) {
      const s = start[k]!;
      const e = end[k]!;
      if (e === s || (e - s === 1 && line.charCodeAt(s) === 45)) continue; // "" and - are empty
      const v = (flags[k]! & ESCAPED) === 0 ? line.slice(s, e) : valueAt(line, spans, k);
      if (k >= used) draft.attr(`extra_${k - used + 1}`, v);
      else if (slots[k] === Slot.UNMAPPED) draft.attr(keys[k]!, v);
      else values[slots[k]!] = v;
    }
    const event = draft.finish(state.time, state.stamp, l.line);
    if (event === undefined) bad(l, draft.error!.code, draft.error!.message);
    return event;
  }

  #regexLine(l: Line, state: InputState, draft: RecordDraft, bad: (l: Line, code: Issue['code'], message: string) => void): OdmEvent | undefined {
    const line = l.text;
    if (line.length > MAX_REGEX_LINE) {
      bad(l, 'SL_DECODE_LINE_TOO_LONG', `${line.length} characters, more than the ${MAX_REGEX_LINE} a Squid or common/combined line may have`);
      return undefined;
    }
    const control = CONTROL.exec(line);
    if (control !== null) {
      bad(l, 'SL_PROXY_NOT_TEXT', `control character 0x${line.charCodeAt(control.index).toString(16).padStart(2, '0')} at column ${control.index + 1}: not a text log line`);
      return undefined;
    }
    draft.reset();
    let extra: string | undefined;
    for (const format of state.formats) {
      extra = readWithFormat(format, line, draft);
      if (extra !== undefined) break;
      draft.reset();
    }
    if (extra === undefined) {
      const names = state.formats.map((f) => f.name).join(', ');
      bad(l, 'SL_PROXY_UNRECOGNISED', `does not match the ${names} format${state.formats.length > 1 ? 's' : ''}`);
      return undefined;
    }
    if (extra !== '') {
      if (this.#config.extra_columns === 'quarantine') {
        bad(l, 'SL_PROXY_FIELD_COUNT', `text after the last field of the ${state.formats.length > 1 ? 'matching' : state.formats[0]!.name} format: ${JSON.stringify(extra.slice(0, 80))}`);
        return undefined;
      }
      draft.attr('extra', extra);
      state.extraLines++;
    }
    const event = draft.finish(state.time, state.stamp, l.line);
    if (event === undefined) bad(l, draft.error!.code, draft.error!.message);
    return event;
  }
}

function layoutName(layout: Layout): string {
  return layout.name === '#Fields' ? 'its #Fields directive' : layout.name === 'fields' ? 'the configured fields' : `the ${layout.name} layout`;
}

function unrecognised(line: string): string {
  if (/^\d{9,11}\.\d{3}\s/.test(line)) return 'looks like a Squid access.log line but does not match the native format; a custom Squid logformat needs the decoder\'s `logformat`';
  return 'matches no proxy log format (W3C/ELFF directives, headerless ProxySG, Squid native, common/combined)';
}
