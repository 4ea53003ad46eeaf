import { u16, u32 } from './bytes.js';

/** One field of a template: information element id, length on the wire (65535 = variable), enterprise number. */
export interface TemplateField {
  readonly id: number;
  readonly length: number;
  /** Private enterprise number; 0 for IANA / NetFlow v9 elements. */
  readonly pen: number;
}

/** A template or options template as the exporter announced it (plain data: stores serialise it as JSON). */
export interface TemplateRecord {
  readonly version: 9 | 10;
  readonly templateId: number;
  /** Number of scope fields (options templates); 0 for data templates. */
  readonly scopeCount: number;
  readonly options: boolean;
  readonly fields: readonly TemplateField[];
}

export type TemplateOp =
  | { readonly kind: 'add'; readonly template: TemplateRecord }
  | { readonly kind: 'withdraw'; readonly templateId: number }
  | { readonly kind: 'withdraw-all'; readonly options: boolean }
  | { readonly kind: 'invalid'; readonly message: string; readonly offset: number };

/** Shortest record a template describes (variable-length fields count their 1-byte length prefix). */
export function minRecordLength(t: TemplateRecord): number {
  let n = 0;
  for (const f of t.fields) n += f.length === 65535 ? 1 : f.length;
  return n;
}

export function hasVariableFields(t: TemplateRecord): boolean {
  return t.fields.some((f) => f.length === 65535);
}

/** Most fields a template may have: a set can carry at most (65535 - headers) / 4 field specifiers. */
const MAX_FIELDS = 16383;

function check(t: TemplateRecord, at: number): TemplateOp {
  if (t.fields.length === 0) return { kind: 'invalid', message: `template ${t.templateId} has no fields`, offset: at };
  if (t.templateId < 256) return { kind: 'invalid', message: `template id ${t.templateId} is below 256 (reserved)`, offset: at };
  if (minRecordLength(t) === 0) return { kind: 'invalid', message: `template ${t.templateId} describes records of length 0 (every field has length 0), which cannot be delimited`, offset: at };
  return { kind: 'add', template: t };
}

/**
 * Parses the template records of one NetFlow v9 template flowset (id 0) or IPFIX template set (id 2), from `o`
 * (after the set header) to `end`. Bounded by the set: a field count that runs past the set's end makes the
 * template invalid and ends the set.
 */
export function parseTemplateSet(b: Uint8Array, o: number, end: number, version: 9 | 10): TemplateOp[] {
  const ops: TemplateOp[] = [];
  while (end - o >= 4) {
    const at = o;
    const templateId = u16(b, o);
    const count = u16(b, o + 2);
    o += 4;
    if (templateId === 0 && count === 0) break; // padding
    if (count === 0) {
      // IPFIX template withdrawal (RFC 7011 §8.1); id 2 withdraws every data template of the domain.
      if (version === 10) ops.push(templateId === 2 ? { kind: 'withdraw-all', options: false } : { kind: 'withdraw', templateId });
      else ops.push({ kind: 'invalid', message: `template ${templateId} has no fields`, offset: at });
      continue;
    }
    if (count > MAX_FIELDS || o + count * 4 > end) {
      ops.push({ kind: 'invalid', message: `template ${templateId} declares ${count} fields but its set has room for at most ${Math.floor((end - o) / 4)}`, offset: at });
      return ops;
    }
    const fields: TemplateField[] = [];
    let ok = true;
    for (let i = 0; i < count; i++) {
      if (o + 4 > end) {
        ok = false;
        break;
      }
      let id = u16(b, o);
      const length = u16(b, o + 2);
      o += 4;
      let pen = 0;
      if (version === 10 && id & 0x8000) {
        if (o + 4 > end) {
          ok = false;
          break;
        }
        id &= 0x7fff;
        pen = u32(b, o);
        o += 4;
      }
      if (version === 9 && length === 65535) {
        ops.push({ kind: 'invalid', message: `NetFlow v9 template ${templateId} field ${id} uses the variable length 65535, which only IPFIX has`, offset: at });
        return ops;
      }
      fields.push({ id, length, pen });
    }
    if (!ok) {
      ops.push({ kind: 'invalid', message: `template ${templateId}'s enterprise field specifiers run past the end of its set`, offset: at });
      return ops;
    }
    ops.push(check({ version, templateId, scopeCount: 0, options: false, fields }, at));
  }
  return ops;
}

/** Parses an IPFIX options template set (id 3). */
export function parseIpfixOptionsTemplateSet(b: Uint8Array, o: number, end: number): TemplateOp[] {
  const ops: TemplateOp[] = [];
  while (end - o >= 6) {
    const at = o;
    const templateId = u16(b, o);
    const count = u16(b, o + 2);
    if (templateId === 0 && count === 0) break; // padding
    if (count === 0) {
      ops.push(templateId === 3 ? { kind: 'withdraw-all', options: true } : { kind: 'withdraw', templateId });
      o += 4;
      continue;
    }
    const scopeCount = u16(b, o + 4);
    o += 6;
    if (scopeCount === 0 || scopeCount > count) {
      ops.push({ kind: 'invalid', message: `options template ${templateId} has scope count ${scopeCount} for ${count} fields`, offset: at });
      return ops;
    }
    if (count > MAX_FIELDS || o + count * 4 > end) {
      ops.push({ kind: 'invalid', message: `options template ${templateId} declares ${count} fields but its set has room for at most ${Math.floor((end - o) / 4)}`, offset: at });
      return ops;
    }
    const fields: TemplateField[] = [];
    for (let i = 0; i < count; i++) {
      if (o + 4 > end) {
        ops.push({ kind: 'invalid', message: `options template ${templateId} runs past the end of its set`, offset: at });
        return ops;
      }
      let id = u16(b, o);
      const length = u16(b, o + 2);
      o += 4;
      let pen = 0;
      if (id & 0x8000) {
        if (o + 4 > end) {
          ops.push({ kind: 'invalid', message: `options template ${templateId} runs past the end of its set`, offset: at });
          return ops;
        }
        id &= 0x7fff;
        pen = u32(b, o);
        o += 4;
      }
      fields.push({ id, length, pen });
    }
    ops.push(check({ version: 10, templateId, scopeCount, options: true, fields }, at));
  }
  return ops;
}

/** Parses a NetFlow v9 options template flowset (id 1): scope and option lengths are in bytes (RFC 3954 §6.1). */
export function parseV9OptionsTemplateSet(b: Uint8Array, o: number, end: number): TemplateOp[] {
  const ops: TemplateOp[] = [];
  while (end - o >= 6) {
    const at = o;
    const templateId = u16(b, o);
    const scopeBytes = u16(b, o + 2);
    const optionBytes = u16(b, o + 4);
    o += 6;
    if (templateId === 0 && scopeBytes === 0 && optionBytes === 0) break; // padding
    if (scopeBytes % 4 !== 0 || optionBytes % 4 !== 0 || o + scopeBytes + optionBytes > end) {
      ops.push({ kind: 'invalid', message: `options template ${templateId}: scope length ${scopeBytes} and option length ${optionBytes} do not fit its flowset`, offset: at });
      return ops;
    }
    const fields: TemplateField[] = [];
    const stop = o + scopeBytes + optionBytes;
    for (; o < stop; o += 4) fields.push({ id: u16(b, o), length: u16(b, o + 2), pen: 0 });
    ops.push(check({ version: 9, templateId, scopeCount: scopeBytes / 4, options: true, fields }, at));
    // Records are padded to 4 bytes; the rest of the flowset may be padding.
    if (end - o < 10) break;
  }
  return ops;
}
