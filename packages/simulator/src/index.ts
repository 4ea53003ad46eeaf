/**
 * @sightline/simulator: a seeded, deterministic enterprise network that writes the wire formats Sightline's
 * decoders read (NetFlow v9/IPFIX export packets, DNS captures, ProxySG/Squid logs), with planted attacks and
 * their ground truth. `simulate(options)` streams a day (or many) to files in bounded memory.
 */
export { simulate, DEFAULT_START } from './simulate.js';
export type { SimulationOptions, SimulationResult } from './simulate.js';
export { ATTACK_TYPES, describeAttack, planAttacks } from './attacks.js';
export type { AttackInstance, AttackSpec, AttackType } from './attacks.js';
export { buildNetwork, presence, ORG_DOMAIN } from './network.js';
export type { Host, Network, Services } from './network.js';
export { DEFAULT_RATES, Traffic } from './traffic.js';
export type { TrafficRates } from './traffic.js';
export { SITES, USER_AGENTS, externalAddress, topDomainsCsv } from './catalog.js';
export { Rng, Zipf } from './rng.js';
export { encodeQuery, encodeResponse } from './emit/dns-wire.js';
export { ExportPacketBuilder, exportRecords } from './emit/netflow.js';
export type { FlowFormat, FlowRecord } from './emit/netflow.js';
export { PROXYSG_FIELDS, proxySgHeader, proxySgLine, squidLine } from './emit/proxy-log.js';
export type { ActivitySink, DnsActivity, FlowActivity, Label, ProxyActivity } from './activity.js';
export { attackOf, evaluateAlerts, loadGroundTruth } from './ground-truth.js';
export type { AttackFinding, Evaluation, GroundTruth } from './ground-truth.js';
