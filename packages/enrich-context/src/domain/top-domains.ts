import { fileProblem, readText } from '../reload/files.js';

const PLUGIN = 'domain-facts';

/**
 * A top-domains list in the CSV form Tranco, Cisco Umbrella and Alexa publish: `rank,domain` per line, no
 * header (a header line is tolerated). Names are kept lower-case without a trailing dot; the best (lowest)
 * rank of a name wins. Plain split rather than a CSV parser: the format has no quoting, and a million lines
 * load several times faster this way.
 */
export async function loadTopDomains(path: string, limit: number | undefined): Promise<{ ranks: Map<string, number>; lines: number }> {
  const text = await readText(path, PLUGIN);
  const ranks = new Map<string, number>();
  let line = 0;
  let from = 0;
  let bad = 0;
  let firstBad: number | undefined;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    line++;
    const comma = text.indexOf(',', from);
    if (to > from && text.charCodeAt(from) !== 35 /* # */) {
      const end = text.charCodeAt(to - 1) === 13 ? to - 1 : to;
      if (comma < 0 || comma > end) {
        bad++;
        firstBad ??= line;
      } else {
        const rank = Number(text.slice(from, comma));
        let name = text.slice(comma + 1, end).trim().toLowerCase();
        if (name.endsWith('.')) name = name.slice(0, -1);
        if (!Number.isInteger(rank) || rank < 1 || name === '') {
          if (line !== 1) {
            bad++;
            firstBad ??= line;
          }
        } else if (limit === undefined || rank <= limit) {
          const prev = ranks.get(name);
          if (prev === undefined || rank < prev) ranks.set(name, rank);
        }
      }
    }
    from = to + 1;
  }
  if (firstBad !== undefined && (ranks.size === 0 || bad > line * 0.05)) {
    throw fileProblem(PLUGIN, path, firstBad, `${bad} of ${line} lines are not "rank,domain" (Tranco/Umbrella CSV)`);
  }
  return { ranks, lines: line };
}
