import { describe, expect, it } from 'vitest';
import { compileRecord } from '../src/fast-record.js';
import { planTemplate } from '../src/field-plan.js';
import { type PacketContext, dataRecordToEvent } from '../src/to-event.js';
import type { TemplateRecord } from '../src/wire/template.js';

// Compiled record decoders must give exactly the general decoder's event (values, keys and key order), or leave
// the record to it. Templates with every kind of mapped element, decoded from random bytes with some bytes forced
// to edge values (masks over 128, VLANs over 4095, ICMP, zero ports, times that cannot be placed).
const REV = 29305;
const templates: [string, 9 | 10, [number, number, number?][]][] = [
  ['softflowd v9', 9, [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 1], [5, 1], [1, 4], [2, 4], [22, 4], [21, 4], [10, 2], [14, 2]]],
  ['v9 with masks, ASNs, next hops, VLANs, MACs, direction', 9, [[8, 4], [12, 4], [15, 4], [18, 4], [9, 1], [13, 1], [16, 4], [17, 2], [58, 2], [59, 2], [56, 6], [80, 6], [61, 1], [89, 1], [7, 2], [11, 2], [4, 1], [22, 4], [21, 4], [1, 8], [2, 8], [23, 4], [24, 4]]],
  ['v9 IPv6 with ICMP type/code, sampling and sampler id', 9, [[27, 16], [28, 16], [62, 16], [4, 1], [32, 2], [7, 2], [11, 2], [34, 4], [48, 2], [1, 4], [2, 4], [22, 4], [21, 4]]],
  ['v9 NSEL translation and initiator/responder counters', 9, [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [225, 4], [226, 4], [227, 2], [228, 2], [231, 4], [232, 4], [298, 8], [299, 8], [152, 8], [153, 8], [233, 1]]],
  ['IPFIX ms times, end reason, unknown and enterprise elements', 10, [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 2], [1, 8], [2, 8], [152, 8], [153, 8], [136, 1], [95, 4], [60, 1], [5000, 3], [7, 4, 9], [1, 8, REV], [2, 8, REV], [210, 3]]],
  ['IPFIX uptime stamps (need a boot time) and duration', 10, [[8, 4], [12, 4], [4, 1], [7, 2], [11, 2], [22, 4], [21, 4], [161, 4], [176, 1], [177, 1]]],
  ['IPFIX seconds, NTP and delta times, system init, no addresses', 10, [[7, 2], [11, 2], [4, 1], [150, 4], [151, 4], [154, 8], [158, 4], [160, 8], [162, 4], [305, 4], [302, 4]]],
];

let seed = 0x5eed;
const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;

function context(version: 9 | 10, i: number): PacketContext {
  const samplers = i % 3 === 0 ? new Map([[-1, 10], [5, 100]]) : undefined;
  return { version, exportMs: 1_700_000_000_000, uptimeMs: version === 9 ? 3_600_000 : -1, eventTime: 1_700_000_000_500, dvcIp: i % 4 === 1 ? undefined : '192.0.2.1', dvcPort: 2055, domain: 7, systemInitMs: i % 2 === 0 ? 1_699_990_000_000 : -1, samplers, idPrefix: new Uint32Array(4) };
}

describe('compiled record decoders', () => {
  for (const [name, version, spec] of templates) {
    it(`give the general decoder's events, key order included: ${name}`, () => {
      const t: TemplateRecord = { version, templateId: 256, scopeCount: 0, options: false, fields: spec.map(([id, length, pen]) => ({ id, length, pen: pen ?? 0 })) };
      const plan = planTemplate(t);
      const fast = compileRecord(t, plan.actions, plan.keys, plan.types, plan.eventKeys);
      expect(fast).toBeDefined();
      const length = plan.recordLength;
      let compiled = 0;
      for (let i = 0; i < 400; i++) {
        const b = new Uint8Array(length + 8);
        for (let k = 0; k < b.length; k++) b[k] = rand() < 0.3 ? 0 : (rand() * 256) | 0;
        // Common shapes: a real protocol, small counters, stamps just before the header's uptime.
        let o = 3;
        for (const [id, len] of spec) {
          if (id === 4 && len === 1) b[o] = [6, 17, 1, 58, 250][i % 5]!;
          if ((id === 22 || id === 21) && i % 7 !== 0) new DataView(b.buffer).setUint32(o, 3_590_000 + ((rand() * 9000) | 0));
          if ((id === 7 || id === 11) && i % 5 === 2) b[o] = b[o + 1] = 0;
          if ((id === 9 || id === 13) && i % 6 !== 0) b[o] = b[o]! & 31; // masks over 128 now and then
          if ((id === 58 || id === 59) && i % 6 !== 0) b[o] = b[o]! & 15; // VLANs over 4095 now and then
          o += len;
        }
        const ctx = context(version, i);
        const general = dataRecordToEvent(b, 3, b.length, plan, ctx)!;
        general.event_id = `id${i}`;
        const e = fast!(b, 3, ctx, `id${i}`);
        if (e === undefined) continue;
        compiled++;
        expect(JSON.stringify(e)).toBe(JSON.stringify(general));
      }
      expect(compiled).toBeGreaterThan(100);
    });
  }

  it('are not made for templates the general decoder handles alone (variable length, two source addresses, impossible lengths)', () => {
    const make = (fields: [number, number][]): unknown => {
      const t: TemplateRecord = { version: 10, templateId: 300, scopeCount: 0, options: false, fields: fields.map(([id, length]) => ({ id, length, pen: 0 })) };
      const plan = planTemplate(t);
      return compileRecord(t, plan.actions, plan.keys, plan.types, plan.eventKeys);
    };
    expect(make([[8, 4], [12, 4], [96, 65535]])).toBeUndefined();
    expect(make([[8, 4], [27, 16], [12, 4]])).toBeUndefined();
    expect(make([[8, 4], [12, 4], [4, 2]])).toBeUndefined();
    expect(make([[8, 4], [12, 4], [4, 1]])).toBeDefined();
  });
});
