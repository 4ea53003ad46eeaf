/**
 * A DNS message (RFC 1035 §4.1): header, question, answer, authority and additional sections, with EDNS(0) from
 * the OPT pseudo-record. Reading never throws and never allocates by a count from the header: sections are read
 * record by record against the message's length. When something is malformed, reading stops there and
 * `problem` says what and where; everything read before it is kept (a resolver's log would show the same).
 * A record whose RDATA does not fit its type is kept in RFC 3597 generic form and noted in `problem` too.
 *
 * This is the decoder's hot path: the first question is kept in plain fields, sections are arrays only when they
 * have records, every message object has the same shape, and nothing else is allocated but the records and
 * their text.
 */
import type { DnsRecord } from '@sightline/core';
import { type Edns, readEdns } from './edns.js';
import { lastJumps, lastName, nameError, readName, resetNames } from './name.js';
import { formatRdata, genericRdata, rdataError } from './rdata.js';
import { typeName } from './types.js';

export const HEADER_LENGTH = 12;

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export interface DnsMessage {
  readonly id: number;
  /** The 16 flag bits as sent. */
  readonly flags: number;
  readonly response: boolean;
  readonly opcode: number;
  /** Header RCODE (4 bits); see `rcode` for the full code. */
  readonly headerRcode: number;
  /** Full response code: the header's 4 bits plus EDNS's extended 8 bits when an OPT record is present. */
  rcode: number;
  readonly qdcount: number;
  readonly ancount: number;
  readonly nscount: number;
  readonly arcount: number;
  /** The first question, when there is one. */
  qname: string | undefined;
  qtype: number | undefined;
  qclass: number | undefined;
  /** Questions after the first (rare). */
  moreQuestions: DnsQuestion[] | undefined;
  answers: DnsRecord[] | undefined;
  authorities: DnsRecord[] | undefined;
  /** Additional records without the OPT pseudo-record. */
  additionals: DnsRecord[] | undefined;
  edns: Edns | undefined;
  /** Where the OPT record sits among the additionals (index before which it came), for tools that list it. */
  optIndex: number | undefined;
  /** Message length in bytes. */
  readonly length: number;
  /** Bytes after the last section (padding, or garbage); 0 normally. */
  trailing: number;
  /** First problem met, with the byte offset in the message where it was found. */
  problem: { readonly message: string; readonly at: number; readonly fatal: boolean } | undefined;
}

export interface ParseOptions {
  /** mDNS (RFC 6762): the top bit of a question's class is the unicast-response bit and of a record's class the cache-flush bit; strip them. */
  readonly mdns?: boolean;
}

/** Every question of a message, in order. */
export function questionsOf(m: DnsMessage): DnsQuestion[] {
  if (m.qname === undefined) return [];
  return [{ name: m.qname, type: m.qtype!, class: m.qclass! }, ...(m.moreQuestions ?? [])];
}

const SECTION_NAMES = ['answer', 'authority', 'additional'] as const;

// A section's records are gathered here, then copied into an array of their exact number (a list grown by push
// would take room for 17).
const gathered: DnsRecord[] = [];
const EMPTY_RECORD: DnsRecord = { name: '', type: 0, class: 0, ttl: 0, data: '' };

/**
 * Decodes the DNS message in `buf[start, end)`. Returns undefined when it is shorter than a header (nothing to
 * keep); otherwise the message, complete or with `problem` set.
 */
export function parseMessage(buf: Uint8Array, start = 0, end = buf.length, options?: ParseOptions): DnsMessage | undefined {
  const m = buf;
  const len = end - start;
  if (len < HEADER_LENGTH) return undefined;
  resetNames();
  const b = start;
  const flags = (m[b + 2]! << 8) | m[b + 3]!;
  const classMask = options?.mdns === true ? 0x7fff : 0xffff;
  const msg: DnsMessage = {
    id: (m[b]! << 8) | m[b + 1]!,
    flags,
    response: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 15,
    headerRcode: flags & 15,
    rcode: flags & 15,
    qdcount: (m[b + 4]! << 8) | m[b + 5]!,
    ancount: (m[b + 6]! << 8) | m[b + 7]!,
    nscount: (m[b + 8]! << 8) | m[b + 9]!,
    arcount: (m[b + 10]! << 8) | m[b + 11]!,
    qname: undefined,
    qtype: undefined,
    qclass: undefined,
    moreQuestions: undefined,
    answers: undefined,
    authorities: undefined,
    additionals: undefined,
    edns: undefined,
    optIndex: undefined,
    length: len,
    trailing: 0,
    problem: undefined,
  };
  let p = b + HEADER_LENGTH;
  // An owner name that is only a pointer to the first question's name (0xc00c: most answers) is that name: what
  // readName would answer, without the call (unless the question's own chain of jumps leaves no room for one more).
  let atQuestion = '';
  for (let i = 0; i < msg.qdcount; i++) {
    const next = readName(m, b, p, end);
    if (next < 0) {
      msg.problem = { message: `question ${i + 1}: the name ${nameError(next)}`, at: p - b, fatal: true };
      return msg;
    }
    if (next + 4 > end) {
      msg.problem = { message: `question ${i + 1} is cut short`, at: p - b, fatal: true };
      return msg;
    }
    const type = (m[next]! << 8) | m[next + 1]!;
    const cls = ((m[next + 2]! << 8) | m[next + 3]!) & classMask;
    if (i === 0) {
      if (lastJumps < 127) atQuestion = lastName;
      msg.qname = lastName;
      msg.qtype = type;
      msg.qclass = cls;
    } else (msg.moreQuestions ??= []).push({ name: lastName, type, class: cls });
    p = next + 4;
  }
  for (let s = 0; s < 3; s++) {
    const count = s === 0 ? msg.ancount : s === 1 ? msg.nscount : msg.arcount;
    let n = 0;
    let optAt = -1;
    for (let i = 0; i < count; i++) {
      let next: number;
      let owner: string;
      if (atQuestion !== '' && p + 1 < end && m[p] === 0xc0 && m[p + 1] === HEADER_LENGTH) {
        next = p + 2;
        owner = atQuestion;
      } else if (p < end && m[p] === 0) {
        // The root (the OPT record's owner): what readName would answer, without the call.
        next = p + 1;
        owner = '.';
      } else {
        next = readName(m, b, p, end);
        if (next < 0) {
          msg.problem = { message: `${SECTION_NAMES[s]} record ${i + 1}: the owner name ${nameError(next)}`, at: p - b, fatal: true };
          break;
        }
        owner = lastName;
      }
      if (next + 10 > end) {
        msg.problem = { message: `${SECTION_NAMES[s]} record ${i + 1} is cut short (${end - next} bytes left for a 10-byte header)`, at: p - b, fatal: true };
        break;
      }
      const type = (m[next]! << 8) | m[next + 1]!;
      const cls = (m[next + 2]! << 8) | m[next + 3]!;
      const ttl = ((m[next + 4]! << 24) | (m[next + 5]! << 16) | (m[next + 6]! << 8) | m[next + 7]!) >>> 0;
      const rdlen = (m[next + 8]! << 8) | m[next + 9]!;
      const rd = next + 10;
      if (rd + rdlen > end) {
        msg.problem = { message: `${SECTION_NAMES[s]} record ${i + 1} (${typeName(type)}) declares ${rdlen} data bytes but ${end - rd} remain`, at: next + 8 - b, fatal: true };
        break;
      }
      p = rd + rdlen;
      if (type === 41) {
        if (s === 2 && msg.edns === undefined) {
          if (owner !== '.') noteProblem(msg, `additional record ${i + 1}: the OPT record's owner is ${owner}, not the root`, next - b);
          const edns = readEdns(m, cls, ttl, rd, rd + rdlen);
          msg.edns = edns;
          optAt = n;
          msg.rcode = (edns.extendedRcode << 4) | msg.headerRcode;
          if (edns.problems !== undefined) noteProblem(msg, `additional record ${i + 1} (OPT): ${edns.problems[0]}`, rd - b);
          continue;
        }
        noteProblem(msg, `${SECTION_NAMES[s]} record ${i + 1}: ${s === 2 ? 'a second OPT record' : `an OPT record in the ${SECTION_NAMES[s]} section`}`, next - b);
      }
      let data = formatRdata(m, b, type, rd, rd + rdlen, end);
      if (data === undefined) {
        noteProblem(msg, `${SECTION_NAMES[s]} record ${i + 1} (${typeName(type)}): ${rdataError}`, rd - b);
        data = genericRdata(m, rd, rd + rdlen);
      }
      gathered[n++] = { name: owner, type, class: cls & classMask, ttl, data };
    }
    if (optAt >= 0) msg.optIndex = optAt;
    if (n > 0) {
      const list = n === 1 ? [gathered[0]!] : gathered.slice(0, n);
      if (s === 0) msg.answers = list;
      else if (s === 1) msg.authorities = list;
      else msg.additionals = list;
      for (let i = 0; i < n; i++) gathered[i] = EMPTY_RECORD; // (no record is kept alive by the scratch list)
    }
    if (msg.problem?.fatal === true) return msg;
  }
  msg.trailing = end - p;
  return msg;
}

function noteProblem(msg: DnsMessage, message: string, at: number): void {
  msg.problem ??= { message, at, fatal: false };
}
