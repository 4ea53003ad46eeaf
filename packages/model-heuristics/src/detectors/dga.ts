import { type Finding, formatSpan, grade, plural, round, severityOf } from '../findings.js';
import { hash32, hex32 } from '../sketch/hash.js';
import type { DetectContext } from './context.js';
import type { DnsClient } from './dns-state.js';

export interface DgaConfig {
  readonly min_nxdomains: number;
  readonly min_random_share: number;
}

export const dgaKey = (client: string, registrable: string): string => `dg|${client}|${registrable}`;

/** What a client's random-looking names have in common: the family-like signature of the generator. */
export interface DgaFamily {
  readonly id: string;
  /** `a-z`, `a-z0-9`, `hex`, with `-` when names have hyphens. */
  readonly charset: string;
  /** Label lengths, 10th to 90th percentile, widened to multiples of 4. */
  readonly length: readonly [number, number];
  /** Suffixes with at least 5 % of the names, most used first. */
  readonly suffixes: readonly string[];
}

function charsetOf(labels: readonly string[]): string {
  let digits = false;
  let letters = false;
  let nonHex = false;
  let hyphen = false;
  for (const l of labels) {
    for (let i = 0; i < l.length; i++) {
      const c = l.charCodeAt(i);
      if (c >= 48 && c <= 57) digits = true;
      else if (c === 45) hyphen = true;
      else {
        letters = true;
        if (c > 102) nonHex = true;
      }
    }
  }
  const base = digits && letters && !nonHex ? 'hex' : digits && letters ? 'a-z0-9' : digits ? '0-9' : 'a-z';
  return hyphen ? `${base}-` : base;
}

/** The family signature of a set of random-looking registrable domains. */
export function familyOf(names: readonly string[], labelOf: (registrable: string) => { label: string; suffix: string }): DgaFamily {
  const parts = names.map(labelOf);
  const lengths = parts.map((p) => p.label.length).sort((a, b) => a - b);
  const q = (f: number): number => lengths[Math.min(lengths.length - 1, Math.floor(f * lengths.length))] ?? 0;
  const length: [number, number] = [Math.max(1, Math.floor(q(0.1) / 4) * 4), Math.ceil((q(0.9) + 1) / 4) * 4];
  const bySuffix = new Map<string, number>();
  for (const p of parts) bySuffix.set(p.suffix, (bySuffix.get(p.suffix) ?? 0) + 1);
  const suffixes = [...bySuffix.entries()]
    .filter(([, c]) => c >= 0.05 * parts.length)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 12)
    .map(([s]) => s);
  const charset = charsetOf(parts.map((p) => p.label));
  const id = `dga-${hex32(hash32(`${charset}|${length[0]}-${length[1]}|${[...suffixes].sort().join(',')}`))}`;
  return { id, charset, length, suffixes };
}

/**
 * DGA findings: a client whose NXDOMAIN answers are mostly for random-looking registrable domains (the
 * generator tries many names until one resolves). Each finding carries its family signature; clients with
 * the same signature are one cluster (the same malware on several hosts), listed on every member.
 */
export function detectDga(clients: ReadonlyMap<string, DnsClient>, cfg: DgaConfig, ctx: DetectContext, labelOf: (registrable: string) => { label: string; suffix: string }): Finding[] {
  const hits: { client: string; c: DnsClient; family: DgaFamily; names: string[] }[] = [];
  for (const [client, c] of clients) {
    const random = c.randomNx?.count ?? 0;
    if (random < cfg.min_nxdomains) continue;
    const nx = c.nxDomains?.count ?? random;
    const share = random / Math.max(1, nx);
    if (share < cfg.min_random_share) continue;
    const names = [...c.randomNames.keys()];
    hits.push({ client, c, family: familyOf(names, labelOf), names });
  }
  const members = new Map<string, string[]>();
  for (const h of hits) members.set(h.family.id, [...(members.get(h.family.id) ?? []), h.client]);
  return hits.map(({ client, c, family, names }) => {
    const random = c.randomNx?.count ?? 0;
    const nx = c.nxDomains?.count ?? random;
    const resolved = [...c.randomNames.entries()].filter(([, r]) => r).map(([n]) => n);
    const share = random / Math.max(1, nx);
    const span = Math.max(0, c.lastRandom - c.firstRandom);
    const cluster = members.get(family.id) ?? [client];
    const score = 45 + 30 * grade(random, cfg.min_nxdomains, 1000) + 15 * share + (resolved.length > 0 ? 5 : 0) + (cluster.length > 1 ? 5 : 0);
    const famText = `family ${family.id}: ${family.length[0]}-${family.length[1]} characters of ${family.charset}, ${family.suffixes.map((s) => `.${s}`).join(' ')}`;
    return {
      detector: 'dga',
      pattern: `dga ${client}`,
      kind: 'dns',
      source: client,
      fields: { [c.clientField]: client },
      score,
      severity: severityOf(score),
      reasons: [
        `${client} got NXDOMAIN for ${c.randomNx?.exact === false ? 'about ' : ''}${plural(random, 'random-looking domain')} in ${formatSpan(span)} (${Math.round(share * 100)} % of its ${plural(nx, 'NXDOMAIN domain')})${resolved.length > 0 ? `; ${plural(resolved.length, 'random-looking name')} did resolve (${resolved.slice(0, 3).join(', ')})` : ''}; ${famText}${cluster.length > 1 ? `, also seen on ${plural(cluster.length - 1, 'other host')}` : ''}: domain generation algorithm`,
      ],
      evidence: {
        random_nxdomain_domains: random,
        nxdomain_domains: nx,
        random_share: round(share, 3),
        random_resolved: resolved.length,
        resolved_names: resolved.slice(0, 10),
        names_sample: names.slice(0, 10),
        family: { ...family, hosts: cluster },
        first: c.firstRandom,
        last: c.lastRandom,
        span_ms: span,
        example_event_ids: c.dgaExamples.slice(0, ctx.examples),
        ...(c.namesDropped > 0 ? { limits: { random_names_not_kept: c.namesDropped } } : {}),
      },
      examples: c.dgaExamples,
      keys: names.map((n) => dgaKey(client, n)),
    } satisfies Finding;
  });
}
