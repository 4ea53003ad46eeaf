import { IPFIX_ELEMENTS, IPFIX_TYPES, type IpfixType } from './ipfix-registry.generated.js';

/** IANA's private enterprise number for RFC 5103 reverse information elements. */
export const REVERSE_PEN = 29305;

export interface ElementInfo {
  readonly id: number;
  readonly name: string;
  readonly type: IpfixType;
  readonly semantics: string;
  readonly status: string;
  readonly units: string;
}

const BY_ID: (ElementInfo | undefined)[] = [];
const BY_NAME = new Map<string, ElementInfo>();
for (const [id, name, type, semantics, status, units] of IPFIX_ELEMENTS) {
  const info: ElementInfo = { id, name, type: IPFIX_TYPES[type] ?? 'octetArray', semantics, status, units };
  BY_ID[id] = info;
  BY_NAME.set(name, info);
}

/** The IANA information element with this id (enterprise bit clear), if the registry has it. */
export function ianaElement(id: number): ElementInfo | undefined {
  return BY_ID[id];
}

export function ianaElementByName(name: string): ElementInfo | undefined {
  return BY_NAME.get(name);
}

/** How many elements the generated table holds. */
export const IANA_ELEMENT_COUNT = IPFIX_ELEMENTS.length;

/** RFC 5103 §6.1: the reverse of `octetDeltaCount` is `reverseOctetDeltaCount`. */
export function reverseName(name: string): string {
  return `reverse${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}
