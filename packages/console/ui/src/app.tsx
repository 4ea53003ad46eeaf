import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ConsoleInfo, type RunList, api } from './api.js';
import { count, day } from './format.js';
import { type View, useRoute } from './route.js';
import { FeedbackView } from './views/feedback.js';
import { IngestView } from './views/ingest.js';
import { NetworkView } from './views/network.js';
import { SuspiciousView } from './views/suspicious.js';

const TITLES: Record<View, string> = { suspicious: 'Suspicious', network: 'Network', ingest: 'Ingest summary', feedback: 'Feedback' };

/** What every view needs: the chosen run, day and comparison run, and a way to move. */
export interface Ctx {
  readonly info: ConsoleInfo;
  readonly runs: RunList;
  readonly run: string;
  readonly window: string | undefined;
  readonly compare: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  readonly go: ReturnType<typeof useRoute>[1];
  /** Bumped when ratings change, so views refetch. */
  readonly ratingsVersion: number;
  readonly ratingsChanged: () => void;
  readonly refreshRuns: () => Promise<RunList>;
}

export function App() {
  const [route, go] = useRoute();
  const [info, setInfo] = useState<ConsoleInfo>();
  const [runs, setRuns] = useState<RunList>();
  const [error, setError] = useState<string>();
  const [ratingsVersion, setRatingsVersion] = useState(0);

  const refreshRuns = useCallback(async () => {
    const list = await api.runs();
    setRuns(list);
    return list;
  }, []);

  useEffect(() => {
    Promise.all([api.info(), refreshRuns()])
      .then(([i]) => setInfo(i))
      .catch((e: Error) => setError(e.message));
    // New runs (a scheduled `sightline run`) appear without a reload.
    const timer = setInterval(() => void refreshRuns().catch(() => undefined), 30_000);
    return () => clearInterval(timer);
  }, []);

  if (error !== undefined) return <div class="fatal">The console cannot reach its server: {error}</div>;
  if (info === undefined || runs === undefined) return <div class="loading">Loading…</div>;

  const latest = runs.runs.find((r) => r.latest) ?? runs.runs[0];
  const runId = route.params['run'] ?? latest?.id;
  const current = runs.runs.find((r) => r.id === runId);
  const windowParam = route.params['window'];
  const compare = route.params['compare'];

  return (
    <div class="shell">
      <header class="top">
        <div class="brand">
          <span class="logo">◎</span> Sightline <span class="pipeline" title={info.outputDir}>{info.pipeline}</span>
        </div>
        <label class="picker">
          Run
          <select data-testid="run-picker" value={runId ?? ''} onChange={(e) => go({ params: { run: (e.target as HTMLSelectElement).value, window: undefined, n: undefined } })}>
            {runs.runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id}
                {r.latest ? ' (latest)' : ''} · {count(r.alerts)} alerts
              </option>
            ))}
          </select>
        </label>
        <label class="picker">
          Day
          <select data-testid="day-picker" value={windowParam ?? ''} onChange={(e) => go({ params: { window: (e.target as HTMLSelectElement).value, n: undefined } })}>
            <option value="">all days</option>
            {(current?.windows ?? []).map((w) => (
              <option key={w.start} value={String(Date.parse(w.start))}>
                {day(Date.parse(w.start))}
                {Date.parse(w.end) - Date.parse(w.start) !== 86_400_000 ? ` ${w.start.slice(11, 16)}–${w.end.slice(11, 16)}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label class="picker">
          Compare with
          <select data-testid="compare-picker" value={compare ?? ''} onChange={(e) => go({ params: { compare: (e.target as HTMLSelectElement).value } })}>
            <option value="">no other run</option>
            {runs.runs
              .filter((r) => r.id !== runId)
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id}
                </option>
              ))}
          </select>
        </label>
        <nav class="tabs">
          {(Object.keys(TITLES) as View[]).map((v) => (
            <a key={v} href="#" data-testid={`tab-${v}`} class={route.view === v ? 'active' : ''} onClick={(e) => (e.preventDefault(), go({ view: v }))}>
              {TITLES[v]}
            </a>
          ))}
        </nav>
      </header>
      {runs.skipped.length > 0 && (
        <div class="note">
          Runs not shown: {runs.skipped.map((s) => `${s.id} (${s.reason})`).join('; ')}
        </div>
      )}
      {runId === undefined ? (
        <main class="empty">
          <h2>No runs yet</h2>
          <p>
            Run the pipeline (<code>sightline run &lt;pipeline.yaml&gt;</code>); its results appear here. Output folder: <code>{info.outputDir}</code>
          </p>
        </main>
      ) : (
        <main class={`view view-${route.view}`}>
          {(() => {
            const ctx: Ctx = { info, runs, run: runId, window: windowParam, compare, params: route.params, go, ratingsVersion, ratingsChanged: () => setRatingsVersion((v) => v + 1), refreshRuns };
            if (route.view === 'network') return <NetworkView ctx={ctx} />;
            if (route.view === 'ingest') return <IngestView ctx={ctx} />;
            if (route.view === 'feedback') return <FeedbackView ctx={ctx} />;
            return <SuspiciousView ctx={ctx} />;
          })()}
        </main>
      )}
    </div>
  );
}
