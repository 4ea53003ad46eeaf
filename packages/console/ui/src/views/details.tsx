import { useEffect, useState } from 'preact/hooks';
import { type AlertDetails, type AlertRow, api } from '../api.js';
import type { Ctx } from '../app.js';
import { Chart } from '../chart.js';
import { bytes, count, proto, qtype, rcode, score, tcpFlags, time } from '../format.js';
import { ContextChips, RatingBadge, RiskBar } from './bits.js';
import { RatingPanel } from './rating-panel.js';

type Rec = Readonly<Record<string, unknown>>;
const s = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function answers(e: Rec): string {
  const a = e['dns_answers'];
  if (!Array.isArray(a)) return '';
  return a.map((r: Rec) => `${qtype(n(r['type']))} ${s(r['data'])}`).join(', ');
}

function RelatedTable({ kind, events, alertId }: { kind: string; events: readonly Rec[]; alertId: string }) {
  return (
    <table class="related" data-testid="related-events">
      <thead>
        {kind === 'flow' ? (
          <tr>
            <th>time</th>
            <th>source</th>
            <th>destination</th>
            <th>proto</th>
            <th>bytes</th>
            <th>packets</th>
            <th>flags</th>
          </tr>
        ) : kind === 'dns' ? (
          <tr>
            <th>time</th>
            <th>query</th>
            <th>type</th>
            <th>rcode</th>
            <th>answers</th>
          </tr>
        ) : (
          <tr>
            <th>time</th>
            <th>method</th>
            <th>URI</th>
            <th>status</th>
            <th>bytes in/out</th>
            <th>user agent</th>
          </tr>
        )}
      </thead>
      <tbody>
        {events.map((e, i) => (
          <tr key={i} class={e['event_id'] === alertId ? 'self' : ''}>
            <td class="time">{time(n(e['event_time']))}</td>
            {kind === 'flow' ? (
              <>
                <td>
                  {s(e['src_ip'])}:{s(e['src_port'])}
                </td>
                <td>
                  {s(e['dst_ip'])}:{s(e['dst_port'])}
                </td>
                <td>{proto(n(e['n_proto']))}</td>
                <td class="num">{bytes(n(e['in_bytes']))}</td>
                <td class="num">{count(n(e['flow_in_packets']))}</td>
                <td title={s(e['net_flags'])}>{n(e['n_proto']) === 6 ? tcpFlags(n(e['net_flags'])) : ''}</td>
              </>
            ) : kind === 'dns' ? (
              <>
                <td class="name">{s(e['dns_query'])}</td>
                <td>{qtype(n(e['dns_type']))}</td>
                <td>{rcode(n(e['dns_response_code']))}</td>
                <td class="answers">{answers(e)}</td>
              </>
            ) : (
              <>
                <td>{s(e['prx_method'])}</td>
                <td class="name">{s(e['prx_uri'] ?? e['prx_host'])}</td>
                <td>{s(e['prx_code'])}</td>
                <td class="num">
                  {bytes(n(e['in_bytes']))} / {bytes(n(e['out_bytes']))}
                </td>
                <td class="ua">{s(e['prx_browser'])}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Timeline({ d }: { d: AlertDetails }) {
  const t = d.timeline;
  if (t === undefined) return null;
  const xs = t.counts.map((_, i) => (t.start + i * t.bucketMs) / 1000);
  const marks = new Array<number | null>(t.counts.length).fill(null);
  for (const a of t.alerts) {
    const i = Math.floor((a - t.start) / t.bucketMs);
    if (i >= 0 && i < marks.length) marks[i] = t.counts[i] ?? 0;
  }
  return (
    <div class="timeline" data-testid="timeline">
      <h4>
        Timeline <span class="muted">events of these endpoints per {Math.round(t.bucketMs / 60000)} min over the run; dots are alerts</span>
      </h4>
      <Chart
        height={120}
        data={[xs, [...t.counts], marks]}
        series={[
          { label: 'events', stroke: '#3b6fd8', fill: 'rgba(59,111,216,0.15)', points: { show: false } },
          { label: 'alerts', stroke: '#d8453b', width: 0, points: { show: true, size: 7, fill: '#d8453b' } },
        ]}
      />
    </div>
  );
}

function Fields({ event }: { event: Rec }) {
  return (
    <details class="fields">
      <summary>All fields of the alert</summary>
      <table>
        <tbody>
          {Object.entries(event).map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{s(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Siblings({ rows, onOpen }: { rows: readonly AlertRow[]; onOpen: (n: number) => void }) {
  const [all, setAll] = useState(false);
  if (rows.length === 0) return null;
  const shown = all ? rows : rows.slice(0, 8);
  return (
    <div class="siblings">
      <h4>
        Other alerts of these endpoints ({rows.length}){' '}
        {rows.length > shown.length && (
          <button class="link" onClick={() => setAll(true)}>
            show all
          </button>
        )}
      </h4>
      <ul>
        {shown.map((r) => (
          <li key={r.n}>
            <a href="#" onClick={(e) => (e.preventDefault(), onOpen(r.n))}>
              #{r.rank} {time(r.time)} {r.what}
            </a>{' '}
            <span class="muted">{r.model}</span> <RatingBadge rating={r.rating} runFeedback={undefined} />
          </li>
        ))}
      </ul>
    </div>
  );
}

export function DetailsPanel({ ctx, n: alert, onClose }: { ctx: Ctx; n: number; onClose: () => void }) {
  const [d, setD] = useState<AlertDetails>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    api
      .details(ctx.run, alert)
      .then((res) => {
        if (!live) return;
        setD(res);
        setError(undefined);
        if (res.related.state === 'pending' || res.related.state === 'scanning') timer = setTimeout(() => setTick((t) => t + 1), 1000);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ctx.run, alert, ctx.ratingsVersion, tick]);

  if (error !== undefined)
    return (
      <aside class="details">
        <button class="close" onClick={onClose}>
          ✕
        </button>
        <div class="error">{error}</div>
      </aside>
    );
  if (d === undefined || d.row.n !== alert) return <aside class="details loading">Loading details…</aside>;
  const r = d.row;
  const rel = d.related;
  return (
    <aside class="details" data-testid="details" data-event-id={r.event_id}>
      <button class="close" title="close" onClick={onClose}>
        ✕
      </button>
      <h3>
        <span class={`kind k-${r.kind}`}>{r.kind}</span> #{r.rank} <span class="muted">by {r.model}</span>
      </h3>
      <div class="headline" data-testid="details-headline">
        {r.what}
      </div>
      <dl class="facts">
        <dt>time</dt>
        <dd>{time(r.time)} UTC</dd>
        <dt>endpoints</dt>
        <dd>
          {r.src ?? '?'}
          {r.src_port !== undefined ? `:${r.src_port}` : ''} → {r.dst ?? '?'}
          {r.dst_port !== undefined ? `:${r.dst_port}` : ''}
          {r.kind !== 'flow' && r.client !== undefined ? ` (client ${r.client})` : ''}
        </dd>
        <dt>score</dt>
        <dd>
          {score(r.value)} <span class="muted">({r.order === 'asc' ? 'lower' : 'higher'} is more suspicious)</span> <RiskBar risk={r.risk} />
        </dd>
        {r.word !== undefined && (
          <>
            <dt>word</dt>
            <dd>
              <code>{r.word}</code>
            </dd>
          </>
        )}
        <dt>context</dt>
        <dd>
          <ContextChips ctx={r.context} />
        </dd>
        <dt>why</dt>
        <dd>
          <ul class="reasons">
            {r.reasons.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        </dd>
      </dl>
      <RatingPanel ctx={ctx} d={d} />
      <Timeline d={d} />
      {d.dns !== undefined && d.dns.length > 0 && (
        <div class="dns-groups">
          <h4>
            Queries and answers of client {r.client} <span class="muted">around the alert</span>
          </h4>
          <table data-testid="dns-groups">
            <thead>
              <tr>
                <th>name</th>
                <th>times</th>
                <th>types</th>
                <th>rcodes</th>
                <th>answers</th>
              </tr>
            </thead>
            <tbody>
              {d.dns.map((g) => (
                <tr key={g.name} class={g.name === r.name ? 'self' : ''}>
                  <td class="name">{g.name}</td>
                  <td class="num">{g.count}</td>
                  <td>{g.types.map(qtype).join(' ')}</td>
                  <td>{g.rcodes.map(rcode).join(' ')}</td>
                  <td class="answers">{g.answers.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="related-block">
        <h4>
          Surrounding events <span class="muted">{rel.description ?? ''}{rel.from !== undefined ? `, ${time(rel.from)} – ${time(rel.to)}` : ''}</span>
        </h4>
        {(rel.state === 'pending' || rel.state === 'scanning') && <div class="muted">Indexing the run's events… {Math.round((rel.progress ?? 0) * 100)}%</div>}
        {rel.note !== undefined && <div class="note">{rel.note}</div>}
        {rel.events.length > 0 && (
          <>
            <div class="muted">
              {count(rel.events.length)} shown of {count(rel.total)}
            </div>
            <RelatedTable kind={r.kind} events={rel.events} alertId={r.event_id} />
          </>
        )}
      </div>
      <Siblings rows={d.siblings} onOpen={(x) => ctx.go({ params: { n: String(x) } })} />
      <Fields event={d.event} />
    </aside>
  );
}
