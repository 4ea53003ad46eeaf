import { describe, expect, it } from 'vitest';
import { Spans, TOKEN_CONTROL_CHAR, TOKEN_TOO_MANY, TOKEN_UNTERMINATED_QUOTE, tokenize, valueAt } from './tokenize.js';

const values = (line: string): string[] | number => {
  const spans = new Spans();
  const n = tokenize(line, spans);
  return n < 0 ? n : Array.from({ length: n }, (_, k) => valueAt(line, spans, k));
};

describe('tokenize (W3C / ELFF values)', () => {
  it('splits on runs of spaces and tabs and ignores leading and trailing blanks', () => {
    expect(values('  a  b\tc \t d  ')).toEqual(['a', 'b', 'c', 'd']);
    expect(values('')).toEqual([]);
  });

  it('keeps quoted values whole, without their quotes, and reads empty quoted values', () => {
    expect(values('1 "Web Ads/Analytics" - "" x')).toEqual(['1', 'Web Ads/Analytics', '-', '', 'x']);
    expect(values('"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"')).toEqual(['Mozilla/5.0 (Windows NT 10.0; Win64; x64)']);
  });

  it('turns doubled and backslash-escaped quotes inside a quoted value into quotes (IIS advanced logging)', () => {
    expect(values('404 " ""garbage"" w/ spaces " 0')).toEqual(['404', ' "garbage" w/ spaces ', '0']);
    expect(values('"say \\"hi\\" now" z')).toEqual(['say "hi" now', 'z']);
  });

  it('treats a quote that is not followed by a separator as part of the value', () => {
    expect(values('"a"b c" d')).toEqual(['a"b c', 'd']);
    expect(values('ab"c d')).toEqual(['ab"c', 'd']);
  });

  it('reports a quoted value that is never closed, and where it opened', () => {
    const spans = new Spans();
    expect(tokenize('a "b c', spans)).toBe(TOKEN_UNTERMINATED_QUOTE);
    expect(spans.badAt).toBe(2);
  });

  it('reports control characters (binary garbage) inside and outside quotes', () => {
    expect(values('a b\u0000c')).toBe(TOKEN_CONTROL_CHAR);
    expect(values('a "b\u0001"')).toBe(TOKEN_CONTROL_CHAR);
    expect(values('a\u007fb')).toBe(TOKEN_CONTROL_CHAR);
  });

  it('reads the same values on its fast path (spaces only) as character by character (a trailing tab forces that path)', () => {
    const alphabet = ['a', 'b', ' ', ' ', '"', '"', '\\', '-', '/'];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const fast = new Spans();
    const slow = new Spans();
    for (let t = 0; t < 20000; t++) {
      let line = '';
      for (let i = 0, n = rand(24); i < n; i++) line += alphabet[rand(alphabet.length)];
      const a = tokenize(line, fast);
      const b = tokenize(`${line}\t`, slow);
      expect(a, JSON.stringify(line)).toBe(b);
      for (let k = 0; k < a; k++) expect([fast.start[k], fast.end[k], fast.flags[k]], JSON.stringify(line)).toEqual([slow.start[k], slow.end[k], slow.flags[k]]);
    }
  });

  it('refuses lines with more values than any layout has', () => {
    expect(values('x '.repeat(600))).toBe(TOKEN_TOO_MANY);
  });
});
