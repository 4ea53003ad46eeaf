import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readLinesAt, scanLines } from './lines.js';

const dir = mkdtempSync(join(tmpdir(), 'sl-console-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(file: string, maxLineBytes?: number) {
  const lines: { text: string; offset: number; length: number }[] = [];
  const result = await scanLines(file, (text, offset, length) => lines.push({ text, offset, length }), maxLineBytes === undefined ? {} : { maxLineBytes });
  return { lines, result };
}

describe('scanLines', () => {
  it('gives every line with the byte offset and length that read it back, across 1 MiB chunks, CRLF and UTF-8', async () => {
    const texts: string[] = [];
    for (let i = 0; i < 30_000; i++) texts.push(JSON.stringify({ i, name: i % 7 === 0 ? 'ünïcödé ✓' : 'x'.repeat(i % 90) }));
    const body = texts.map((t, i) => (i % 5 === 0 ? `${t}\r\n` : `${t}\n`)).join('') + '\n\n' + 'last line without newline';
    const file = join(dir, 'a.ndjson');
    writeFileSync(file, body);
    const { lines, result } = await collect(file);
    expect(lines.map((l) => l.text)).toEqual([...texts, 'last line without newline']);
    expect(result).toMatchObject({ lines: 30_001, tooLong: 0, seekable: true, bytes: Buffer.byteLength(body) });
    const sample = [0, 1, 4999, 12_345, 29_999, 30_000].map((i) => lines[i]!);
    expect(await readLinesAt(file, sample)).toEqual(sample.map((l) => l.text));
  });

  it('skips and counts lines over the limit without holding them, and goes on', async () => {
    const file = join(dir, 'long.ndjson');
    writeFileSync(file, `short\n${'y'.repeat(3 << 20)}\nafter\n${'z'.repeat(100)}`);
    const { lines, result } = await collect(file, 1 << 20);
    expect(lines.map((l) => l.text.slice(0, 5))).toEqual(['short', 'after', 'zzzzz']);
    expect(result.tooLong).toBe(1);
  });

  it('reads gzip files through, and says their offsets cannot be read back', async () => {
    const file = join(dir, 'c.ndjson.gz');
    writeFileSync(file, gzipSync('one\ntwo\nthree\n'));
    const { lines, result } = await collect(file);
    expect(lines.map((l) => l.text)).toEqual(['one', 'two', 'three']);
    expect(result.seekable).toBe(false);
  });
});
