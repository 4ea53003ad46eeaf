import { describe, expect, it } from 'vitest';
import { MIN, Rand, T0, background, detectorsOf, exchange, fitScore, flow } from './craft.js';

const SYN = 0x02;

describe('scanning', () => {
  it('finds a vertical scan: one source probing many ports of one host with SYNs, and not the target that answers', async () => {
    const r = new Rand(1);
    const events = background(r);
    for (let p = 1; p <= 200; p++) {
      events.push(flow({ src: '10.10.0.5', dst: '10.20.0.30', sport: 40000 + p, dport: p, t: T0 + p * 300, packets: 1, bytes: 44, flags: SYN }));
      events.push(flow({ src: '10.20.0.30', dst: '10.10.0.5', sport: p, dport: 40000 + p, t: T0 + p * 300 + 1, packets: 1, bytes: 40, flags: 0x14 }));
    }
    const f = await fitScore(events);
    expect(detectorsOf(f)).toEqual(['scanning']);
    const finding = f.data.findings[0]!;
    expect(finding.pattern).toBe('scan vertical 10.10.0.5>10.20.0.30');
    expect(finding.evidence).toMatchObject({ scan: 'vertical', distinct_ports: 200, probes: 200, first_port: 1, last_port: 200 });
    expect(finding.reasons[0]).toContain('probed 200 ports of 10.20.0.30');
    expect(f.alerts).toHaveLength(1);
    expect(f.alerts[0]!.event.src_ip).toBe('10.10.0.5');
    expect(f.alerts[0]!.outcome).toMatchObject({ word: finding.pattern, severity: finding.severity });
    expect((f.alerts[0]!.outcome.evidence!['example_event_ids'] as string[])[0]).toBe(f.alerts[0]!.event.event_id);
  });

  it('finds a horizontal scan on two ports as one finding, also from an exporter that gives no TCP flags', async () => {
    const events = background(new Rand(2));
    for (let h = 0; h < 60; h++) {
      for (const port of [445, 3389]) events.push(flow({ src: '10.10.0.9', dst: `10.10.${1 + Math.floor(h / 200)}.${h + 1}`, sport: 50000 + h, dport: port, t: T0 + h * 1000 + port, packets: 2, bytes: 88 }));
    }
    const f = await fitScore(events);
    expect(f.data.findings.map((x) => x.pattern)).toEqual(['scan horizontal 10.10.0.9']);
    expect(f.data.findings[0]!.evidence).toMatchObject({ scan: 'horizontal', distinct_hosts: 60, probes: 120 });
    expect(f.data.findings[0]!.reasons[0]).toContain('60 hosts on 445/tcp, 3389/tcp');
  });

  it('does not fire on NTP answers, resolver recursion, a busy proxy, or a few failed connections', async () => {
    const events = background(new Rand(3));
    for (let h = 0; h < 200; h++) {
      // Every workstation polls the domain controller's NTP; the DC answers each with one packet (123 -> 123).
      const ws = `10.10.${Math.floor(h / 250)}.${(h % 250) + 5}`;
      events.push(flow({ src: ws, dst: '10.20.0.10', sport: 123, dport: 123, proto: 17, t: T0 + h * 500, packets: 1, bytes: 76 }));
      events.push(flow({ src: '10.20.0.10', dst: ws, sport: 123, dport: 123, proto: 17, t: T0 + h * 500 + 2, packets: 1, bytes: 76 }));
    }
    for (let n = 0; n < 300; n++) {
      // The resolver asks 300 authoritative servers once each.
      events.push(flow({ src: '10.20.0.53', dst: `198.18.${n >> 8}.${n & 255}`, sport: 30000 + n, dport: 53, proto: 17, t: T0 + n * 100, packets: 1, bytes: 70 }));
      // The proxy opens full sessions to 300 sites.
      events.push(...exchange({ client: '10.20.0.8', server: `198.19.${n >> 8}.${n & 255}`, cport: 20000 + n, sport: 443, t: T0 + n * 100, up: 900, down: 30000 }));
    }
    for (let k = 0; k < 10; k++) events.push(flow({ src: '10.10.0.11', dst: '10.20.0.99', sport: 41000 + k, dport: 8000 + k, t: T0 + 5 * MIN + k, packets: 1, bytes: 44, flags: SYN }));
    const f = await fitScore(events);
    expect(f.data.findings).toEqual([]);
    expect(f.alerts).toEqual([]);
  });
});
