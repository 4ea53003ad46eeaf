/**
 * The project's own NetFlow / IPFIX encoder, for fixtures that always exist (no corpus needed): v5 packets, v9 and
 * IPFIX templates and data records, nfdump CSV text. Written from RFC 3954 / RFC 7011, independent of the decoder.
 */
export interface V5Flow {
  src: string;
  dst: string;
  nextHop?: string;
  input?: number;
  output?: number;
  packets: number;
  bytes: number;
  first: number;
  last: number;
  srcPort: number;
  dstPort: number;
  flags?: number;
  proto: number;
  tos?: number;
  srcAs?: number;
  dstAs?: number;
  srcMask?: number;
  dstMask?: number;
}

const ip4 = (s: string): number[] => s.split('.').map(Number);
const be16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const be32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const be64 = (v: number): number[] => [...be32(Math.floor(v / 4294967296)), ...be32(v >>> 0)];

export function ip6(s: string): number[] {
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => be16(g));
}

export function v5Packet(o: { uptime: number; secs: number; nsecs?: number; seq?: number; engineType?: number; engineId?: number; sampling?: number; flows: V5Flow[] }): Uint8Array {
  const out: number[] = [...be16(5), ...be16(o.flows.length), ...be32(o.uptime), ...be32(o.secs), ...be32(o.nsecs ?? 0), ...be32(o.seq ?? 0), o.engineType ?? 0, o.engineId ?? 0, ...be16(o.sampling ?? 0)];
  for (const f of o.flows) {
    out.push(...ip4(f.src), ...ip4(f.dst), ...ip4(f.nextHop ?? '0.0.0.0'), ...be16(f.input ?? 0), ...be16(f.output ?? 0), ...be32(f.packets), ...be32(f.bytes), ...be32(f.first), ...be32(f.last), ...be16(f.srcPort), ...be16(f.dstPort), 0, f.flags ?? 0, f.proto, f.tos ?? 0, ...be16(f.srcAs ?? 0), ...be16(f.dstAs ?? 0), f.srcMask ?? 0, f.dstMask ?? 0, 0, 0);
  }
  return Uint8Array.from(out);
}

/** A field spec: element id, length, enterprise number (IPFIX only). */
export interface Field {
  id: number;
  length: number;
  pen?: number;
}

export type Value = number | string | Uint8Array;

function encodeValue(f: Field, v: Value): number[] {
  if (v instanceof Uint8Array) {
    if (f.length === 65535) return v.length < 255 ? [v.length, ...v] : [255, ...be16(v.length), ...v];
    return [...v];
  }
  if (typeof v === 'string') {
    if (f.length === 4 && /^\d+\.\d+\.\d+\.\d+$/.test(v)) return ip4(v);
    if (f.length === 16 && v.includes(':')) return ip6(v);
    const bytes = [...Buffer.from(v, 'utf8')];
    if (f.length === 65535) return bytes.length < 255 ? [bytes.length, ...bytes] : [255, ...be16(bytes.length), ...bytes];
    return [...bytes, ...new Array<number>(Math.max(0, f.length - bytes.length)).fill(0)].slice(0, f.length);
  }
  switch (f.length) {
    case 1:
      return [v & 255];
    case 2:
      return be16(v);
    case 4:
      return be32(v);
    case 8:
      return be64(v);
    default:
      throw new RangeError(`cannot encode a number in ${f.length} bytes`);
  }
}

const pad4 = (a: number[]): number[] => [...a, ...new Array<number>((4 - (a.length % 4)) % 4).fill(0)];

export function templateRecord(id: number, fields: Field[], ipfix: boolean): number[] {
  const out = [...be16(id), ...be16(fields.length)];
  for (const f of fields) {
    if (ipfix && f.pen !== undefined) out.push(...be16(f.id | 0x8000), ...be16(f.length), ...be32(f.pen));
    else out.push(...be16(f.id), ...be16(f.length));
  }
  return out;
}

export function dataRecords(fields: Field[], rows: Value[][]): number[] {
  const out: number[] = [];
  for (const row of rows) fields.forEach((f, i) => out.push(...encodeValue(f, row[i]!)));
  return out;
}

export type SetSpec = { template: { id: number; fields: Field[] }[] } | { options: { id: number; scope: Field[]; fields: Field[] } } | { data: { id: number; fields: Field[]; rows: Value[][] } } | { raw: { id: number; body: number[] } };

function setBytes(s: SetSpec, ipfix: boolean): number[] {
  if ('template' in s) {
    const body = s.template.flatMap((t) => templateRecord(t.id, t.fields, ipfix));
    return [...be16(ipfix ? 2 : 0), ...be16(body.length + 4), ...body];
  }
  if ('options' in s) {
    const o = s.options;
    let body: number[];
    if (ipfix) body = [...be16(o.id), ...be16(o.scope.length + o.fields.length), ...be16(o.scope.length), ...[...o.scope, ...o.fields].flatMap((f) => [...be16(f.id), ...be16(f.length)])];
    else body = pad4([...be16(o.id), ...be16(o.scope.length * 4), ...be16(o.fields.length * 4), ...[...o.scope, ...o.fields].flatMap((f) => [...be16(f.id), ...be16(f.length)])]);
    return [...be16(ipfix ? 3 : 1), ...be16(body.length + 4), ...body];
  }
  if ('data' in s) {
    const body = pad4(dataRecords(s.data.fields, s.data.rows));
    return [...be16(s.data.id), ...be16(body.length + 4), ...body];
  }
  return [...be16(s.raw.id), ...be16(s.raw.body.length + 4), ...s.raw.body];
}

export function v9Packet(o: { uptime: number; secs: number; seq?: number; sourceId?: number; sets: SetSpec[] }): Uint8Array {
  const sets = o.sets.flatMap((s) => setBytes(s, false));
  const count = o.sets.reduce((n, s) => n + ('template' in s ? s.template.length : 'options' in s ? 1 : 'data' in s ? s.data.rows.length : 0), 0);
  return Uint8Array.from([...be16(9), ...be16(count), ...be32(o.uptime), ...be32(o.secs), ...be32(o.seq ?? 0), ...be32(o.sourceId ?? 0), ...sets]);
}

export function ipfixMessage(o: { secs: number; seq?: number; domain?: number; sets: SetSpec[] }): Uint8Array {
  const sets = o.sets.flatMap((s) => setBytes(s, true));
  return Uint8Array.from([...be16(10), ...be16(16 + sets.length), ...be32(o.secs), ...be32(o.seq ?? 0), ...be32(o.domain ?? 0), ...sets]);
}

/** IANA ids used by the fixtures. */
export const IE = {
  octets: 1,
  packets: 2,
  proto: 4,
  tos: 5,
  flags: 6,
  srcPort: 7,
  src4: 8,
  srcMask: 9,
  input: 10,
  dstPort: 11,
  dst4: 12,
  dstMask: 13,
  output: 14,
  nextHop4: 15,
  srcAs: 16,
  dstAs: 17,
  last: 21,
  first: 22,
  src6: 27,
  dst6: 28,
  samplingInterval: 34,
  samplerId: 48,
  startMs: 152,
  endMs: 153,
  systemInit: 160,
  postNatSrc4: 225,
  postNaptSrcPort: 227,
  applicationName: 96,
  vlan: 58,
} as const;

/** A typical v9 flow template (softflowd's shape) and one row for it. */
export const V9_FLOW_FIELDS: Field[] = [
  { id: IE.src4, length: 4 },
  { id: IE.dst4, length: 4 },
  { id: IE.srcPort, length: 2 },
  { id: IE.dstPort, length: 2 },
  { id: IE.proto, length: 1 },
  { id: IE.flags, length: 1 },
  { id: IE.tos, length: 1 },
  { id: IE.octets, length: 4 },
  { id: IE.packets, length: 4 },
  { id: IE.first, length: 4 },
  { id: IE.last, length: 4 },
  { id: IE.input, length: 2 },
  { id: IE.output, length: 2 },
];

/** nfdump 1.7.1 `-o csv` text for rows of [ts, te, sa, da, sp, dp, pr, flg, ipkt, ibyt, tr]. */
export function nfdumpCsv(rows: [string, string, string, string, number, number, string, string, number, number, string][]): string {
  const header = 'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';
  const lines = rows.map(([ts, te, sa, da, sp, dp, pr, flg, ipkt, ibyt, tr]) => {
    const td = ((Date.parse(`${te}Z`) - Date.parse(`${ts}Z`)) / 1000).toFixed(3);
    return [ts, te, td, sa, da, sp, dp, pr, flg, 0, 0, ipkt, ibyt, 0, 0, 1, 2, 0, 0, 24, 24, 0, 0, '0.0.0.0', '0.0.0.0', 0, 0, '00:00:00:00:00:00', '00:00:00:00:00:00', '00:00:00:00:00:00', '00:00:00:00:00:00', ...new Array(10).fill('0-0-0'), '    0.000', '    0.000', '    0.000', '127.0.0.1', '0/0', 1, tr].join(',');
  });
  const bytes = rows.reduce((n, r) => n + r[9], 0);
  const packets = rows.reduce((n, r) => n + r[8], 0);
  return `${header}\n${lines.join('\n')}\nSummary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n${rows.length},${bytes},${packets},0,0,0\n`;
}

/** An nfdump 1.7 file (layout 2) with one data block of V3 records (generic flow, IPv4 addresses, exporter). */
export function nfcapdFile(flows: { first: number; last: number; received: number; packets: number; bytes: number; srcPort: number; dstPort: number; proto: number; src: string; dst: string; exporter: string }[], compress?: (block: Uint8Array) => Uint8Array): Uint8Array {
  const le16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
  const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
  const le64 = (v: number): number[] => [...le32(v >>> 0), ...le32(Math.floor(v / 4294967296))];
  const ip = (s: string): number[] => le32(s.split('.').reduce((a, x) => a * 256 + Number(x), 0));
  const records: number[] = [];
  for (const f of flows) {
    const generic = [...le16(1), ...le16(52), ...le64(f.first), ...le64(f.last), ...le64(f.received), ...le64(f.packets), ...le64(f.bytes), ...le16(f.srcPort), ...le16(f.dstPort), f.proto, 0, 0, 0];
    const v4 = [...le16(2), ...le16(12), ...ip(f.src), ...ip(f.dst)];
    const rcv = [...le16(12), ...le16(8), ...ip(f.exporter)];
    const body = [...generic, ...v4, ...rcv];
    records.push(...le16(11), ...le16(12 + body.length), ...le16(3), 0, 0, ...le16(1), 0, 9, ...body);
  }
  const raw = Uint8Array.from(records);
  const data = compress === undefined ? raw : compress(raw);
  const header = [...le16(0xa50c), ...le16(2), ...le32(0x01070100), ...le64(1_700_000_000), compress === undefined ? 0 : 3, 0, ...le16(0), ...le32(1), ...le64(0), ...le32(0), ...le32(1)];
  const block = [...le32(flows.length), ...le32(data.length), ...le16(3), ...le16(0)];
  return Uint8Array.from([...header, ...block, ...data]);
}
