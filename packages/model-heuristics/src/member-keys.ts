import { type OdmEvent, dnsClient } from '@sightline/core';
import { beaconKeyFlow, beaconKeyWeb } from './detectors/beaconing.js';
import { dgaKey } from './detectors/dga.js';
import { tunnelKey } from './detectors/dns-tunnel.js';
import { exfilKeyFlow, exfilKeyWeb } from './detectors/exfiltration.js';
import { scanKeyHorizontal, scanKeyVertical } from './detectors/scanning.js';
import { DomainSplitter } from './features/domains.js';
import { newFlowFacts, readFlow } from './features/flow-facts.js';

/**
 * The member keys an event would have in each detector: the same normalisation the window pass uses (who is
 * the client, which service, which registrable domain), so that in `members` mode every event of a finding can
 * be found from the finding's keys.
 */
export class MemberKeys {
  readonly #facts = newFlowFacts();
  readonly #splitter = new DomainSplitter(16384);
  readonly #maxProbePackets: number;
  readonly #ignoreUdp: ReadonlySet<number>;

  constructor(maxProbePackets: number, ignoreUdp: ReadonlySet<number>) {
    this.#maxProbePackets = maxProbePackets;
    this.#ignoreUdp = ignoreUdp;
  }

  of(e: OdmEvent): string[] {
    if (e.event_kind === 'flow') {
      const f = this.#facts;
      if (!readFlow(e, f, this.#maxProbePackets, this.#ignoreUdp)) return [];
      const keys = [beaconKeyFlow(f.client, f.server, f.serverPort, f.proto), exfilKeyFlow(f.client, f.server)];
      if (f.probe) keys.push(scanKeyVertical(f.client, f.server), scanKeyHorizontal(f.client, f.serverPort, f.proto));
      return keys;
    }
    if (e.event_kind === 'dns') {
      const client = dnsClient(e);
      if (client === undefined || e.dns_query === undefined) return [];
      const reg = e.domain_registrable?.toLowerCase() ?? this.#splitter.split(e.dns_query).registrable;
      return reg === undefined ? [] : [tunnelKey(client, reg), dgaKey(client, reg)];
    }
    const host = (e.prx_host ?? e.dst_ip)?.toLowerCase();
    if (e.src_ip === undefined || host === undefined) return [];
    return [beaconKeyWeb(e.src_ip, host), exfilKeyWeb(e.src_ip, host)];
  }
}
