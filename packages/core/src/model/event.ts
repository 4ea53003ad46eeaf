import type { DnsEvent, FlowEvent, ProxyEvent } from './generated/odm-types.js';

export type {
  ContextBlock,
  DnsEvent,
  DnsRecord,
  Envelope,
  FlowEvent,
  ProxyEvent,
  ScoreBlock,
  TiHit,
} from './generated/odm-types.js';

/** Any event of the open data model. Narrow it with `event.event_kind`. */
export type OdmEvent = FlowEvent | DnsEvent | ProxyEvent;
export type EventKind = OdmEvent['event_kind'];
export type EventOfKind<K extends EventKind> = Extract<OdmEvent, { event_kind: K }>;

export const EVENT_KINDS: readonly EventKind[] = ['flow', 'dns', 'proxy'];

export function isEventKind(value: unknown): value is EventKind {
  return value === 'flow' || value === 'dns' || value === 'proxy';
}
