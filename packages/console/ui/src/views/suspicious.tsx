import { useEffect, useState } from 'preact/hooks';
import { type AlertPage, type AlertRow, type Kind, api } from '../api.js';
import type { Ctx } from '../app.js';
import { count, fromLocalInput, score, time, toLocalInput } from '../format.js';
import { ContextChips, RatingBadge, RiskBar } from './bits.js';
import { DetailsPanel } from './details.js';

const KIND_NAMES: Record<Kind, string> = { flow: 'Flows', dns: 'DNS', proxy: 'Proxy' };
const PAGE = 100;
const FILTERS = ['ip', 'domain', 'uri', 'from', 'to', 'risk_min', 'rated', 'model'] as const;

/** The filters of the list as they are in the address. */
export function listParams(ctx: Ctx, kind: Kind | undefined): Record<string, string | undefined> {
  const p = ctx.params;
  const out: Record<string, string | undefined> = { kind, window: ctx.window };
  for (const f of FILTERS) out[f] = p[f];
  return out;
}

function FilterBar({ ctx, models }: { ctx: Ctx; models: readonly string[] }) {
  const p = ctx.params;
  const [draft, setDraft] = useState<Record<string, string>>({});
  useEffect(() => setDraft({ ip: p['ip'] ?? '', domain: p['domain'] ?? '', uri: p['uri'] ?? '', from: toLocalInput(p['from']), to: toLocalInput(p['to']), risk_min: p['risk_min'] ?? '' }), [p['ip'], p['domain'], p['uri'], p['from'], p['to'], p['risk_min']]);
  const field = (name: string, label: string, placeholder: string, type: 'text' | 'number' | 'datetime-local' = 'text') => {
    const common = { name, placeholder, value: draft[name] ?? '', onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }) };
    return (
      <label>
        {label}
        {type === 'number' ? <input type="number" min={0} max={100} step="any" {...common} /> : type === 'datetime-local' ? <input type="datetime-local" {...common} /> : <input type="text" {...common} />}
      </label>
    );
  };
  const apply = (e: Event): void => {
    e.preventDefault();
    ctx.go({ params: { ip: draft['ip']?.trim(), domain: draft['domain']?.trim(), uri: draft['uri']?.trim(), from: fromLocalInput(draft['from'] ?? ''), to: fromLocalInput(draft['to'] ?? ''), risk_min: draft['risk_min'], offset: undefined, n: undefined } });
  };
  const clear = (): void => ctx.go({ params: Object.fromEntries([...FILTERS, 'offset', 'n'].map((f) => [f, undefined])) });
  return (
    <form class="filters" onSubmit={apply} data-testid="filters">
      {field('ip', 'IP', '10.1.2.3 or 10.0.0.0/8')}
      {field('domain', 'Domain', 'example.com')}
      {field('uri', 'URI', 'contains…')}
      {field('from', 'From (UTC)', '', 'datetime-local')}
      {field('to', 'To (UTC)', '', 'datetime-local')}
      {field('risk_min', 'Risk ≥', '0–100', 'number')}
      <label>
        Rated
        <select value={p['rated'] ?? 'any'} onChange={(e) => ctx.go({ params: { rated: (e.target as HTMLSelectElement).value === 'any' ? undefined : (e.target as HTMLSelectElement).value, offset: undefined } })}>
          <option value="any">any</option>
          <option value="unrated">not rated</option>
          <option value="rated">rated</option>
          <option value="1">1 high</option>
          <option value="2">2 medium</option>
          <option value="3">3 low</option>
        </select>
      </label>
      {models.length > 1 && (
        <label>
          Model
          <select value={p['model'] ?? ''} onChange={(e) => ctx.go({ params: { model: (e.target as HTMLSelectElement).value, offset: undefined } })}>
            <option value="">all</option>
            {models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
      )}
      <button type="submit">Filter</button>
      <button type="button" class="quiet" onClick={clear}>
        Clear
      </button>
    </form>
  );
}

function Endpoints({ row }: { row: AlertRow }) {
  const c = row.context;
  const ip = (addr: string | undefined, internal: boolean, port?: number) =>
    addr === undefined ? null : (
      <span class={internal ? 'ip internal' : 'ip external'} title={internal ? 'internal' : 'external'}>
        {addr}
        {port !== undefined && <span class="port">:{port}</span>}
      </span>
    );
  if (row.kind === 'flow')
    return (
      <span>
        {ip(row.src, c.src_internal, row.src_port)} → {ip(row.dst, c.dst_internal, row.dst_port)}
      </span>
    );
  const clientInternal = row.client === row.src ? c.src_internal : c.dst_internal;
  return (
    <span>
      {ip(row.client, clientInternal)} → <span class="name">{row.kind === 'proxy' ? (row.uri ?? row.name) : row.name}</span>
    </span>
  );
}

export function AlertTable({ rows, compare, selected, onSelect }: { rows: readonly AlertRow[]; compare: boolean; selected: number | undefined; onSelect: (row: AlertRow) => void }) {
  return (
    <table class="alerts" data-testid="alert-table">
      <thead>
        <tr>
          <th title="rank in its window">#</th>
          {compare && <th title="rank in the compared run">was</th>}
          <th>rating</th>
          <th>time (UTC)</th>
          <th>endpoints</th>
          <th>what / why</th>
          <th title="share of the window's events of this kind that are less suspicious">risk</th>
          <th title="the model's score">score</th>
          <th>context</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.n}
            data-testid="alert-row"
            data-n={r.n}
            data-rank={r.rank}
            data-event-id={r.event_id}
            data-word={r.word ?? ''}
            data-client={r.client ?? ''}
            class={`${selected === r.n ? 'selected' : ''} ${r.rating !== undefined ? `rated rated-${r.rating.rating}` : ''}`}
            tabIndex={0}
            onClick={() => onSelect(r)}
            onKeyDown={(e) => e.key === 'Enter' && onSelect(r)}
          >
            <td class="rank">{r.rank}</td>
            {compare && <td class="was">{r.compare_rank === undefined ? '' : r.compare_rank === null ? <span class="new">new</span> : <RankMove was={r.compare_rank} now={r.rank} />}</td>}
            <td>
              <RatingBadge rating={r.rating} runFeedback={r.run_feedback} />
            </td>
            <td class="time">{time(r.time)}</td>
            <td class="endpoints">
              <Endpoints row={r} />
            </td>
            <td class="what">
              <div>{r.what}</div>
              {r.reasons[0] !== undefined && (
                <div class="reason" title={r.reasons.join('\n')}>
                  {r.reasons[0]}
                </div>
              )}
            </td>
            <td>
              <RiskBar risk={r.risk} />
            </td>
            <td class="num" title={`${r.model}: ${r.value} (${r.order === 'asc' ? 'lower' : 'higher'} is more suspicious)`}>
              {score(r.value)}
            </td>
            <td>
              <ContextChips ctx={r.context} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RankMove({ was, now }: { was: number; now: number }) {
  const cls = was === now ? 'same' : was < now ? 'down' : 'up';
  return (
    <span class={`move ${cls}`} title={`rank ${was} in the compared run`}>
      {was}
    </span>
  );
}

export function SuspiciousView({ ctx }: { ctx: Ctx }) {
  const p = ctx.params;
  const [page, setPage] = useState<AlertPage>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const offset = Number(p['offset'] ?? 0);
  const wanted = p['kind'] as Kind | undefined;
  const kind: Kind = wanted ?? 'flow';
  const selected = p['n'] === undefined ? undefined : Number(p['n']);
  const key = JSON.stringify([ctx.run, kind, listParams(ctx, kind), p['sort'], offset, ctx.compare, ctx.ratingsVersion]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .alerts(ctx.run, { ...listParams(ctx, kind), kind, sort: p['sort'], offset, limit: PAGE, compare: ctx.compare })
      .then((res) => {
        if (!live) return;
        setPage(res);
        setError(undefined);
        // First visit: open the kind that has alerts.
        if (wanted === undefined && res.total === 0) {
          const other = (['dns', 'proxy'] as Kind[]).find((k) => res.kinds[k] > 0);
          if (other !== undefined) ctx.go({ params: { kind: other }, replace: true });
        }
      })
      .catch((e: Error) => live && setError(e.message))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [key]);

  return (
    <div class={`suspicious ${selected !== undefined ? 'with-details' : ''}`}>
      <section class="list">
        <FilterBar ctx={ctx} models={page?.models ?? []} />
        <div class="kinds">
          {(['flow', 'dns', 'proxy'] as Kind[]).map((k) => (
            <a key={k} href="#" data-testid={`kind-${k}`} class={k === kind ? 'active' : ''} onClick={(e) => (e.preventDefault(), ctx.go({ params: { kind: k, offset: undefined, n: undefined } }))}>
              {KIND_NAMES[k]} <span class="count">{page === undefined ? '' : count(page.kinds[k])}</span>
            </a>
          ))}
          <span class="spacer" />
          <label class="sort">
            Order
            <select value={p['sort'] ?? 'risk'} onChange={(e) => ctx.go({ params: { sort: (e.target as HTMLSelectElement).value === 'risk' ? undefined : 'time', offset: undefined } })}>
              <option value="risk">most suspicious first</option>
              <option value="time">by time</option>
            </select>
          </label>
        </div>
        {error !== undefined && (
          <div class="error" data-testid="list-error">
            {error}
          </div>
        )}
        {page === undefined && error === undefined && <div class="loading">Loading the run's alerts…</div>}
        {page !== undefined && page.total === 0 && error === undefined && <div class="empty">No {KIND_NAMES[kind]} alerts match.</div>}
        {page !== undefined && page.rows.length > 0 && (
          <>
            <AlertTable rows={page.rows} compare={ctx.compare !== undefined} selected={selected} onSelect={(r) => ctx.go({ params: { n: String(r.n) } })} />
            <div class="pager">
              <button disabled={offset === 0} onClick={() => ctx.go({ params: { offset: String(Math.max(0, offset - PAGE)) } })}>
                ← previous
              </button>
              <span data-testid="list-status">
                {count(offset + 1)}–{count(offset + page.rows.length)} of {count(page.total)} · answered in {page.tookMs} ms{loading ? ' · loading…' : ''}
              </span>
              <button disabled={offset + PAGE >= page.total} onClick={() => ctx.go({ params: { offset: String(offset + PAGE) } })}>
                next →
              </button>
            </div>
          </>
        )}
      </section>
      {selected !== undefined && <DetailsPanel ctx={ctx} n={selected} onClose={() => ctx.go({ params: { n: undefined } })} />}
    </div>
  );
}
