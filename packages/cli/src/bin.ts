#!/usr/bin/env -S node --max-semi-space-size=64
// The flag: a young generation of up to 64 MiB per semi-space instead of V8's 16. Pipelines allocate events by
// the million and keep batches alive across a few awaits; with the default most of them survive one or two
// scavenges and are copied, and garbage collection took about a quarter of a run's CPU time (a day of 310k
// events: 25-29 CPU-s instead of 33-38, `npm run bench -w @sightline/cli`). `node packages/cli/dist/bin.js`
// does not read this line: pass the flag yourself there (the npm scripts do).
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Let pending output drain before exiting.
process.exitCode = code;
