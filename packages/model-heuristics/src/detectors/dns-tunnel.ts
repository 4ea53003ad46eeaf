import { type Finding, clamp01, formatSpan, grade, plural, round, severityOf } from '../findings.js';
import type { DetectContext } from './context.js';
import type { DnsClient } from './dns-state.js';

export interface TunnelConfig {
  readonly min_unique_subdomains: number;
  readonly min_mean_length: number;
  readonly min_entropy: number;
  readonly max_clients: number;
}

export const tunnelKey = (client: string, registrable: string): string => `dt|${client}|${registrable}`;

export interface TunnelSkips {
  shared: number;
  listed: number;
}

/**
 * DNS tunnelling findings of one client: many unique, long, high-entropy subdomains of one registrable domain
 * (data encoded in the names), often with TXT/NULL answers (data in the replies), under a domain that few
 * other clients ask about and that is not on the popular list.
 */
export function detectTunnels(client: string, c: DnsClient, cfg: TunnelConfig, ctx: DetectContext, skips: TunnelSkips): Finding[] {
  const out: Finding[] = [];
  for (const [domain, d] of c.domains) {
    const unique = d.subs?.count ?? 0;
    if (unique < cfg.min_unique_subdomains || d.withSub === 0) continue;
    const meanLength = d.subLength / d.withSub;
    const meanEntropy = d.subEntropy / d.withSub;
    const txtShare = d.txtNull / d.queries;
    const randomShare = d.randomSubs / d.withSub;
    // Long names are not enough (search suffixes make long names too): they must look encoded, or carry TXT/NULL.
    if (meanLength < cfg.min_mean_length || (randomShare < 0.5 && meanEntropy < cfg.min_entropy && txtShare < 0.5)) continue;
    const audience = ctx.dnsAudience.count(domain);
    if (audience > cfg.max_clients) {
      skips.shared++;
      continue;
    }
    if (ctx.listed(domain)) {
      skips.listed++;
      continue;
    }
    const span = Math.max(0, d.last - d.first);
    const score = 45 + 25 * grade(unique, cfg.min_unique_subdomains, 5000) + 15 * grade(meanLength, cfg.min_mean_length, 120) + 10 * clamp01(txtShare) + (audience <= 1 ? 5 : 0);
    const shared = audience <= 1 ? 'no other client asks for it' : `only ${plural(audience, 'client')} ask for it`;
    out.push({
      detector: 'dns_tunnel',
      pattern: `dns-tunnel ${client}>${domain}`,
      kind: 'dns',
      source: client,
      domain,
      fields: { [c.clientField]: client, domain_registrable: domain },
      score,
      severity: severityOf(score),
      reasons: [
        `${client} asked ${d.subs?.exact === false ? 'about ' : ''}${plural(unique, 'unique subdomain')} of ${domain} in ${formatSpan(span)} (${plural(d.queries, 'answer')}; subdomains ${Math.round(meanLength)} characters and ${meanEntropy.toFixed(1)} bits per character on average, labels up to ${d.maxLabel}, ${Math.round(randomShare * 100)} % random-looking; ${Math.round(txtShare * 100)} % TXT/NULL); ${shared}: DNS tunnelling`,
      ],
      evidence: {
        domain,
        answers: d.queries,
        unique_subdomains: unique,
        unique_exact: d.subs?.exact ?? true,
        mean_subdomain_length: round(meanLength, 1),
        mean_subdomain_entropy: round(meanEntropy, 2),
        longest_label: d.maxLabel,
        random_looking_share: round(randomShare, 3),
        txt_null_share: round(txtShare, 3),
        nxdomain: d.nx,
        first: d.first,
        last: d.last,
        span_ms: span,
        clients_asking: audience,
        example_event_ids: d.examples.slice(0, ctx.examples),
        ...(c.evicted > 0 ? { limits_host: { domains_evicted: c.evicted } } : {}),
      },
      examples: d.examples,
      keys: [tunnelKey(client, domain)],
    });
  }
  return out;
}
