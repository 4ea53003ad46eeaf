/** Building a Corpus from (document, word) id pairs, one pair per token. */
import type { Corpus } from './types.js';
import { invalid } from './validate.js';

/**
 * A Corpus from parallel arrays of document and word ids (one entry per token, e.g. per event) by a counting
 * sort on the document: O(tokens + numDocs). The sort is stable, so the tokens of a document keep their input
 * order — the j-th token of document d is the j-th pair with docIds = d — and {@link tokenPositions} maps pairs
 * to tokens. The arrays live on SharedArrayBuffers so worker threads can use them without a copy.
 *
 * @throws SightlineError SL_CONFIG_INVALID when the lengths differ or an id is out of range.
 */
export function buildCorpus(docIds: Uint32Array, wordIds: Uint32Array, numDocs: number, numWords: number): Corpus {
  const n = docIds.length;
  if (wordIds.length !== n) invalid(`buildCorpus: ${n} document ids but ${wordIds.length} word ids`);
  if (!Number.isInteger(numDocs) || numDocs < 0) invalid(`buildCorpus: numDocs must be an integer >= 0, got ${numDocs}`);
  if (!Number.isInteger(numWords) || numWords < 0) invalid(`buildCorpus: numWords must be an integer >= 0, got ${numWords}`);
  const docStart = new Uint32Array(new SharedArrayBuffer((numDocs + 1) * 4));
  let badDoc = -1;
  for (let i = 0; i < n; i++) {
    const d = docIds[i]!;
    if (d >= numDocs) {
      badDoc = i;
      break;
    }
    docStart[d + 1]!++;
  }
  if (badDoc >= 0) invalid(`buildCorpus: docIds[${badDoc}] = ${docIds[badDoc]} is not below numDocs = ${numDocs}`);
  for (let d = 0; d < numDocs; d++) docStart[d + 1]! += docStart[d]!;
  const cursor = docStart.slice(0, numDocs);
  const tokens = new Uint32Array(new SharedArrayBuffer(n * 4));
  for (let i = 0; i < n; i++) {
    const w = wordIds[i]!;
    if (w >= numWords) invalid(`buildCorpus: wordIds[${i}] = ${w} is not below numWords = ${numWords}`);
    tokens[cursor[docIds[i]!]!++] = w;
  }
  return { numDocs, numWords, docStart, tokens };
}

/**
 * For every input pair of {@link buildCorpus}, the index of its token in the corpus: `scores[positions[e]]` is
 * the score of event e when `scores` is aligned with the tokens.
 */
export function tokenPositions(docIds: Uint32Array, corpus: Corpus): Uint32Array {
  const cursor = corpus.docStart.slice(0, corpus.numDocs);
  const positions = new Uint32Array(docIds.length);
  for (let i = 0; i < docIds.length; i++) {
    const d = docIds[i]!;
    if (d >= corpus.numDocs) invalid(`tokenPositions: docIds[${i}] = ${d} is not below numDocs = ${corpus.numDocs}`);
    positions[i] = cursor[d]!++;
  }
  return positions;
}
