import { IPV4, IPV6, IpParser, parseV4 } from '../ip/parse-ip.js';
import { type Network, parseNetwork } from '../ip/network.js';
import { type RangeEntry, RangeTable } from '../ip/range-table.js';
import type { Loaded } from '../reload/reference-data.js';
import { column, csvRows, fileProblem, listLines, readText } from '../reload/files.js';

/** What is known about one address. Shared between events: never mutated. */
export interface EndpointFacts {
  readonly internal: boolean;
  readonly zone: string | undefined;
  readonly host: string | undefined;
  readonly owner: string | undefined;
  readonly criticality: number | undefined;
  readonly tags: readonly string[] | undefined;
}

export interface Asset {
  readonly host: string | undefined;
  readonly owner: string | undefined;
  readonly criticality: number | undefined;
  readonly tags: readonly string[] | undefined;
  readonly zone: string | undefined;
}

export interface NetworkSources {
  readonly internal: readonly string[];
  readonly internalFiles: readonly string[];
  readonly zones: Readonly<Record<string, readonly string[]>>;
  readonly zoneFiles: readonly string[];
  readonly assetFiles: readonly string[];
  readonly zonesInternal: boolean;
  readonly assetsInternal: boolean;
}

const NETWORK_COLUMNS = ['network', 'ip', 'address', 'cidr', 'range', 'subnet', 'prefix'];
const HOST_COLUMNS = ['host', 'hostname', 'host_name', 'name', 'fqdn'];
const OWNER_COLUMNS = ['owner', 'team', 'department', 'business_unit'];
const CRITICALITY_COLUMNS = ['criticality', 'crit', 'business_criticality'];
const TAG_COLUMNS = ['tags', 'tag', 'labels'];
const ZONE_COLUMNS = ['zone', 'segment'];

/**
 * The network context of one load. The internal ranges, zones and asset inventory are flattened into one
 * range table whose every interval maps to the facts of that stretch of addresses, computed once when the
 * data is built (one frozen object per distinct combination of internal, zone and asset). So an address costs
 * one parse and one table lookup, with no cache to fill, bound or invalidate.
 */
export class NetworkData {
  readonly #table: RangeTable;
  readonly #facts: readonly EndpointFacts[];
  readonly #parser = new IpParser();

  constructor(internal: RangeTable, zones: RangeTable, zoneNames: readonly string[], assets: RangeTable, assetRows: readonly Asset[]) {
    const facts: EndpointFacts[] = [];
    const ids = new Map<string, number>();
    this.#table = RangeTable.combine([internal, zones, assets], ([i = -1, z = -1, a = -1]) => {
      const key = `${i >= 0 ? 1 : 0},${z},${a}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = facts.length;
        const row = a >= 0 ? assetRows[a] : undefined;
        facts.push(
          Object.freeze({
            internal: i >= 0,
            zone: row?.zone ?? (z >= 0 ? zoneNames[z] : undefined),
            host: row?.host,
            owner: row?.owner,
            criticality: row?.criticality,
            tags: row?.tags,
          }),
        );
        ids.set(key, id);
      }
      return id;
    });
    this.#facts = facts;
  }

  /** Facts for an address; undefined when the text is not an address. */
  lookup(ip: string): EndpointFacts | undefined {
    const v = parseV4(ip, 0, ip.length); // the common case, without the general parser
    if (v >= 0) return this.#facts[this.#table.lookup4(v)];
    const p = this.#parser;
    const family = p.parse(ip);
    if (family === IPV4) return this.#facts[this.#table.lookup4(p.v4)];
    if (family === IPV6) return this.#facts[this.#table.lookup6(p.v6)];
    return undefined;
  }
}

/** Reads every network-context file and builds the tables; throws SL_CONTEXT_FILE_INVALID naming the bad line. */
export async function loadNetworkData(src: NetworkSources, plugin: string): Promise<Loaded<NetworkData>> {
  const internal: RangeEntry[] = [];
  const zones: RangeEntry[] = [];
  const zoneNames: string[] = [];
  const zoneIds = new Map<string, number>();
  const assets: RangeEntry[] = [];
  const assetRows: Asset[] = [];
  const zoneId = (name: string): number => {
    let id = zoneIds.get(name);
    if (id === undefined) {
      id = zoneNames.length;
      zoneNames.push(name);
      zoneIds.set(name, id);
    }
    return id;
  };
  const net = (text: string, file: string, line: number | undefined): Network => {
    const n = parseNetwork(text);
    if (typeof n === 'string') throw fileProblem(plugin, file, line, n);
    return n;
  };

  for (const [i, text] of src.internal.entries()) internal.push({ net: net(text, `config internal[${i}]`, undefined), id: 0 });
  for (const file of src.internalFiles) {
    for (const [line, text] of listLines(await readText(file, plugin))) internal.push({ net: net(text, file, line), id: 0 });
  }
  for (const [name, list] of Object.entries(src.zones)) {
    for (const [i, text] of list.entries()) zones.push({ net: net(text, `config zones.${name}[${i}]`, undefined), id: zoneId(name) });
  }
  for (const file of src.zoneFiles) {
    const rows = csvRows(await readText(file, plugin), file, plugin);
    for (const [k, row] of rows.entries()) {
      const [a = '', b = ''] = row.cells;
      if (k === 0 && NETWORK_COLUMNS.includes(a.toLowerCase())) continue; // header
      if (b === '') throw fileProblem(plugin, file, row.line, `expected "network,zone", got "${row.cells.join(',')}"`);
      zones.push({ net: net(a, file, row.line), id: zoneId(b) });
    }
  }
  for (const file of src.assetFiles) {
    const rows = csvRows(await readText(file, plugin), file, plugin);
    const header = rows[0]?.cells ?? [];
    const col = {
      network: column(header, NETWORK_COLUMNS),
      host: column(header, HOST_COLUMNS),
      owner: column(header, OWNER_COLUMNS),
      criticality: column(header, CRITICALITY_COLUMNS),
      tags: column(header, TAG_COLUMNS),
      zone: column(header, ZONE_COLUMNS),
    };
    if (col.network < 0) {
      throw fileProblem(plugin, file, rows[0]?.line ?? 1, `the asset inventory needs a header line naming its address column (one of: ${NETWORK_COLUMNS.join(', ')}); found: ${header.join(', ') || 'nothing'}`);
    }
    const cell = (row: readonly string[], i: number): string | undefined => (i < 0 || row[i] === undefined || row[i] === '' ? undefined : row[i]);
    for (const row of rows.slice(1)) {
      const text = cell(row.cells, col.network);
      if (text === undefined) throw fileProblem(plugin, file, row.line, `no address in column "${header[col.network]}"`);
      const critText = cell(row.cells, col.criticality);
      let criticality: number | undefined;
      if (critText !== undefined) {
        criticality = Number(critText);
        if (!Number.isInteger(criticality) || criticality < 0 || criticality > 5) throw fileProblem(plugin, file, row.line, `criticality must be a whole number 0-5, got "${critText}"`);
      }
      const tagText = cell(row.cells, col.tags);
      // not frozen: copying a frozen array takes V8's slow path, and every event gets its own copy anyway
      const tags = tagText === undefined ? undefined : tagText.split(/[;|]/).map((t) => t.trim()).filter((t) => t !== '');
      const zone = cell(row.cells, col.zone);
      const n = net(text, file, row.line);
      assets.push({ net: n, id: assetRows.length });
      assetRows.push(Object.freeze({ host: cell(row.cells, col.host), owner: cell(row.cells, col.owner), criticality, tags: tags?.length === 0 ? undefined : tags, zone }));
      if (src.assetsInternal) internal.push({ net: n, id: 0 });
    }
  }
  if (src.zonesInternal) for (const z of zones) internal.push({ net: z.net, id: 0 });

  const data = new NetworkData(RangeTable.build(internal, 'most-specific'), RangeTable.build(zones, 'most-specific'), zoneNames, RangeTable.build(assets, 'most-specific'), assetRows);
  return { data, summary: `${internal.length} internal ranges, ${zones.length} zone ranges in ${zoneNames.length} zones, ${assetRows.length} assets` };
}
