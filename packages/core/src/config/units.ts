const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/;
const SIZE_BYTES: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** `250ms`, `5s`, `10m`, `1h`, `1d` or a number of milliseconds -> milliseconds. Throws RangeError on bad input. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a duration: ${value}`);
    return value;
  }
  const m = DURATION.exec(value.trim());
  if (m === null) throw new RangeError(`not a duration: "${value}" (use e.g. 500ms, 30s, 5m, 1h, 1d)`);
  return Math.round(Number(m[1]) * DURATION_MS[m[2]!]!);
}

/** `64KiB`, `100MB`, `1GiB` or a number of bytes -> bytes. Throws RangeError on bad input. */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a size: ${value}`);
    return Math.floor(value);
  }
  const m = SIZE.exec(value.trim());
  if (m === null) throw new RangeError(`not a size: "${value}" (use e.g. 512KiB, 100MB, 1GiB)`);
  return Math.floor(Number(m[1]) * SIZE_BYTES[m[2] ?? 'B']!);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** The JSON Schema string patterns for durations and sizes, shared by the pipeline schema and plugin schemas. */
export const DURATION_PATTERN = DURATION.source;
export const SIZE_PATTERN = SIZE.source;
