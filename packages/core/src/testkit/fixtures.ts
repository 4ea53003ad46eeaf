import { assignEventId } from '../model/event-id.js';
import type { DnsEvent, FlowEvent, OdmEvent, ProxyEvent } from '../model/event.js';

const T0 = Date.UTC(2026, 0, 5, 13, 0, 0);

/** Sample events of each kind, valid against the data model, with ids. Each call returns fresh objects. */
export const EventFixtures = {
  flow(overrides: Partial<FlowEvent> = {}, ordinal = 0): FlowEvent {
    return assignEventId(
      {
        event_kind: 'flow',
        event_time: T0,
        begin_time: T0 - 4200,
        end_time: T0 - 100,
        duration: 4100,
        dvc_ip: '192.0.2.1',
        src_ip: '10.1.2.3',
        dst_ip: '198.51.100.20',
        src_port: 51512,
        dst_port: 443,
        n_proto: 6,
        in_bytes: 5230,
        out_bytes: 0,
        flow_in_packets: 12,
        flow_out_packets: 0,
        net_flags: 0x1b,
        src_tos: 0,
        flow_input: 3,
        flow_output: 7,
        flow_version: 9,
        ...overrides,
      } as FlowEvent,
      ordinal,
    );
  },
  flowV6(overrides: Partial<FlowEvent> = {}, ordinal = 0): FlowEvent {
    return EventFixtures.flow({ src_ip: '2001:db8::10', dst_ip: '2001:db8:ffff::1', n_proto: 17, dst_port: 53, src_port: 40000, net_flags: 0, ...overrides }, ordinal);
  },
  dns(overrides: Partial<DnsEvent> = {}, ordinal = 0): DnsEvent {
    return assignEventId(
      {
        event_kind: 'dns',
        event_time: T0 + 1234,
        src_ip: '192.0.2.53',
        dst_ip: '10.1.2.3',
        src_port: 53,
        dst_port: 40122,
        n_proto: 17,
        dns_message_type: 'response',
        dns_id: 4711,
        dns_opcode: 0,
        dns_flags: ['RD', 'RA'],
        dns_query: 'www.example.com',
        dns_type: 1,
        dns_class: 1,
        dns_response_code: 0,
        dns_answers: [{ name: 'www.example.com', type: 1, class: 1, ttl: 300, data: '93.184.216.34' }],
        dns_question_count: 1,
        dns_answer_count: 1,
        dns_authority_count: 0,
        dns_additional_count: 0,
        dns_len: 91,
        dns_msg_len: 49,
        ...overrides,
      } as DnsEvent,
      ordinal,
    );
  },
  proxy(overrides: Partial<ProxyEvent> = {}, ordinal = 0): ProxyEvent {
    return assignEventId(
      {
        event_kind: 'proxy',
        event_time: T0 + 5000,
        duration: 312,
        src_ip: '10.1.2.3',
        dst_ip: '198.51.100.80',
        dst_port: 80,
        user_name: 'alice',
        prx_method: 'GET',
        prx_scheme: 'http',
        prx_host: 'www.example.com',
        prx_path: '/index.html',
        prx_query: 'q=1',
        prx_uri: 'www.example.com/index.html?q=1',
        prx_code: 200,
        prx_action: 'TCP_MISS',
        prx_filter_result: 'OBSERVED',
        prx_category: 'Technology/Internet',
        prx_browser: 'Mozilla/5.0 (X11; Linux x86_64)',
        prx_type: 'text/html',
        in_bytes: 10432,
        out_bytes: 512,
        ...overrides,
      } as ProxyEvent,
      ordinal,
    );
  },
  /** `n` events cycling through the kinds, with distinct times and ports. */
  mixed(n: number): OdmEvent[] {
    const out: OdmEvent[] = [];
    for (let i = 0; i < n; i++) {
      const t = T0 + i * 1000;
      if (i % 3 === 0) out.push(EventFixtures.flow({ event_time: t, src_port: 40000 + (i % 20000) }, i));
      else if (i % 3 === 1) out.push(EventFixtures.dns({ event_time: t, dns_id: i % 65536 }, i));
      else out.push(EventFixtures.proxy({ event_time: t, prx_path: `/p/${i}` }, i));
    }
    return out;
  },
};
