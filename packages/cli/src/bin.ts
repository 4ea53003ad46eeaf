#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Let pending output drain before exiting.
process.exitCode = code;
