import type { EventKind } from '@sightline/core';
import type { GraphLink, GraphNode } from '../api.js';
import type { AlertIndex } from './alert-index.js';

interface NodeAcc {
  id: string;
  label: string;
  type: 'ip' | 'name';
  internal: boolean;
  alerts: number;
  risk: number;
}

/**
 * The network view (Spot's): the endpoints of the given alerts as nodes and each alert as a link between them,
 * weighted by the highest risk among the alerts on that link. Flows link two addresses; DNS links the client to
 * the name it asked for; proxy requests link the client to the host. Addresses are internal or external (the
 * enricher's verdict, else private ranges).
 */
export function buildGraph(alerts: AlertIndex, rows: Iterable<number>): { nodes: GraphNode[]; links: GraphLink[]; alerts: number } {
  const nodes = new Map<string, NodeAcc>();
  const links = new Map<string, { source: string; target: string; alerts: number; risk: number; top: number; kind: EventKind }>();
  let count = 0;
  const node = (id: string, label: string, type: 'ip' | 'name', internal: boolean, risk: number): string => {
    let n = nodes.get(id);
    if (n === undefined) nodes.set(id, (n = { id, label, type, internal, alerts: 0, risk: 0 }));
    n.alerts++;
    n.risk = Math.max(n.risk, risk);
    return id;
  };
  for (const i of rows) {
    const kind = alerts.kindOf(i);
    const risk = alerts.risk[i]!;
    const flags = alerts.internal[i]!;
    const ctx = { src_internal: (flags & 1) !== 0, dst_internal: (flags & 2) !== 0 };
    let a: string | undefined;
    let b: string | undefined;
    if (kind === 'flow') {
      const src = alerts.ips.get(alerts.src[i]!);
      const dst = alerts.ips.get(alerts.dst[i]!);
      if (src !== undefined) a = node(`ip ${src}`, src, 'ip', ctx.src_internal, risk);
      if (dst !== undefined) b = node(`ip ${dst}`, dst, 'ip', ctx.dst_internal, risk);
    } else {
      const client = alerts.ips.get(alerts.client[i]!);
      const internal = client === alerts.ips.get(alerts.src[i]!) ? ctx.src_internal : ctx.dst_internal;
      if (client !== undefined) a = node(`ip ${client}`, client, 'ip', internal, risk);
      const name = alerts.names.get(alerts.name[i]!);
      if (name !== undefined) b = node(`name ${name.toLowerCase()}`, name.toLowerCase(), 'name', false, risk);
    }
    count++;
    if (a === undefined || b === undefined || a === b) continue;
    const [s, t] = a < b ? [a, b] : [b, a];
    const id = `${s}|${t}`;
    const l = links.get(id);
    if (l === undefined) links.set(id, { source: a, target: b, alerts: 1, risk, top: i, kind });
    else {
      l.alerts++;
      if (risk > l.risk) {
        l.risk = risk;
        l.top = i;
        l.kind = kind;
      }
    }
  }
  const round = (v: number): number => Math.round(v * 100) / 100;
  return {
    nodes: [...nodes.values()].map((n) => ({ ...n, risk: round(n.risk) })),
    links: [...links.values()].map((l) => ({ ...l, risk: round(l.risk) })),
    alerts: count,
  };
}
