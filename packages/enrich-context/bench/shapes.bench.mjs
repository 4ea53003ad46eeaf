// What giving an event its context fields costs, by how the event got its slots (CPU ns per event):
//   - a 10-field event literal, then the 40 context-block fields added one by one (what enrichers do now),
//   - a literal born with the same 50 fields (what a decoder could do), then the same 40 writes.
//
//   node packages/enrich-context/bench/shapes.bench.mjs
import { CONTEXT_FIELDS } from '@sightline/core';

const F = [...CONTEXT_FIELDS];
const declare = new Function('e', F.map((f) => `e.${f} = e.${f};`).join('\n'));
const base = "event_id: 'x', event_kind: 'flow', event_time: i, src_ip: 'a', dst_ip: 'b', src_port: i & 1023, dst_port: 443, n_proto: 6, in_bytes: i, flow_in_packets: 3";
const small = new Function('i', `return { ${base} };`);
const born = new Function('i', `return { ${base}, ${F.map((f) => `${f}: undefined`).join(', ')} };`);
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
function run(make, withFields, n = 2_000_000) {
  const keep = new Array(1024); // a batch's worth stays alive, as in a pipeline
  const t = cpu();
  for (let i = 0; i < n; i++) {
    const e = make(i);
    if (withFields) declare(e);
    keep[i & 1023] = e;
  }
  return ((cpu() - t) * 1000) / n;
}
const rows = { 'literal (10 fields)': [], '+ 40 fields added': [], 'literal born with 50 fields': [], '+ the same 40 writes': [] };
for (let r = 0; r < 5; r++) {
  rows['literal (10 fields)'].push(run(small, false));
  rows['+ 40 fields added'].push(run(small, true));
  rows['literal born with 50 fields'].push(run(born, false));
  rows['+ the same 40 writes'].push(run(born, true));
}
console.log(`context fields: ${F.length}; CPU ns per event, median of 5 rounds of 2M (Node ${process.version})`);
for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(30)} ${v.sort((a, b) => a - b)[2].toFixed(0).padStart(5)} ns`);
