import type { ModelReport, ModelState } from '@sightline/core';
import { formatBytes, formatCount } from './findings.js';
import type { HeuristicsData } from './state.js';

/** What a fitted window found and suppressed, and what the model tracked to find it, for an analyst. */
export function describeState(state: ModelState, data: HeuristicsData): ModelReport {
  const s = data.stats;
  const bySeverity = new Map<string, number>();
  for (const f of data.findings) bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const severities = ['critical', 'high', 'medium', 'low', 'info'].filter((k) => bySeverity.has(k)).map((k) => `${bySeverity.get(k)} ${k}`);
  const summary = `heuristics, window from ${new Date(state.window.start).toISOString()}: ${formatCount(data.findings.length)} finding${data.findings.length === 1 ? '' : 's'}${severities.length > 0 ? ` (${severities.join(', ')})` : ''}, ${formatCount(data.suppressed.length)} suppressed; ${formatCount(s.events.flow)} flow, ${formatCount(s.events.dns)} DNS and ${formatCount(s.events.proxy)} proxy events from ${formatCount(s.hostsTracked)} hosts`;
  const sections: { title: string; lines: string[] }[] = [];
  const detectors = [...new Set(data.findings.map((f) => f.detector))];
  for (const d of detectors) {
    const list = data.findings.filter((f) => f.detector === d);
    sections.push({ title: `${d}: ${list.length} finding${list.length === 1 ? '' : 's'}`, lines: list.slice(0, 20).map((f) => `[${f.severity} ${f.score.toFixed(0)}] ${f.reasons[0] ?? f.pattern}`) });
  }
  if (data.suppressed.length > 0) {
    sections.push({
      title: `suppressed (the noise filter): ${data.suppressed.length}`,
      lines: data.suppressed.map((x) => {
        const why = x.suppression.by === 'rating' ? `analyst rating ${x.suppression.rating_id} (low risk)${x.suppression.analyst === undefined ? '' : ` by ${x.suppression.analyst}`}` : `allow rule #${x.suppression.rule}`;
        return `${x.pattern} [would be ${x.severity} ${x.score.toFixed(0)}] by ${why}${x.suppression.note === undefined ? '' : `: ${x.suppression.note}`}`;
      }),
    });
  }
  const k = data.knowledge;
  sections.push({
    title: 'limits and memory',
    lines: [
      `tracked ${formatCount(s.hostsTracked)} hosts, about ${formatBytes(s.memoryBytes)} of counters (${formatBytes(s.memoryBytesPerHost)} per host) and ${formatBytes(s.sharedBytes)} of shared tables`,
      `${formatCount(s.untrackedEvents)} events of hosts beyond max_hosts were counted but not analysed; ${formatCount(s.unusable)} events lacked addresses or names`,
      `evicted: ${formatCount(s.peersEvicted)} destinations and ${formatCount(s.domainsEvicted)} domains (least active first); audiences forgotten: ${formatCount(s.destinationsForgotten)}`,
      `not alerted: ${s.skipped.beaconSharedDestination} regular series to shared destinations, ${s.skipped.beaconListedDomain} to popular domains, ${s.skipped.beaconLargeTransfers} large periodic transfers; ${s.skipped.tunnelSharedDomain} tunnel-like domains asked by many clients, ${s.skipped.tunnelListedDomain} popular ones`,
      k.ngram === undefined ? 'DGA n-gram model: off' : `DGA n-gram model: ${formatCount(k.ngram.labels)} labels (${k.ngram.corpus}), threshold at the ${k.ngram.percentile}th percentile, fingerprint ${k.ngram.fingerprint}`,
      k.top_domains === undefined ? 'popular domains: none configured (context marks from enrich-context are used when present)' : `popular domains: ${formatCount(k.top_domains.domains)} from ${k.top_domains.path}`,
    ],
  });
  return { summary, sections };
}
