const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6', 132: 'SCTP' };
const QTYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 43: 'DS', 46: 'RRSIG', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY' };
const RCODES: Record<number, string> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };

export const proto = (n: number | undefined): string => (n === undefined ? '?' : (PROTOCOLS[n] ?? String(n)));
export const qtype = (n: number | undefined): string => (n === undefined ? '?' : (QTYPES[n] ?? `TYPE${n}`));
export const rcode = (n: number | undefined): string => (n === undefined ? '?' : (RCODES[n] ?? `RCODE${n}`));

/** UTC time as `2026-01-05 10:49:01`. */
export function time(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export const count = (n: number | undefined): string => (n === undefined ? '' : n.toLocaleString('en-US'));

export function score(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 0.01 && a < 1e5 ? v.toPrecision(3) : v.toExponential(2);
}

export const RISK_NAME: Record<number, string> = { 1: 'High', 2: 'Medium', 3: 'Low' };

/** `datetime-local` value (UTC) <-> epoch ms. */
export function toLocalInput(ms: string | undefined): string {
  if (ms === undefined || ms === '') return '';
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 16);
}
export function fromLocalInput(v: string): string | undefined {
  if (v === '') return undefined;
  const ms = Date.parse(`${v}:00Z`);
  return Number.isNaN(ms) ? undefined : String(ms);
}

/** TCP flags as letters (`S A F R P U`), the way flow tools print them. */
export function tcpFlags(n: number | undefined): string {
  if (n === undefined) return '';
  const names: [number, string][] = [[2, 'S'], [16, 'A'], [8, 'P'], [1, 'F'], [4, 'R'], [32, 'U']];
  const out = names.filter(([bit]) => (n & bit) !== 0).map(([, c]) => c).join('');
  return out === '' ? '.' : out;
}
