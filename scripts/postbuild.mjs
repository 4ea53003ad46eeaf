#!/usr/bin/env node
// After `tsc -b`: make the CLI's entry point executable (tsc does not keep file modes).
import { chmodSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages/cli/dist/bin.js');
if (existsSync(bin)) chmodSync(bin, 0o755);
