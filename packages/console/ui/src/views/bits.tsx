import type { AlertContext, RatingBrief, Risk } from '../api.js';
import { RISK_NAME } from '../format.js';

/** Zone, host, geography, ASN and threat-intelligence facts the enrichers added, as small labels. */
export function ContextChips({ ctx }: { ctx: AlertContext }) {
  const chips: { text: string; title: string; cls: string }[] = [];
  const side = (s: 'src' | 'dst'): void => {
    const zone = ctx[`${s}_zone`];
    const host = ctx[`${s}_host`];
    const cc = ctx[`${s}_country`];
    const asn = ctx[`${s}_asn`];
    const org = ctx[`${s}_asn_org`];
    if (zone !== undefined) chips.push({ text: zone, title: `${s} zone`, cls: 'zone' });
    if (host !== undefined) chips.push({ text: host, title: `${s} host`, cls: 'host' });
    if (cc !== undefined) chips.push({ text: cc, title: `${s} country`, cls: 'geo' });
    if (asn !== undefined && asn !== 0) chips.push({ text: `AS${asn}`, title: `${s} ASN${org === undefined ? '' : `: ${org}`}`, cls: 'asn' });
  };
  side('src');
  side('dst');
  if (ctx.ti !== undefined) chips.push({ text: `intel ${ctx.ti.length}`, title: ctx.ti.join('\n'), cls: `ti sev-${ctx.ti_severity ?? 0}` });
  if (ctx.risk_priority !== undefined) chips.push({ text: `prio ${Math.round(ctx.risk_priority)}`, title: 'risk priority', cls: 'prio' });
  if (chips.length === 0) return <span class="muted">–</span>;
  return (
    <span class="chips">
      {chips.map((c, i) => (
        <span key={i} class={`chip ${c.cls}`} title={c.title}>
          {c.text}
        </span>
      ))}
    </span>
  );
}

export function RiskBar({ risk }: { risk: number }) {
  return (
    <span class="riskbar" title={`risk ${risk}`}>
      <span style={{ width: `${Math.max(2, risk)}%` }} class={risk >= 99 ? 'hot' : risk >= 90 ? 'warm' : ''} />
      <em>{Math.round(risk)}</em>
    </span>
  );
}

/** The rating that covers an alert now, and the one its model saw when the run scored it. */
export function RatingBadge({ rating, runFeedback }: { rating: RatingBrief | undefined; runFeedback: Risk | undefined }) {
  return (
    <span class="ratings">
      {rating !== undefined && (
        <span data-testid="rating-badge" class={`badge r${rating.rating}`} title={`${rating.scope} rating: ${Object.entries(rating.match).map(([k, v]) => `${k}=${String(v)}`).join(', ')}${rating.word === undefined ? '' : `, word ${rating.word}`}`}>
          {rating.rating} {RISK_NAME[rating.rating]}
          {rating.scope === 'pattern' ? ' ⋯' : ''}
        </span>
      )}
      {runFeedback !== undefined && (
        <span class="badge seen" title="the model had this rating when it scored the run">
          fit with {runFeedback}
        </span>
      )}
    </span>
  );
}
