import { formatBytes, formatDuration } from '@sightline/core';
import type { RunSummary } from '@sightline/runtime';

const n = (v: number): string => v.toLocaleString('en-US');

/** The end-of-run report: what was read, what came out and where, what needs attention. */
export function formatReport(s: RunSummary): string {
  const out: string[] = [];
  const secs = s.durationMs / 1000;
  const rate = secs > 0 ? Math.round(s.counts.eventsDecoded / secs) : 0;
  out.push(`Run ${s.runId} of pipeline "${s.pipeline}" ${s.status} in ${formatDuration(s.durationMs)}.`);
  out.push(
    `  read        ${s.inputs.length} input${s.inputs.length === 1 ? '' : 's'}, ${formatBytes(s.counts.bytesRead)}, ${n(s.counts.eventsDecoded)} events (${n(rate)} events/s)`,
  );
  const quarantined = Object.entries(s.counts.quarantined);
  const qTotal = quarantined.reduce((a, [, v]) => a + v, 0);
  if (qTotal > 0) out.push(`  quarantined ${n(qTotal)} records (${quarantined.map(([k, v]) => `${k}: ${n(v)}`).join(', ')})`);
  out.push(`  delivered   ${n(s.counts.eventsForwarded)} events${s.counts.alerts > 0 ? `, ${n(s.counts.alerts)} alerts` : ''}`);
  if (s.counts.dropped > 0) out.push(`  DROPPED     ${n(s.counts.dropped)} datagrams before decoding (listener queue or kernel buffer full; see quarantine/input.ndjson)`);
  if (s.counts.deadLettered > 0) out.push(`  DEAD-LETTERED ${n(s.counts.deadLettered)} events (not delivered; see below)`);
  if (s.counts.eventsLate > 0) out.push(`  late        ${n(s.counts.eventsLate)} events arrived after their model window closed (delivered, not scored)`);

  for (const w of s.windows) {
    for (const m of w.models) {
      const timing = m.fitSeconds === undefined ? '' : ` (fit ${m.fitSeconds.toFixed(2)}s, score ${(m.scoreSeconds ?? 0).toFixed(2)}s)`;
      out.push(`  model       ${m.step} on ${w.start.slice(0, 16)}..${w.end.slice(0, 16)}: ${n(m.scored)} scored, ${n(m.alerts)} alerts${timing}${m.error === undefined ? '' : ` — ERROR: ${m.error}`}`);
      for (const a of m.top ?? []) {
        out.push(`     #${String(a.rank).padEnd(3)} ${a.kind.padEnd(5)} ${a.src ?? '-'} -> ${a.dst ?? '-'}  ${a.what}  score ${a.value.toPrecision(3)}${a.reason === undefined ? '' : `  (${a.reason})`}`);
      }
      if (m.report !== undefined) out.push(`     what it learned: ${m.report}`);
    }
  }

  const outputs = s.sinks.filter((k) => k.outputs.length > 0 || k.delivered.events + k.delivered.alerts > 0);
  if (outputs.length > 0) {
    out.push('Outputs:');
    for (const k of outputs) {
      out.push(`  ${k.step} (${k.plugin}): ${n(k.delivered.events)} events, ${n(k.delivered.alerts)} alerts`);
      for (const f of k.outputs.slice(0, 8)) out.push(`    ${f}`);
      if (k.outputs.length > 8) out.push(`    … and ${k.outputs.length - 8} more files`);
    }
  }
  if (s.quarantine.length > 0) {
    out.push('Quarantine (records that could not be used, with the reason):');
    for (const q of s.quarantine) out.push(`  ${q.file} (${n(q.records)})`);
  }
  if (s.deadLetters.length > 0) {
    out.push('Dead letters (events a sink could not deliver, with the reason):');
    for (const d of s.deadLetters) out.push(`  ${d.file} (${n(d.records)})`);
  }
  for (const v of s.violations) out.push(`PLUGIN CONTRACT VIOLATION: step "${v.step}" (plugin "${v.plugin}"), ${n(v.count)} time${v.count === 1 ? '' : 's'}: ${v.first}`);
  for (const i of s.inputs.filter((x) => x.error !== undefined)) out.push(`INPUT PROBLEM: ${i.name}: ${i.error}`);
  out.push(`Summary: ${s.runDir}/summary.json`);
  return `${out.join('\n')}\n`;
}
