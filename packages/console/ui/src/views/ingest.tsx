import { useEffect, useMemo, useState } from 'preact/hooks';
import { type IngestSummary, type QuarantinePage, api } from '../api.js';
import type { Ctx } from '../app.js';
import { Chart } from '../chart.js';
import { bytes, count, time } from '../format.js';

function Records({ ctx, file }: { ctx: Ctx; file: number }) {
  const [page, setPage] = useState<QuarantinePage>();
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api
      .quarantine(ctx.run, file, offset)
      .then(setPage)
      .catch((e: Error) => setError(e.message));
  }, [ctx.run, file, offset]);
  if (error !== undefined) return <div class="error">{error}</div>;
  if (page === undefined) return <div class="muted">Loading…</div>;
  return (
    <div class="records" data-testid="quarantine-records">
      <div class="muted">
        {count(page.total)} records; the first {count(page.kept)} can be browsed here (all are in the file).
      </div>
      <table>
        <thead>
          <tr>
            <th>at</th>
            <th>code</th>
            <th>where</th>
            <th>reason</th>
            <th>raw</th>
          </tr>
        </thead>
        <tbody>
          {page.records.map((r, i) => {
            const err = (r['error'] ?? {}) as Record<string, unknown>;
            const raw = r['raw'] ?? (r['event'] === undefined ? '' : JSON.stringify(r['event']));
            return (
              <tr key={i}>
                <td class="time">{time(typeof r['at'] === 'number' ? r['at'] : undefined)}</td>
                <td>{String(r['code'] ?? err['code'] ?? '')}</td>
                <td class="where">
                  {String(r['source'] ?? r['sink'] ?? '')}
                  {r['line'] !== undefined ? `:${String(r['line'])}` : ''}
                  {r['offset'] !== undefined ? ` @${String(r['offset'])}` : ''}
                </td>
                <td>{String(r['message'] ?? err['message'] ?? '')}</td>
                <td class="raw">
                  <code>
                    {r['raw_encoding'] === 'base64' ? '(base64) ' : ''}
                    {String(raw).slice(0, 300)}
                  </code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="pager">
        <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>
          ← previous
        </button>
        <button disabled={offset + 50 >= page.kept} onClick={() => setOffset(offset + 50)}>
          next →
        </button>
      </div>
    </div>
  );
}

export function IngestView({ ctx }: { ctx: Ctx }) {
  const [s, setS] = useState<IngestSummary>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const [file, setFile] = useState<number>();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    api
      .ingest(ctx.run)
      .then((res) => {
        if (!live) return;
        setS(res);
        if (res.state === 'pending' || res.state === 'scanning') timer = setTimeout(() => setTick((t) => t + 1), 1000);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ctx.run, tick]);
  const data = useMemo(() => (s === undefined ? undefined : ([s.perMinute.minutes.map((m) => m / 1000), [...s.perMinute.flow], [...s.perMinute.dns], [...s.perMinute.proxy]] as [number[], number[], number[], number[]])), [s]);
  const series = useMemo(
    () => [
      { label: 'flow', stroke: '#3b6fd8', points: { show: false } },
      { label: 'dns', stroke: '#2a9d6a', points: { show: false } },
      { label: 'proxy', stroke: '#c47a14', points: { show: false } },
    ],
    [],
  );
  if (error !== undefined) return <div class="error">{error}</div>;
  if (s === undefined) return <div class="loading">Loading…</div>;
  const c = s.counts as Record<string, unknown>;
  const quarantined = Object.values((c['quarantined'] ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
  const stat = (label: string, value: string, cls = '') => (
    <div class={`stat ${cls}`}>
      <b>{value}</b>
      <span>{label}</span>
    </div>
  );
  return (
    <div class="ingest" data-testid="ingest">
      <div class="stats">
        {stat('events decoded', count(c['eventsDecoded'] as number))}
        {stat('read', bytes(c['bytesRead'] as number))}
        {stat('alerts', count(c['alerts'] as number))}
        {stat('quarantined', count(quarantined), quarantined > 0 ? 'warn' : '')}
        {stat('dead-lettered', count(c['deadLettered'] as number), (c['deadLettered'] as number) > 0 ? 'bad' : '')}
        {stat('dropped', count(c['dropped'] as number), (c['dropped'] as number) > 0 ? 'bad' : '')}
        {stat('late', count(c['eventsLate'] as number))}
        {stat('run took', `${Math.round((c['durationMs'] as number) / 100) / 10} s`)}
      </div>
      <h3>
        Events per minute <span class="muted">(UTC; drag to zoom, double-click to reset)</span>
      </h3>
      {(s.state === 'pending' || s.state === 'scanning') && <div class="muted">Counting the run's events… {Math.round((s.progress ?? 0) * 100)}%</div>}
      {s.note !== undefined && <div class="note">{s.note}</div>}
      {data !== undefined && data[0].length > 0 && <Chart height={220} data={data} series={series} />}
      <h3>Inputs</h3>
      <table class="inputs">
        <thead>
          <tr>
            <th>input</th>
            <th>decoder</th>
            <th>bytes</th>
            <th>events</th>
            <th>issues</th>
            <th>error</th>
          </tr>
        </thead>
        <tbody>
          {s.inputs.map((i) => (
            <tr key={i.name}>
              <td class="where">{i.name}</td>
              <td>{i.decoder ?? '–'}</td>
              <td class="num">{bytes(i.bytes)}</td>
              <td class="num">{count(i.events)}</td>
              <td class="num">{count(i.issues)}</td>
              <td class="bad">{i.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>
        Quarantined and dead-lettered records {s.quarantine.length > 0 && <span class="muted">(click a row for its records)</span>}
      </h3>
      {s.quarantine.length === 0 ? (
        <p class="muted">None: every record was decoded, enriched and delivered.</p>
      ) : (
        <table class="quarantine" data-testid="quarantine-groups">
          <thead>
            <tr>
              <th>store</th>
              <th>stage</th>
              <th>plugin</th>
              <th>code</th>
              <th>records</th>
              <th>example reason</th>
            </tr>
          </thead>
          <tbody>
            {s.quarantine.map((g, i) => (
              <tr key={i} class={file === g.file ? 'selected' : ''} onClick={() => setFile(g.file)}>
                <td>{g.kind}</td>
                <td>{g.stage}</td>
                <td>{g.plugin}</td>
                <td>
                  <code>{g.code}</code>
                </td>
                <td class="num">{count(g.count)}</td>
                <td>{g.example}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {file !== undefined && (
        <>
          <h4>{s.files[file]?.name}</h4>
          <Records ctx={ctx} file={file} />
        </>
      )}
    </div>
  );
}
