import { describe, expect, it } from 'vitest';
import { EventFixtures } from '../testkit/fixtures.js';
import { validateEvent } from './validate-event.js';

describe('validateEvent', () => {
  it('accepts the fixtures of every kind, IPv4 and IPv6', () => {
    for (const e of [EventFixtures.flow(), EventFixtures.flowV6(), EventFixtures.dns(), EventFixtures.proxy()]) expect(validateEvent(e)).toEqual({ ok: true });
  });

  it('names the path of a wrong value', () => {
    expect(validateEvent({ ...EventFixtures.flow(), src_port: 70000 })).toEqual({ ok: false, path: 'src_port', message: 'must be <= 65535' });
    expect(validateEvent({ ...EventFixtures.flow(), src_ip: '10.0.0.256' })).toMatchObject({ ok: false, path: 'src_ip' });
    expect(validateEvent({ ...EventFixtures.dns(), dns_answers: [{ name: 'x', type: 'A' }] })).toMatchObject({ ok: false, path: 'dns_answers[0].type' });
  });

  it('rejects fields that are not in the data model (typos do not pass silently)', () => {
    expect(validateEvent({ ...EventFixtures.flow(), src_prot: 1 })).toEqual({ ok: false, path: 'src_prot', message: 'is not a known field here' });
    // A field of another kind is not allowed either.
    expect(validateEvent({ ...EventFixtures.flow(), dns_query: 'x' })).toMatchObject({ ok: false, path: 'dns_query' });
  });

  it('requires the envelope and a known kind', () => {
    expect(validateEvent({ event_kind: 'flow' })).toMatchObject({ ok: false });
    expect(validateEvent({ ...EventFixtures.flow(), event_kind: 'netflow' })).toMatchObject({ ok: false, path: 'event_kind' });
    expect(validateEvent(null)).toMatchObject({ ok: false, path: '(root)' });
    expect(validateEvent({ ...EventFixtures.flow(), event_id: 'abc' })).toMatchObject({ ok: false, path: 'event_id' });
  });

  it('accepts context and score blocks on any kind', () => {
    const e = { ...EventFixtures.proxy(), src_zone: 'vpn', src_lat: 48.1, ti_hits: [{ indicator: 'evil.example', type: 'domain', source: 'feed', field: 'prx_host', severity: 3 }], score_model: 'lda', score_value: 0.001, score_order: 'asc', score_rank: 1, score_evidence: { n: 1 } };
    expect(validateEvent(e)).toEqual({ ok: true });
  });
});
