import { useEffect, useState } from 'preact/hooks';
import { type RatingView, type RerunStatus, api } from '../api.js';
import type { Ctx } from '../app.js';
import { RISK_NAME, time } from '../format.js';

const rankText = (covered: number | undefined, best: number | null | undefined): string => (covered === undefined ? '' : covered === 0 || best === null || best === undefined ? 'not listed' : `#${best} (${covered} alert${covered === 1 ? '' : 's'})`);

/** Re-runs the pipeline from the console (when allowed): the models fit again with every rating. */
function Refit({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState<RerunStatus>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    void api.rerunStatus().then(setStatus);
  }, []);
  useEffect(() => {
    if (status?.state !== 'running') return;
    const timer = setTimeout(() => {
      api
        .rerunStatus()
        .then(async (s) => {
          setStatus(s);
          if (s.state === 'done' && s.runId !== undefined) {
            await ctx.refreshRuns();
            // Show the new run, compared with the one the analyst rated in.
            ctx.go({ params: { run: s.runId, compare: ctx.run, n: undefined, offset: undefined, window: undefined } });
          }
        })
        .catch((e: Error) => setError(e.message));
    }, 1000);
    return () => clearTimeout(timer);
  }, [status]);
  if (status === undefined || status.state === 'disabled') {
    return (
      <p class="muted">
        Ratings apply on the pipeline's next run: <code>sightline run &lt;pipeline&gt;</code> (or start the console with <code>--allow-rerun</code> to re-run from here).
      </p>
    );
  }
  return (
    <div class="refit">
      <button
        data-testid="refit"
        disabled={status.state === 'running'}
        onClick={() =>
          api
            .rerun()
            .then(setStatus)
            .catch((e: Error) => setError(e.message))
        }
      >
        {status.state === 'running' ? 'Re-running…' : 'Re-run the pipeline with these ratings'}
      </button>{' '}
      <span data-testid="rerun-status" data-state={status.state} class="muted">
        {status.state === 'running' && `started ${time(status.startedAt)}`}
        {status.state === 'done' && `run ${status.runId ?? ''} finished ${time(status.finishedAt)}`}
        {status.state === 'failed' && <span class="bad">the run failed: {status.error}</span>}
      </span>
      {error !== undefined && <div class="error">{error}</div>}
    </div>
  );
}

export function FeedbackView({ ctx }: { ctx: Ctx }) {
  const [ratings, setRatings] = useState<RatingView[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api
      .ratings(ctx.run, ctx.compare)
      .then((r) => (setRatings(r.ratings), setError(undefined)))
      .catch((e: Error) => setError(e.message));
  }, [ctx.run, ctx.compare, ctx.ratingsVersion]);
  const remove = (id: string): void => {
    api
      .unrate(id)
      .then(() => ctx.ratingsChanged())
      .catch((e: Error) => setError(e.message));
  };
  return (
    <div class="feedback" data-testid="feedback">
      <div class="feedback-head">
        <div>
          <h3>Analyst ratings</h3>
          <p class="muted">
            Stored in <code>{ctx.info.ratingsFile}</code> and given to every model on its next fit; low-risk (3) ratings teach the models that the pattern is normal.
          </p>
        </div>
        <div class="exports">
          Export{' '}
          <a data-testid="export-csv" href="/api/ratings/export?format=csv" download="sightline-ratings.csv">
            CSV
          </a>{' '}
          <a data-testid="export-ndjson" href="/api/ratings/export?format=ndjson" download="sightline-ratings.ndjson">
            NDJSON
          </a>
        </div>
      </div>
      <Refit ctx={ctx} />
      {error !== undefined && <div class="error">{error}</div>}
      {ratings !== undefined && ratings.length === 0 && <p class="empty">No ratings yet: open an alert in the Suspicious view and rate it.</p>}
      {ratings !== undefined && ratings.length > 0 && (
        <table class="ratings-table" data-testid="ratings-table">
          <thead>
            <tr>
              <th>when</th>
              <th>rating</th>
              <th>kind</th>
              <th>covers</th>
              <th>by / note</th>
              <th title="the most suspicious alert the rating covers">in run {ctx.run}</th>
              {ctx.compare !== undefined && <th>in run {ctx.compare}</th>}
              <th />
            </tr>
          </thead>
          <tbody>
            {ratings.map((r) => (
              <tr key={r.id} data-testid="rating-row" data-rating={r.rating}>
                <td class="time">{time(r.at)}</td>
                <td>
                  <span class={`badge r${r.rating}`}>
                    {r.rating} {RISK_NAME[r.rating]}
                  </span>
                </td>
                <td>{r.event_kind}</td>
                <td>
                  {r.event_id !== undefined ? 'this event and its like: ' : 'pattern: '}
                  <code>
                    {Object.entries(r.match)
                      .map(([k, v]) => `${k}=${String(v)}`)
                      .join(' ')}
                    {r.word === undefined ? '' : ` word=${r.word}`}
                  </code>
                </td>
                <td>
                  {r.by ?? ''} {r.note !== undefined && <span class="muted">{r.note}</span>}
                </td>
                <td data-testid="effect-now">{rankText(r.effect?.covered, r.effect?.bestRank)}</td>
                {ctx.compare !== undefined && <td data-testid="effect-before">{rankText(r.effect?.compareCovered, r.effect?.compareBestRank)}</td>}
                <td>
                  <button class="link" onClick={() => remove(r.id)}>
                    remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
