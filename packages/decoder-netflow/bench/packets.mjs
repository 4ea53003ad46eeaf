// Export packets for the benchmark, built in memory (deterministic): what softflowd / a router sends.
const be16 = (b, o, v) => { b[o] = (v >> 8) & 255; b[o + 1] = v & 255; };
const be32 = (b, o, v) => { b[o] = (v >>> 24) & 255; b[o + 1] = (v >>> 16) & 255; b[o + 2] = (v >>> 8) & 255; b[o + 3] = v & 255; };

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
const ip = (b, o) => { b[o] = 10; b[o + 1] = (rand() * 256) | 0; b[o + 2] = (rand() * 256) | 0; b[o + 3] = 1 + ((rand() * 250) | 0); };

export function v5Packets(n, secs) {
  const out = [];
  for (let p = 0; p < n; p++) {
    const b = Buffer.alloc(24 + 30 * 48);
    be16(b, 0, 5); be16(b, 2, 30); be32(b, 4, 3_600_000 + p); be32(b, 8, secs + ((p / 100) | 0)); be32(b, 16, p * 30);
    for (let r = 0, o = 24; r < 30; r++, o += 48) {
      ip(b, o); ip(b, o + 4); ip(b, o + 8); be16(b, o + 12, 1); be16(b, o + 14, 2);
      be32(b, o + 16, 1 + ((rand() * 100) | 0)); be32(b, o + 20, 40 + ((rand() * 100000) | 0)); be32(b, o + 24, 3_590_000); be32(b, o + 28, 3_599_000);
      be16(b, o + 32, 1024 + ((rand() * 60000) | 0)); be16(b, o + 34, [80, 443, 53, 22][(rand() * 4) | 0]); b[o + 37] = 0x1b; b[o + 38] = 6;
    }
    out.push(b);
  }
  return out;
}

// softflowd's v9 / IPFIX flow template (IPv4): 13 fields, 45-byte records.
const FIELDS = [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 1], [5, 1], [1, 4], [2, 4], [22, 4], [21, 4], [10, 2], [14, 2]];
const IPFIX_FIELDS = [[8, 4], [12, 4], [7, 2], [11, 2], [4, 1], [6, 1], [5, 1], [1, 8], [2, 8], [152, 8], [153, 8], [10, 4], [14, 4]];

function templateSet(b, o, setId, tplId, fields) {
  be16(b, o, setId); be16(b, o + 2, 8 + 4 * fields.length); be16(b, o + 4, tplId); be16(b, o + 6, fields.length);
  fields.forEach(([id, len], i) => { be16(b, o + 8 + 4 * i, id); be16(b, o + 10 + 4 * i, len); });
  return o + 8 + 4 * fields.length;
}

function record(b, o, fields, nowMs) {
  for (const [id, len] of fields) {
    if (id === 8 || id === 12) ip(b, o);
    else if (id === 7) be16(b, o, 1024 + ((rand() * 60000) | 0));
    else if (id === 11) be16(b, o, [80, 443, 53, 22][(rand() * 4) | 0]);
    else if (id === 4) b[o] = 6;
    else if (id === 6) b[o] = 0x1b;
    else if (id === 1 || id === 2) { if (len === 8) be32(b, o + 4, 40 + ((rand() * 100000) | 0)); else be32(b, o, 40 + ((rand() * 100000) | 0)); }
    else if (id === 22) be32(b, o, 3_590_000 + ((rand() * 4000) | 0));
    else if (id === 21) be32(b, o, 3_595_000 + ((rand() * 4000) | 0));
    else if (id === 152 || id === 153) { be32(b, o, Math.floor(nowMs / 4294967296)); be32(b, o + 4, nowMs >>> 0); }
    else if (len === 2) be16(b, o, 1);
    else if (len === 4) be32(b, o, 2);
    o += len;
  }
  return o;
}

/** v9 packets of `perPacket` records; the template is re-sent every `every` packets (softflowd: rarely; nfreplay: always). */
export function v9Packets(n, secs, perPacket = 24, every = 20) {
  const recLen = FIELDS.reduce((s, [, l]) => s + l, 0);
  const out = [];
  for (let p = 0; p < n; p++) {
    const b = Buffer.alloc(20 + 8 + 4 * FIELDS.length + 4 + perPacket * recLen + 4);
    be16(b, 0, 9); be32(b, 4, 3_600_000 + p); be32(b, 8, secs + ((p / 100) | 0)); be32(b, 12, p); be32(b, 16, 1);
    let o = 20;
    let count = perPacket;
    if (p % every === 0) { o = templateSet(b, o, 0, 256, FIELDS); count++; }
    const start = o;
    o += 4;
    for (let r = 0; r < perPacket; r++) o = record(b, o, FIELDS, 0);
    while ((o - start) % 4) o++;
    be16(b, start, 256); be16(b, start + 2, o - start);
    be16(b, 2, count);
    out.push(b.subarray(0, o));
  }
  return out;
}

export function ipfixPackets(n, secs, perPacket = 20, every = 20) {
  const recLen = IPFIX_FIELDS.reduce((s, [, l]) => s + l, 0);
  const out = [];
  for (let p = 0; p < n; p++) {
    const b = Buffer.alloc(16 + 8 + 4 * IPFIX_FIELDS.length + 4 + perPacket * recLen);
    be16(b, 0, 10); be32(b, 4, secs + ((p / 100) | 0)); be32(b, 8, p * perPacket); be32(b, 12, 1);
    let o = 16;
    if (p % every === 0) o = templateSet(b, o, 2, 300, IPFIX_FIELDS);
    const start = o;
    o += 4;
    for (let r = 0; r < perPacket; r++) o = record(b, o, IPFIX_FIELDS, secs * 1000);
    be16(b, start, 300); be16(b, start + 2, o - start);
    be16(b, 2, o);
    out.push(b.subarray(0, o));
  }
  return out;
}
