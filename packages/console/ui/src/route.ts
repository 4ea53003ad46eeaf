import { useEffect, useState } from 'preact/hooks';

export type View = 'suspicious' | 'network' | 'ingest' | 'feedback';
export const VIEWS: readonly View[] = ['suspicious', 'network', 'ingest', 'feedback'];

/** Where the analyst is, kept in the address's hash so a view can be bookmarked, shared and reloaded. */
export interface Route {
  readonly view: View;
  readonly params: Readonly<Record<string, string>>;
}

export function parseHash(hash: string): Route {
  const [path = '', q = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS as readonly string[]).includes(path) ? (path as View) : 'suspicious';
  return { view, params: Object.fromEntries(new URLSearchParams(q)) };
}

export function formatHash(route: Route): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(route.params)) if (v !== '') q.set(k, v);
  const s = q.toString();
  return `#/${route.view}${s === '' ? '' : `?${s}`}`;
}

export function useRoute(): [Route, (next: { view?: View; params?: Record<string, string | undefined>; replace?: boolean }) => void] {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const go = (next: { view?: View; params?: Record<string, string | undefined>; replace?: boolean }): void => {
    const current = parseHash(location.hash);
    const params: Record<string, string> = { ...current.params };
    for (const [k, v] of Object.entries(next.params ?? {})) {
      if (v === undefined || v === '') delete params[k];
      else params[k] = v;
    }
    const hash = formatHash({ view: next.view ?? current.view, params });
    if (hash === location.hash) return;
    if (next.replace === true) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
    setRoute(parseHash(hash));
  };
  return [route, go];
}
