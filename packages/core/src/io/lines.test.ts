import { describe, expect, it } from 'vitest';
import { randomChunks, prng } from '../testkit/fuzz.js';
import { readLines } from './lines.js';
import { memorySource } from './sources.js';

async function lines(chunks: string[] | Uint8Array[], max?: number) {
  const out = [];
  const bytes = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c));
  for await (const batch of readLines(memorySource('t', bytes), max === undefined ? {} : { maxLineBytes: max })) out.push(...batch);
  return out;
}

describe('readLines', () => {
  it('splits on LF and CRLF, keeps empty lines, numbers lines and offsets', async () => {
    const out = await lines(['a\r\n\nbc\n', 'd']);
    expect(out.map((l) => [l.text, l.line, l.offset, l.unterminated])).toEqual([
      ['a', 1, 0, false],
      ['', 2, 3, false],
      ['bc', 3, 4, false],
      ['d', 4, 7, true],
    ]);
  });

  it('gives the same lines whatever the chunk boundaries, including inside multi-byte characters', async () => {
    const text = Buffer.from('héllo wörld\r\nsecond line 日本語\n\nlast');
    const whole = (await lines([text])).map((l) => l.text);
    const rand = prng(3);
    for (let i = 0; i < 30; i++) expect((await lines(randomChunks(text, rand, 5))).map((l) => l.text)).toEqual(whole);
  });

  it('cuts an over-long line to the limit, reports its real size, and keeps memory bounded', async () => {
    const out = await lines(['x'.repeat(10), 'y'.repeat(10), '\nok\n'], 8);
    expect(out[0]).toMatchObject({ text: 'xxxxxxxx', bytes: 20, truncated: true, line: 1 });
    expect(out[1]).toMatchObject({ text: 'ok', truncated: false, line: 2, offset: 21 });
  });

  it('does not count a CR before LF as part of the line length', async () => {
    expect((await lines(['abcd\r\n'], 4))[0]).toMatchObject({ text: 'abcd', bytes: 4, truncated: false });
  });
});
