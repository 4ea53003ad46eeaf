// Decodes one capture with the dns decoder plugin, as a pipeline creates it, into open-data-model events
// (ids, validation-ready objects); prints what it did as JSON. Run by decode.bench.mjs in a child process.
import { createReadStream, statSync } from 'node:fs';
import { createTestContext, instantiate } from '@sightline/core/testkit';
import { manifest } from '../dist/index.js';

const file = process.argv[2];
const config = process.argv[3] === undefined ? {} : JSON.parse(process.argv[3]);
const base = createTestContext({ step: 'dns' });
const decoder = await instantiate(manifest, config, base);
const source = {
  name: file,
  framing: 'stream',
  size: statSync(file).size,
  async *chunks() {
    let offset = 0;
    for await (const bytes of createReadStream(file, { highWaterMark: 1 << 20 })) {
      yield { bytes, offset };
      offset += bytes.length;
    }
  },
};
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let events = 0;
let issues = 0;
let answers = 0;
for await (const b of decoder.decode(source, { ...base, batchSize: 1000, keepRaw: false })) {
  events += b.events.length;
  issues += b.issues.length;
  for (const e of b.events) answers += e.dns_answers?.length ?? 0;
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ events, issues, answers, seconds, cpuSeconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
