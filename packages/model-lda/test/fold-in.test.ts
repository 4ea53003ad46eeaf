import { describe, expect, it } from 'vitest';
import { buildCorpus } from '../src/engine/index.js';
import { foldInWindow } from '../src/fold-in.js';

describe('foldInWindow', () => {
  it('keeps every token (per host, per word, in all) and recovers a host mix when topics own disjoint words', () => {
    // Two topics: words 0,1 belong to topic 0, words 2,3 to topic 1 (φ word-major, 2 topics).
    const phi = new Float32Array([0.5, 1e-6, 0.5, 1e-6, 1e-6, 0.5, 1e-6, 0.5]);
    // Host 0: 30 tokens of topic-0 words, 10 of topic-1 words; host 1: only topic-1 words.
    const docs: number[] = [];
    const words: number[] = [];
    for (let i = 0; i < 30; i++) docs.push(0), words.push(i % 2);
    for (let i = 0; i < 10; i++) docs.push(0), words.push(2 + (i % 2));
    for (let i = 0; i < 20; i++) docs.push(1), words.push(2 + (i % 2));
    const corpus = buildCorpus(Uint32Array.from(docs), Uint32Array.from(words), 2, 4);
    // The sampled fit saw only a few tokens of host 0, all of topic 1: EM must move it.
    const sample = new Uint32Array([0, 3, 0, 5]);
    const { docTopic, wordTopic, topicTotal } = foldInWindow(corpus, sample, phi, 2, 0.1, 10);
    expect(docTopic[0]! + docTopic[1]!).toBeCloseTo(40, 3);
    expect(docTopic[2]! + docTopic[3]!).toBeCloseTo(20, 3);
    expect(docTopic[0]).toBeCloseTo(30, 2);
    expect(docTopic[1]).toBeCloseTo(10, 2);
    expect(docTopic[3]).toBeCloseTo(20, 2);
    expect(wordTopic[0]! + wordTopic[1]!).toBeCloseTo(15, 3);
    expect(wordTopic[4]! + wordTopic[5]!).toBeCloseTo(15, 3);
    expect(topicTotal[0]! + topicTotal[1]!).toBeCloseTo(60, 3);
  });
});
