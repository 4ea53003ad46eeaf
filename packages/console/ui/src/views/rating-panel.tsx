import { useEffect, useState } from 'preact/hooks';
import { type AlertDetails, type Risk, api } from '../api.js';
import type { Ctx } from '../app.js';
import { RISK_NAME } from '../format.js';

const BY_KEY = 'sightline.analyst';

/**
 * Spot's scoring panel: rate this event, or a pattern (the client with the model's word by default, or other
 * fields of this event), 1 high / 2 medium / 3 low risk. Low-risk ratings teach the models on their next fit.
 */
export function RatingPanel({ ctx, d }: { ctx: Ctx; d: AlertDetails }) {
  const r = d.row;
  const client = d.patternFields.find((f) => f.client);
  const [scope, setScope] = useState<'event' | 'pattern'>('pattern');
  const [fields, setFields] = useState<string[]>(client === undefined ? [] : [client.field]);
  const [useWord, setUseWord] = useState(true);
  const [note, setNote] = useState('');
  const [by, setBy] = useState(() => localStorage.getItem(BY_KEY) ?? '');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    setFields(client === undefined ? [] : [client.field]);
    setMessage(undefined);
  }, [r.n, ctx.run]);

  const rate = async (rating: Risk): Promise<void> => {
    setBusy(true);
    setMessage(undefined);
    try {
      localStorage.setItem(BY_KEY, by);
      await api.rate({ run: ctx.run, n: r.n, rating, scope, ...(scope === 'pattern' ? { fields, word: useWord } : {}), ...(note === '' ? {} : { note }), ...(by === '' ? {} : { by }) });
      setMessage(`Rated ${rating} (${RISK_NAME[rating]?.toLowerCase()} risk). ${rating === 3 ? 'The models count it as normal on their next fit.' : 'Kept for investigation.'}`);
      setNote('');
      ctx.ratingsChanged();
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (): Promise<void> => {
    if (r.rating === undefined) return;
    setBusy(true);
    try {
      await api.unrate(r.rating.id);
      setMessage('Rating removed.');
      ctx.ratingsChanged();
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="rating-panel" data-testid="rating-panel">
      <h4>Rate</h4>
      {r.rating !== undefined && (
        <div class="current" data-testid="current-rating">
          Rated <b>{r.rating.rating}</b> ({RISK_NAME[r.rating.rating]?.toLowerCase()} risk) as {r.rating.scope === 'event' ? 'this event' : 'a pattern'}:{' '}
          <code>
            {Object.entries(r.rating.match)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' ')}
            {r.rating.word === undefined ? '' : ` word=${r.rating.word}`}
          </code>{' '}
          <button class="link" disabled={busy} onClick={() => void remove()}>
            remove
          </button>
        </div>
      )}
      <div class="scope">
        <label>
          <input type="radio" name="scope" checked={scope === 'event'} onChange={() => setScope('event')} /> this event
        </label>
        <label>
          <input type="radio" name="scope" data-testid="scope-pattern" checked={scope === 'pattern'} onChange={() => setScope('pattern')} /> a pattern:
        </label>
        {scope === 'pattern' && (
          <span class="pattern">
            {d.patternFields.map((f) => (
              <label key={f.field} title={f.client ? 'the client: whose behaviour the models learn' : ''}>
                <input
                  type="checkbox"
                  checked={fields.includes(f.field)}
                  onChange={(e) => setFields((e.target as HTMLInputElement).checked ? [...fields, f.field] : fields.filter((x) => x !== f.field))}
                />{' '}
                {f.field}=<code>{String(f.value)}</code>
              </label>
            ))}
            {r.word !== undefined && (
              <label title="the model's word for this event">
                <input type="checkbox" checked={useWord} onChange={(e) => setUseWord((e.target as HTMLInputElement).checked)} /> word=<code>{r.word}</code>
              </label>
            )}
          </span>
        )}
      </div>
      <div class="who">
        <input placeholder="note (optional)" value={note} maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
        <input placeholder="analyst" value={by} maxLength={100} onInput={(e) => setBy((e.target as HTMLInputElement).value)} />
      </div>
      <div class="buttons">
        {([1, 2, 3] as Risk[]).map((v) => (
          <button key={v} data-testid={`rate-${v}`} class={`rate r${v}`} disabled={busy || (scope === 'pattern' && fields.length === 0)} onClick={() => void rate(v)}>
            {v} · {RISK_NAME[v]} risk
          </button>
        ))}
      </div>
      {message !== undefined && (
        <div class="message" data-testid="rating-message">
          {message}
        </div>
      )}
    </div>
  );
}
