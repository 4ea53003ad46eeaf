// The console server alone, for the benchmark: its memory and CPU are measured from outside (/proc).
import { startConsole } from '../dist/index.js';

const [root] = process.argv.slice(2);
const c = await startConsole({ pipeline: 'bench', outputDir: root, ratingsFile: `${root}/state/feedback/ratings.ndjson`, port: 0 });
process.stdout.write(`${c.url}\n`);
process.on('SIGTERM', () => void c.close().then(() => process.exit(0)));
