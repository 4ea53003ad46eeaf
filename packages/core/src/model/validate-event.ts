import type { ValidateFunction } from 'ajv';
import { type AjvInstance, createAjv, describeAjvError } from './ajv.js';
import type { EventKind, OdmEvent } from './event.js';
import { isEventKind } from './event.js';
import { contextSchema, dnsSchema, envelopeSchema, flowSchema, proxySchema, scoreSchema } from './generated/odm-schemas.js';

export type EventValidation = { readonly ok: true } | { readonly ok: false; readonly path: string; readonly message: string };

let ajv: AjvInstance | undefined;
const validators = new Map<EventKind, ValidateFunction>();

function compiled(kind: EventKind): ValidateFunction {
  let v = validators.get(kind);
  if (v === undefined) {
    if (ajv === undefined) {
      ajv = createAjv();
      ajv.addSchema([envelopeSchema, contextSchema, scoreSchema]);
    }
    v = ajv.compile(kind === 'flow' ? flowSchema : kind === 'dns' ? dnsSchema : proxySchema);
    validators.set(kind, v);
  }
  return v;
}

/**
 * Checks an event against the open data model. Validators are compiled once, on first use. Never throws: a bad
 * event gets the path of its first problem (`src_port: must be <= 65535`).
 */
export function validateEvent(event: unknown): EventValidation {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { ok: false, path: '(root)', message: 'must be an object' };
  }
  const kind = (event as { event_kind?: unknown }).event_kind;
  if (!isEventKind(kind)) {
    return { ok: false, path: 'event_kind', message: 'must be one of "flow", "dns", "proxy"' };
  }
  const validate = compiled(kind);
  if (validate(event)) return { ok: true };
  const first = validate.errors?.[0];
  return first === undefined ? { ok: false, path: '(root)', message: 'is invalid' } : { ok: false, ...describeAjvError(first) };
}

export function isValidEvent(event: unknown): event is OdmEvent {
  return validateEvent(event).ok;
}
