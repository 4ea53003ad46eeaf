import { type SimulationLinkDatum, type SimulationNodeDatum, forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY } from 'd3-force';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type GraphLink, type GraphNode, type Kind, type NetworkGraph, api } from '../api.js';
import type { Ctx } from '../app.js';
import { count } from '../format.js';
import { listParams } from './suspicious.js';

type N = GraphNode & SimulationNodeDatum;
type L = Omit<GraphLink, 'source' | 'target'> & SimulationLinkDatum<N> & { sourceId: string; targetId: string };

/** How extreme a risk is, on a log scale: 90 -> 1, 99 -> 2, 99.9 -> 3 (Spot weighted links by -ln(score)). */
const weight = (risk: number): number => -Math.log10(Math.max(1e-4, 1 - risk / 100));

function layout(g: NetworkGraph): { nodes: N[]; links: L[]; box: [number, number, number, number] } {
  const nodes: N[] = g.nodes.map((n) => ({ ...n }));
  const links: L[] = g.links.map((l) => ({ ...l, sourceId: l.source, targetId: l.target, source: l.source, target: l.target }));
  const sim = forceSimulation<N>(nodes)
    .force('link', forceLink<N, L>(links).id((d) => d.id).distance(50).strength(0.6))
    .force('charge', forceManyBody<N>().strength(-90))
    .force('x', forceX<N>(0).strength(0.05))
    .force('y', forceY<N>(0).strength(0.05))
    .force('collide', forceCollide<N>(10))
    .stop();
  // A fixed number of ticks up front: a still picture, the same for the same graph.
  for (let i = 0; i < 300; i++) sim.tick();
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const n of nodes) {
    x0 = Math.min(x0, n.x ?? 0);
    y0 = Math.min(y0, n.y ?? 0);
    x1 = Math.max(x1, n.x ?? 0);
    y1 = Math.max(y1, n.y ?? 0);
  }
  const pad = 40;
  return { nodes, links, box: nodes.length === 0 ? [0, 0, 100, 100] : [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad] };
}

function Shape({ n, selected, onClick }: { n: N; selected: boolean; onClick: () => void }) {
  const r = 4 + Math.min(10, Math.sqrt(n.alerts) * 2);
  const x = n.x ?? 0;
  const y = n.y ?? 0;
  const cls = `node ${n.type === 'name' ? 'name' : n.internal ? 'internal' : 'external'} ${selected ? 'selected' : ''}`;
  const title = `${n.label}: ${n.type === 'name' ? 'name' : n.internal ? 'internal address' : 'external address'}, ${n.alerts} alert(s), highest risk ${n.risk}`;
  return (
    <g class={cls} onClick={onClick} data-testid="graph-node" data-id={n.id}>
      <title>{title}</title>
      {n.type === 'name' ? (
        <rect x={x - r} y={y - r} width={2 * r} height={2 * r} rx={3} />
      ) : n.internal ? (
        <circle cx={x} cy={y} r={r} />
      ) : (
        <polygon points={`${x},${y - r * 1.3} ${x + r * 1.3},${y} ${x},${y + r * 1.3} ${x - r * 1.3},${y}`} />
      )}
      {(n.alerts > 2 || selected) && (
        <text x={x + r + 3} y={y + 3}>
          {n.label}
        </text>
      )}
    </g>
  );
}

export function NetworkView({ ctx }: { ctx: Ctx }) {
  const p = ctx.params;
  const gkind = p['gkind'] as Kind | undefined;
  const limit = p['glimit'] ?? '150';
  const [graph, setGraph] = useState<NetworkGraph>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const filters = listParams(ctx, undefined);
  const key = JSON.stringify([ctx.run, gkind, limit, filters, ctx.ratingsVersion]);

  useEffect(() => {
    let live = true;
    api
      .graph(ctx.run, { ...filters, kind: gkind, limit })
      .then((g) => live && (setGraph(g), setError(undefined)))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [key]);

  const drawn = useMemo(() => (graph === undefined ? undefined : layout(graph)), [graph]);
  const node = drawn?.nodes.find((n) => n.id === selected);
  const peers = node === undefined ? [] : (drawn?.links ?? []).filter((l) => l.sourceId === node.id || l.targetId === node.id).sort((a, b) => b.risk - a.risk);
  const open = (l: L): void => ctx.go({ view: 'suspicious', params: { n: String(l.top), kind: l.kind } });

  return (
    <div class="network">
      <div class="graph-controls">
        <label>
          Kind
          <select data-testid="graph-kind" value={gkind ?? ''} onChange={(e) => ctx.go({ params: { gkind: (e.target as HTMLSelectElement).value } })}>
            <option value="">all</option>
            <option value="flow">flows</option>
            <option value="dns">DNS</option>
            <option value="proxy">proxy</option>
          </select>
        </label>
        <label>
          Most suspicious
          <select value={limit} onChange={(e) => ctx.go({ params: { glimit: (e.target as HTMLSelectElement).value } })}>
            {['50', '150', '500', '1000'].map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
          per kind
        </label>
        <span class="legend">
          <span class="l internal">●</span> internal <span class="l external">◆</span> external <span class="l name">■</span> DNS name / proxy host · thicker, darker links are more suspicious · list filters apply
        </span>
      </div>
      {error !== undefined && <div class="error">{error}</div>}
      {graph !== undefined && drawn !== undefined && (
        <div class="graph-area">
          <svg class="graph" data-testid="graph" viewBox={drawn.box.join(' ')} preserveAspectRatio="xMidYMid meet">
            {drawn.links.map((l, i) => {
              const s = l.source as N;
              const t = l.target as N;
              const w = weight(l.risk);
              return (
                <line key={i} class="link" x1={s.x} y1={s.y} x2={t.x} y2={t.y} stroke-width={0.5 + w} stroke-opacity={Math.min(1, 0.25 + w / 4)} onClick={() => open(l)}>
                  <title>
                    {l.sourceId.split(' ')[1]} — {l.targetId.split(' ')[1]}: {l.alerts} alert(s), highest risk {l.risk} (click for details)
                  </title>
                </line>
              );
            })}
            {drawn.nodes.map((n) => (
              <Shape key={n.id} n={n} selected={n.id === selected} onClick={() => setSelected(n.id)} />
            ))}
          </svg>
          <aside class="graph-side">
            <div class="muted">
              {count(graph.nodes.length)} endpoints, {count(graph.links.length)} links from the {count(graph.alerts)} most suspicious of {count(graph.matching)} alerts.
            </div>
            {node === undefined ? (
              <p class="muted">Click an endpoint for its peers, or a link for the details of its most suspicious alert.</p>
            ) : (
              <div data-testid="node-panel">
                <h3>{node.label}</h3>
                <p>
                  {node.type === 'name' ? 'DNS name or proxy host' : node.internal ? 'internal address' : 'external address'} · {node.alerts} alert(s) · highest risk {node.risk}
                </p>
                <button onClick={() => ctx.go({ view: 'suspicious', params: node.type === 'ip' ? { ip: node.label, domain: undefined, n: undefined } : { domain: node.label, ip: undefined, n: undefined } })}>Show its alerts in the list</button>
                <h4>Peers</h4>
                <ul class="peers">
                  {peers.map((l, i) => (
                    <li key={i}>
                      <a href="#" onClick={(e) => (e.preventDefault(), open(l))}>
                        {(l.sourceId === node.id ? l.targetId : l.sourceId).split(' ')[1]}
                      </a>{' '}
                      <span class="muted">
                        {l.alerts} alert(s), risk {l.risk}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
