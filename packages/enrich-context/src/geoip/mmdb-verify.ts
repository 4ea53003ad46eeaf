import { Reader, type Response } from 'maxmind';
import { formatV4, formatV6 } from '../ip/parse-ip.js';

const METADATA_MARKER = Buffer.from('\xab\xcd\xefMaxMind.com', 'latin1');

/**
 * Checks a MaxMind database the way `mmdb-verify` does, using only the reader's public API: every node of the
 * search tree is visited once, every record must point at a node, "empty" or inside the data section, the
 * data section must start with its 16-byte separator, and every data record reached must decode into a map.
 * Returns what is wrong, or undefined when nothing is. Costs one pass over the tree and one decode per distinct
 * record (well under a second for a full GeoLite2-City on a laptop core).
 */
export function verifyMmdb(db: Buffer, reader: Reader<Response>): string | undefined {
  const m = reader.metadata;
  const nodes = m.nodeCount;
  const treeSize = m.searchTreeSize;
  const metaStart = db.lastIndexOf(METADATA_MARKER);
  if (metaStart < 0) return 'no metadata marker';
  const dataSize = metaStart - treeSize - 16;
  if (treeSize + 16 > metaStart || dataSize < 0) return `search tree (${treeSize} bytes for ${nodes} nodes) runs past the data section`;
  for (let i = 0; i < 16; i++) if (db[treeSize + i] !== 0) return `no data-section separator after the search tree (byte ${treeSize + i} is ${db[treeSize + i]})`;
  if (![24, 28, 32].includes(m.recordSize)) return `unsupported record size ${m.recordSize}`;
  const bits = m.ipVersion === 6 ? 128 : 32;

  const read = recordReader(db, m.recordSize);
  const seen = new Uint8Array(nodes);
  const decoded = new Set<number>();
  // Depth-first with an explicit stack of (node, depth, path as two 64-bit halves).
  const stackNode: number[] = [0];
  const stackDepth: number[] = [0];
  const stackPath: bigint[] = [0n];
  while (stackNode.length > 0) {
    const node = stackNode.pop()!;
    const depth = stackDepth.pop()!;
    const path = stackPath.pop()!;
    if (seen[node] === 1) continue;
    seen[node] = 1;
    if (depth >= bits) return `search tree is deeper than ${bits} bits at node ${node}`;
    for (let side = 0; side < 2; side++) {
      const v = read(node, side);
      const childPath = path | (BigInt(side) << BigInt(bits - 1 - depth));
      if (v < nodes) {
        stackNode.push(v);
        stackDepth.push(depth + 1);
        stackPath.push(childPath);
      } else if (v > nodes) {
        const offset = v - nodes - 16;
        if (offset < 0 || offset >= dataSize) return `node ${node} points at data offset ${offset}, outside the data section (${dataSize} bytes)`;
        if (decoded.has(offset)) continue;
        decoded.add(offset);
        const ip = bits === 32 ? formatV4(Number(childPath)) : formatV6(childPath);
        let value: unknown;
        try {
          value = reader.get(ip);
        } catch (e) {
          return `the record for ${ip}/${depth + 1} (data offset ${offset}) cannot be decoded: ${e instanceof Error ? e.message : String(e)}`;
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return `the record for ${ip}/${depth + 1} (data offset ${offset}) is not a map`;
      }
    }
  }
  return undefined;
}

function recordReader(db: Buffer, size: number): (node: number, side: number) => number {
  if (size === 24) return (node, side) => db.readUIntBE(node * 6 + side * 3, 3);
  if (size === 32) return (node, side) => db.readUInt32BE(node * 8 + side * 4);
  return (node, side) => {
    const o = node * 7;
    if (side === 0) return ((db[o + 3]! & 0xf0) * 2 ** 20) + db.readUIntBE(o, 3);
    return ((db[o + 3]! & 0x0f) * 2 ** 24) + db.readUIntBE(o + 4, 3);
  };
}
