import type { Issue } from '../contracts/common.js';
import type { DecodeBatch, DecodeContext, Decoder, SniffProbe } from '../contracts/decoder.js';
import type { InputSource } from '../contracts/input.js';
import { definePlugin } from '../di/define-plugin.js';
import { readLines } from '../io/lines.js';
import { assignEventId } from '../model/event-id.js';
import { EVENT_KINDS, type EventKind, type OdmEvent, isEventKind } from '../model/event.js';
import { validateEvent } from '../model/validate-event.js';
import { CORE_VERSION } from '../version.js';

export interface OdmNdjsonConfig {
  readonly max_line_bytes: number;
  readonly kinds: readonly EventKind[];
}

const RAW_LIMIT = 4096;

/**
 * Reads open-data-model events written one JSON object per line (what the NDJSON file sink writes, and what
 * other tools can produce). Every line is checked against the data model; a bad line is quarantined with its
 * line number and the reason, and reading goes on. Lines without an `event_id` get one from their content and
 * line number.
 */
export class OdmNdjsonDecoder implements Decoder {
  readonly name: string;
  readonly kinds: readonly EventKind[];
  readonly #maxLine: number;

  constructor(config: OdmNdjsonConfig, name = 'odm-ndjson') {
    this.name = name;
    this.kinds = config.kinds;
    this.#maxLine = config.max_line_bytes;
  }

  sniff(probe: SniffProbe): number {
    const head = Buffer.from(probe.head.buffer, probe.head.byteOffset, probe.head.byteLength);
    let i = 0;
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
    if (head[i] !== 0x7b /* { */) return 0;
    const nl = head.indexOf(0x0a, i);
    const first = head.toString('utf8', i, nl < 0 ? head.length : nl);
    try {
      const value = JSON.parse(first) as { event_kind?: unknown };
      return isEventKind(value.event_kind) && this.kinds.includes(value.event_kind) ? 0.95 : 0.1;
    } catch {
      return nl < 0 ? 0.2 : 0.05; // a first line cut by the probe's size may still be ours
    }
  }

  async *decode(source: InputSource, ctx: DecodeContext): AsyncGenerator<DecodeBatch> {
    let events: OdmEvent[] = [];
    let issues: Issue[] = [];
    for await (const lines of readLines(source, { maxLineBytes: this.#maxLine })) {
      for (const l of lines) {
        if (l.text.trim() === '' && !l.truncated) continue;
        const bad = (code: Issue['code'], message: string): void => {
          issues.push({ code, message, source: source.name, line: l.line, offset: l.offset, raw: l.text.slice(0, RAW_LIMIT) });
        };
        if (l.truncated) {
          bad('SL_DECODE_LINE_TOO_LONG', `line ${l.line} has ${l.bytes} bytes, more than max_line_bytes (${this.#maxLine})`);
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(l.text);
        } catch (e) {
          bad(l.unterminated ? 'SL_DECODE_TRUNCATED' : 'SL_DECODE_MALFORMED', `line ${l.line} is not JSON: ${(e as Error).message}`);
          continue;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          bad('SL_DECODE_MALFORMED', `line ${l.line} is not a JSON object`);
          continue;
        }
        const record = value as Record<string, unknown>;
        if (isEventKind(record['event_kind']) && !this.kinds.includes(record['event_kind'])) continue;
        if (record['event_id'] === undefined && isEventKind(record['event_kind'])) assignEventId(record as { event_kind: EventKind }, l.line);
        const check = validateEvent(record);
        if (!check.ok) {
          bad('SL_DECODE_MALFORMED', `line ${l.line} is not an event of the data model: ${check.path} ${check.message}`);
          continue;
        }
        const event = record as unknown as OdmEvent;
        if (ctx.keepRaw && event.raw === undefined) event.raw = l.text;
        events.push(event);
        if (events.length >= ctx.batchSize) {
          yield { events, issues };
          events = [];
          issues = [];
        }
      }
      if (issues.length >= ctx.batchSize) {
        yield { events, issues };
        events = [];
        issues = [];
      }
    }
    if (events.length > 0 || issues.length > 0) yield { events, issues };
  }
}

export const odmNdjsonDecoderManifest = definePlugin<'decoder', OdmNdjsonConfig>({
  name: 'odm-ndjson',
  kind: 'decoder',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Open-data-model events as NDJSON (one JSON object per line), e.g. the output of the file sink.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_line_bytes: { type: 'integer', minimum: 64, default: 1048576, description: 'Longest line accepted; longer lines are quarantined.' },
      kinds: { type: 'array', items: { enum: [...EVENT_KINDS] }, minItems: 1, default: [...EVENT_KINDS], description: 'Event kinds to keep.' },
    },
  },
  create: (config, ctx) => new OdmNdjsonDecoder(config, ctx.step),
});
