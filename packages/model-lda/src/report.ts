import type { EventKind, ModelReport, ModelState } from '@sightline/core';
import type { KindScorer } from './kind-model.js';
import type { LdaStateData } from './state.js';

const TOP_WORDS = 8;
const TOP_TOPICS_SHOWN = 20;

/**
 * What the fitted model learned, for an analyst: per kind, the size of the fit and each topic's share of the
 * tokens with its most probable words (the behaviours the hosts are mixtures of).
 */
export function describeState(state: ModelState, scorers: ReadonlyMap<EventKind, KindScorer>): ModelReport {
  const data = state.data as LdaStateData;
  const sections: { title: string; lines: string[] }[] = [];
  for (const [kind, scorer] of scorers) {
    const s = data.kinds[kind]!;
    const { topics: K, words, wordTopic, topicTotal, beta } = scorer.data;
    const total = topicTotal.reduce((a, b) => a + b, 0);
    const lines: string[] = [
      `${s.events.toLocaleString('en-US')} events (${s.skipped} without a word), ${s.docs.length.toLocaleString('en-US')} hosts, ${words.length.toLocaleString('en-US')} words, ${s.trainTokens.toLocaleString('en-US')} training tokens${s.sampleRate < 1 ? ` (host-stratified sample at ${(s.sampleRate * 100).toFixed(2)}%, the rest folded in)` : ''}`,
      `featurizer ${s.featurizer}; ${s.feedbackPatterns} low-risk pattern(s) from analyst feedback; ${s.warmStart ? 'warm start from the previous window' : 'cold start'}`,
      `seconds: ${Object.entries(s.seconds).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`,
    ];
    const order = [...Array(K).keys()].sort((a, b) => topicTotal[b]! - topicTotal[a]!).slice(0, TOP_TOPICS_SHOWN);
    for (const k of order) {
      const best: { w: number; p: number }[] = [];
      for (let w = 0; w < words.length; w++) {
        const p = (wordTopic[w * K + k]! + beta) / (topicTotal[k]! + words.length * beta);
        if (best.length < TOP_WORDS || p > best[best.length - 1]!.p) {
          best.push({ w, p });
          best.sort((a, b) => b.p - a.p);
          if (best.length > TOP_WORDS) best.pop();
        }
      }
      const share = total > 0 ? (100 * topicTotal[k]!) / total : 0;
      lines.push(`topic ${k} (${share.toFixed(1)}% of tokens): ${best.map((b) => `${words[b.w]} ${b.p.toFixed(3)}`).join(', ')}`);
    }
    sections.push({ title: `${kind}: what the topics are`, lines });
  }
  return { summary: `LDA suspicious connects fitted on ${new Date(state.window.start).toISOString()}..${new Date(state.window.end).toISOString()} (${String(state.params['topics'])} topics, ${String(state.params['sweeps'])} sweeps)`, sections };
}
