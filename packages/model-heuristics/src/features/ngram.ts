import { hash32, hex32 } from '../sketch/hash.js';

/**
 * A character trigram model of "normal" domain labels, for telling `windowsupdate` from `xkqjzvtrwpl`.
 *
 * Labels are judged on their runs of letters (`office365-login` is `office` and `login`): a fallback corpus of
 * English words has no digits or hyphens, and most real labels join words with them. Letter/digit mixing is a
 * separate sign (`e8f3a1c9b2` changes between letters and digits at almost every character). Probabilities
 * interpolate trigram, bigram and unigram estimates (Jelinek-Mercer), precomputed into one table of
 * log2 P(c | two before), so judging a label is a table lookup per character. Thresholds are calibrated on
 * held-out normal labels: a label is random-looking when it scores below the given percentile of unseen normal
 * labels of similar length.
 */
const A = 27; // a-z -> 1..26, boundary 0
const L3 = 0.6;
const L2 = 0.3;
const L1 = 0.1;
/** Every tenth label is held out of training and used to calibrate the thresholds. */
const HOLD_OUT = 10;
/** Letter/digit changes from which a label is random-looking whatever its letters (hex and base-36 names). */
export const MIXING_LIMIT = 4;

const letter = (c: number): number => (c >= 97 && c <= 122 ? c - 96 : c >= 65 && c <= 90 ? c - 64 : 0);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export interface NgramSource {
  /** Where the labels came from, for the state and describe(). */
  readonly description: string;
  readonly labels: readonly string[];
  /** Weight of each label (domains of a top list count more than dictionary words). */
  readonly weight: number;
}

/** How a label was judged. */
export interface LabelVerdict {
  readonly random: boolean;
  /** Mean log2 probability per letter (NaN when the label has no run of three letters). */
  readonly score: number;
  readonly threshold: number;
  /** Letter/digit changes. */
  readonly mixing: number;
}

export class NgramModel {
  readonly #logp: Float32Array;
  /** Score thresholds by letters judged (index = count, capped at 32). */
  readonly #threshold: Float32Array;
  readonly description: string;
  readonly labels: number;
  readonly fingerprint: string;
  readonly percentile: number;

  constructor(sources: readonly NgramSource[], percentile: number) {
    const c3 = new Float64Array(A * A * A);
    const c2 = new Float64Array(A * A);
    const c1 = new Float64Array(A);
    let total = 0;
    let labels = 0;
    let fp = 0;
    const count = (run: string, w: number): void => {
      let a = 0;
      let b = 0;
      for (let i = 0; i <= run.length; i++) {
        const c = i === run.length ? 0 : letter(run.charCodeAt(i));
        c3[(a * A + b) * A + c]! += w;
        c2[b * A + c]! += w;
        c1[c]! += w;
        total += w;
        a = b;
        b = c;
      }
    };
    for (const s of sources) {
      for (let k = 0; k < s.labels.length; k++) {
        if (k % HOLD_OUT === HOLD_OUT - 1) continue;
        const label = s.labels[k]!;
        if (label.length === 0) continue;
        labels++;
        fp = (fp + hash32(label)) >>> 0;
        for (const run of letterRuns(label)) count(run, s.weight);
      }
    }
    const ctx2 = new Float64Array(A * A);
    const ctx1 = new Float64Array(A);
    for (let ab = 0; ab < A * A; ab++) for (let c = 0; c < A; c++) ctx2[ab]! += c3[ab * A + c]!;
    for (let b = 0; b < A; b++) for (let c = 0; c < A; c++) ctx1[b]! += c2[b * A + c]!;
    this.#logp = new Float32Array(A * A * A);
    for (let a = 0; a < A; a++) {
      for (let b = 0; b < A; b++) {
        const ab = a * A + b;
        for (let c = 0; c < A; c++) {
          const p3 = ctx2[ab]! > 0 ? c3[ab * A + c]! / ctx2[ab]! : 0;
          const p2 = ctx1[b]! > 0 ? c2[b * A + c]! / ctx1[b]! : 0;
          const p1 = (c1[c]! + 1) / (total + A); // add-one: every letter has some probability
          this.#logp[ab * A + c] = Math.log2(L3 * p3 + L2 * p2 + L1 * p1);
        }
      }
    }
    this.labels = labels;
    this.percentile = percentile;
    this.description = sources.map((s) => s.description).join(' + ');
    this.fingerprint = hex32(fp ^ labels);
    this.#threshold = new Float32Array(33).fill(Number.NEGATIVE_INFINITY);
    const byLength: number[][] = Array.from({ length: 33 }, () => []);
    for (const s of sources) {
      for (let k = HOLD_OUT - 1; k < s.labels.length; k += HOLD_OUT) {
        const { score, letters } = this.#score(s.labels[k]!);
        if (letters >= 3) byLength[Math.min(32, letters)]!.push(score);
      }
    }
    for (let len = 3; len <= 32; len++) {
      // Pool neighbouring lengths so that every band has enough labels.
      const pool: number[] = [];
      for (let d = 0; pool.length < 400 && d < 32; d++) {
        for (const l of d === 0 ? [len] : [len - d, len + d]) if (l >= 3 && l <= 32) pool.push(...byLength[l]!);
      }
      if (pool.length === 0) continue;
      pool.sort((x, y) => x - y);
      this.#threshold[len] = pool[Math.min(pool.length - 1, Math.floor((percentile / 100) * pool.length))]!;
    }
  }

  #score(label: string): { score: number; letters: number } {
    let sum = 0;
    let symbols = 0;
    let letters = 0;
    let a = 0;
    let b = 0;
    let run = 0;
    for (let i = 0; i <= label.length; i++) {
      const c = i === label.length ? 0 : letter(label.charCodeAt(i));
      if (c === 0) {
        if (run >= 3) {
          sum += this.#logp[(a * A + b) * A]!; // the end of the run
          symbols++;
        } else if (run > 0) {
          // Runs shorter than three letters are not judged: undo them.
          sum -= this.#pending;
          symbols -= run;
          letters -= run;
        }
        a = 0;
        b = 0;
        run = 0;
        this.#pending = 0;
        continue;
      }
      const lp = this.#logp[(a * A + b) * A + c]!;
      sum += lp;
      this.#pending += lp;
      symbols++;
      letters++;
      run++;
      a = b;
      b = c;
    }
    return { score: symbols === 0 ? Number.NaN : sum / symbols, letters };
  }

  #pending = 0;

  /** Mean log2 probability per letter of the label's runs of three or more letters (NaN when none). */
  score(label: string): number {
    return this.#score(label).score;
  }

  /** The score below which a label with this many judged letters is random-looking. */
  threshold(letters: number): number {
    return this.#threshold[Math.min(32, Math.max(3, letters))]!;
  }

  judge(label: string): LabelVerdict {
    const { score, letters } = this.#score(label);
    const mixing = letterDigitChanges(label);
    const threshold = this.threshold(letters);
    return { random: mixing >= MIXING_LIMIT || (letters >= 3 && score < threshold), score, threshold, mixing };
  }

  isRandom(label: string): boolean {
    return this.judge(label).random;
  }
}

/** Runs of letters in a label. */
export function letterRuns(label: string): string[] {
  return label.toLowerCase().split(/[^a-z]+/).filter((r) => r.length > 0);
}

/** How often a label changes between letters and digits (`a1b2` changes three times). */
export function letterDigitChanges(label: string): number {
  let changes = 0;
  let prev = -1;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    const cls = isDigit(c) ? 1 : letter(c) !== 0 ? 0 : -1;
    if (cls < 0) {
      prev = -1;
      continue;
    }
    if (prev >= 0 && cls !== prev) changes++;
    prev = cls;
  }
  return changes;
}
