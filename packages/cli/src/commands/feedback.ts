import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENT_KINDS, type EventKind, KIND_FIELDS, type Rating, isEventKind, loadPipelineFile } from '@sightline/core';
import { RatingsStore } from '@sightline/runtime';
import { EXIT } from '../exit-codes.js';
import { type CliIo, UsageError } from '../io.js';

export const FEEDBACK_HELP = `Usage: sightline feedback add [<pipeline.yaml>] --rating 1|2|3 --kind flow|dns|proxy --match field=value… [options]
       sightline feedback list [<pipeline.yaml>] [--kind <kind>] [--json]
       sightline feedback remove [<pipeline.yaml>] <id>

Adds, lists and removes analyst ratings of suspicious connects: 1 high, 2 medium, 3 low risk. Ratings are kept
in the pipeline's state folder (<state>/feedback/ratings.ndjson, the file the console writes), last across
days, and are used by the models on the next run: low-risk (3) patterns are weighted into the next fit so that
similar events stop being reported; high-risk ones stay visible. A rating covers the events whose --match
fields all equal the given values (or the one event of --event-id). Removing is recorded too, so the file
keeps the whole history.

The state folder is the pipeline's (as for \`sightline serve\` and \`sightline run\`), or --state without a
pipeline file.

Options:
  -o, --output <dir>       output folder (overrides the pipeline's \`output\`)
      --state <dir>        state folder where ratings are kept (default <output>/state)
  add:
      --rating <1|2|3>     1 high, 2 medium, 3 low risk (required)
      --kind <kind>        event kind: flow, dns or proxy (required)
      --match <f=v>        an event field and its value, e.g. --match dst_ip=10.0.0.5 --match dst_port=443;
                           repeatable; numbers and true/false are compared as such (required unless --event-id)
      --event-id <id>      rate one event by its event_id
      --word <word>        the model word the rating was made on (only events with this word match)
      --note <text>        why
      --by <name>          who rated (default $USER)
  list:
      --kind <kind>        only ratings of this kind
      --json               the ratings as JSON
  remove <id>              the rating's id as \`list\` shows it (a unique prefix of at least 4 characters will do)
  -h, --help               this help

Exit codes: 0 done, 2 bad command line (also an unknown id), 3 bad pipeline file.
`;

const RISK: Readonly<Record<number, string>> = { 1: 'high', 2: 'medium', 3: 'low' };

/** A `--match` value as the event field holds it: numbers and booleans as such, anything else as text. */
export function matchValue(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const n = Number(text);
  // Only canonical numbers: "0800", "1e3" or "" stay text.
  return text.trim() !== '' && Number.isFinite(n) && String(n) === text ? n : text;
}

function parseMatch(items: readonly string[], kind: EventKind): Record<string, string | number | boolean> {
  const known = new Set<string>(KIND_FIELDS[kind]);
  const match: Record<string, string | number | boolean> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--match takes field=value, not "${item}"`);
    const field = item.slice(0, eq).trim();
    if (!known.has(field)) throw new UsageError(`--match: ${kind} events have no field "${field}" (fields are ODM names such as src_ip, dst_port, dns_query, prx_host; docs/reference/data-model.md lists them)`);
    if (Object.hasOwn(match, field)) throw new UsageError(`--match: field "${field}" given twice`);
    match[field] = matchValue(item.slice(eq + 1));
  }
  return match;
}

function kindOption(value: string | undefined, required: boolean): EventKind | undefined {
  if (value === undefined) {
    if (required) throw new UsageError('feedback add needs --kind flow|dns|proxy');
    return undefined;
  }
  if (!isEventKind(value)) throw new UsageError(`--kind must be one of ${EVENT_KINDS.join(', ')}, not "${value}"`);
  return value;
}

function matchText(r: Rating): string {
  const parts = Object.entries(r.match).map(([k, v]) => `${k}=${String(v)}`);
  if (r.event_id !== undefined) parts.unshift(`event_id=${r.event_id}`);
  return parts.join(' ');
}

function table(ratings: readonly Rating[]): string {
  if (ratings.length === 0) return 'No ratings.\n';
  const rows = ratings.map((r) => [r.id, new Date(r.at).toISOString().replace(/\.\d+Z$/, 'Z'), `${r.rating} ${RISK[r.rating] ?? ''}`, r.event_kind, matchText(r), r.word ?? '', r.by ?? '', r.note ?? '']);
  const head = ['ID', 'AT', 'RATING', 'KIND', 'MATCH', 'WORD', 'BY', 'NOTE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n${ratings.length} rating${ratings.length === 1 ? '' : 's'}\n`;
}

export async function feedbackCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      state: { type: 'string' },
      rating: { type: 'string' },
      kind: { type: 'string' },
      match: { type: 'string', multiple: true, default: [] },
      'event-id': { type: 'string' },
      word: { type: 'string' },
      note: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout.write(FEEDBACK_HELP);
    return EXIT.OK;
  }
  const [action, ...rest] = positionals;
  if (action === undefined) throw new UsageError('feedback needs an action: add, list or remove');
  if (action !== 'add' && action !== 'list' && action !== 'remove') throw new UsageError(`unknown feedback action "${action}" (add, list or remove)`);

  // Positionals after the action: an optional pipeline file, then (remove) the id.
  const wantId = action === 'remove' ? 1 : 0;
  if (rest.length > wantId + 1 || rest.length < wantId) throw new UsageError(action === 'remove' ? 'feedback remove takes [<pipeline.yaml>] <id>' : `feedback ${action} takes at most one pipeline file`);
  if (action === 'remove' && rest.length === 1 && /\.(ya?ml|json)$/i.test(rest[0]!)) throw new UsageError('feedback remove takes [<pipeline.yaml>] <id>: the id is missing');
  const pipelineFile = rest.length > wantId ? rest[0] : undefined;
  const abs = (p: string): string => (p.startsWith('/') ? p : join(io.cwd, p));
  let stateDir: string;
  if (pipelineFile !== undefined) {
    const overrides: Record<string, unknown> = {};
    for (const k of ['output', 'state'] as const) {
      const v = values[k];
      if (v !== undefined) overrides[k] = abs(v);
    }
    stateDir = loadPipelineFile(abs(pipelineFile), { env: io.env, overrides }).stateDir;
  } else if (values.state !== undefined) stateDir = abs(values.state);
  else if (values.output !== undefined) stateDir = join(abs(values.output), 'state');
  else throw new UsageError(`feedback ${action} needs a pipeline file or --state <dir>`);
  const store = new RatingsStore(join(stateDir, 'feedback', 'ratings.ndjson'));

  if (action === 'list') {
    const kind = kindOption(values.kind, false);
    const ratings = (await store.list()).filter((r) => kind === undefined || r.event_kind === kind);
    io.stdout.write(values.json ? `${JSON.stringify(ratings, null, 2)}\n` : table(ratings));
    return EXIT.OK;
  }

  if (action === 'remove') {
    const wanted = rest[rest.length - 1]!;
    const ids = (await store.list()).map((r) => r.id);
    let id = ids.find((x) => x === wanted);
    if (id === undefined && wanted.length >= 4) {
      const hits = ids.filter((x) => x.startsWith(wanted));
      if (hits.length > 1) throw new UsageError(`"${wanted}" is the start of ${hits.length} ratings' ids; give more of it`);
      id = hits[0];
    }
    if (id === undefined || !(await store.remove(id))) throw new UsageError(`no rating has the id "${wanted}" in ${store.file} (\`sightline feedback list\` shows them)`);
    io.stdout.write(`removed rating ${id}\n`);
    return EXIT.OK;
  }

  // add
  if (values.rating === undefined) throw new UsageError('feedback add needs --rating 1|2|3 (1 high, 2 medium, 3 low risk)');
  const rating = Number(values.rating);
  if (rating !== 1 && rating !== 2 && rating !== 3) throw new UsageError(`--rating must be 1 (high), 2 (medium) or 3 (low risk), not "${values.rating}"`);
  const kind = kindOption(values.kind, true)!;
  const match = parseMatch(values.match, kind);
  const eventId = values['event-id'];
  if (Object.keys(match).length === 0 && eventId === undefined) throw new UsageError('feedback add needs at least one --match field=value or an --event-id: a rating must say which events it covers');
  const by = values.by ?? io.env['USER'];
  const added = await store.add({
    rating,
    event_kind: kind,
    match,
    ...(eventId === undefined ? {} : { event_id: eventId }),
    ...(values.word === undefined ? {} : { word: values.word }),
    ...(values.note === undefined ? {} : { note: values.note }),
    ...(by === undefined || by === '' ? {} : { by }),
  });
  io.stdout.write(`added rating ${added.id}: ${rating} (${RISK[rating]} risk) for ${kind} events with ${matchText(added)}\n  in ${store.file}\n`);
  return EXIT.OK;
}
