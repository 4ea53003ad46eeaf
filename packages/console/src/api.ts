/**
 * The console's HTTP API: the shapes its JSON answers take. Shared by the server and the browser app (type
 * imports only), so the two cannot drift.
 */
export type Kind = 'flow' | 'dns' | 'proxy';
export type Risk = 1 | 2 | 3;

export interface ConsoleInfo {
  readonly pipeline: string;
  readonly outputDir: string;
  readonly ratingsFile: string;
  /** Whether the console may start a new run of the pipeline (`sightline serve --allow-rerun`). */
  readonly rerun: boolean;
  readonly version: string;
}

export interface RunListItem {
  readonly id: string;
  readonly latest: boolean;
  readonly pipeline: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: string;
  readonly events: number;
  readonly alerts: number;
  readonly quarantined: number;
  readonly windows: readonly { readonly start: string; readonly end: string }[];
}

export interface RunList {
  readonly runs: readonly RunListItem[];
  /** Folders under the output folder that look like runs but could not be read, with why. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

export interface AlertContext {
  readonly src_internal: boolean;
  readonly dst_internal: boolean;
  readonly src_zone?: string;
  readonly dst_zone?: string;
  readonly src_host?: string;
  readonly dst_host?: string;
  readonly src_country?: string;
  readonly dst_country?: string;
  readonly src_asn?: number;
  readonly dst_asn?: number;
  readonly src_asn_org?: string;
  readonly dst_asn_org?: string;
  readonly ti_severity?: number;
  /** Threat-intelligence hits as `source: indicator (category)`. */
  readonly ti?: readonly string[];
  readonly risk_priority?: number;
}

export interface RatingBrief {
  readonly id: string;
  readonly rating: Risk;
  /** `event` when the rating names this event's id, else `pattern`. */
  readonly scope: 'event' | 'pattern';
  readonly match: Readonly<Record<string, string | number | boolean>>;
  readonly word?: string;
}

export interface AlertRow {
  /** Position of the alert in its run (stable for the run). */
  readonly n: number;
  readonly event_id: string;
  readonly kind: Kind;
  readonly model: string;
  readonly time: number;
  readonly window: number;
  readonly rank: number;
  readonly value: number;
  readonly order: 'asc' | 'desc';
  readonly risk: number;
  readonly severity?: string;
  readonly src?: string;
  readonly dst?: string;
  readonly src_port?: number;
  readonly dst_port?: number;
  readonly proto?: number;
  /** The client's address (flow and proxy: source; DNS: the asker). */
  readonly client?: string;
  /** DNS query name or proxy host. */
  readonly name?: string;
  readonly uri?: string;
  /** The event in a few words. */
  readonly what: string;
  readonly word?: string;
  readonly reasons: readonly string[];
  readonly context: AlertContext;
  /** The rating the model saw when it scored this run (score_feedback). */
  readonly run_feedback?: Risk;
  /** The rating that covers the event now (ratings added since the run included). */
  readonly rating?: RatingBrief;
  /** With `compare`: the rank of the same event by the same model in the other run, null when it was not listed. */
  readonly compare_rank?: number | null;
}

export interface AlertPage {
  readonly run: string;
  readonly kind: Kind;
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly AlertRow[];
  /** Matching alerts of each kind under the same filters (for the kind tabs). */
  readonly kinds: Readonly<Record<Kind, number>>;
  readonly models: readonly string[];
  readonly tookMs: number;
}

export type IndexState = 'pending' | 'scanning' | 'ready' | 'failed';

export interface RelatedEvents {
  readonly state: IndexState;
  readonly progress?: number;
  readonly key?: string;
  readonly description?: string;
  /** Time span searched around the alert. */
  readonly from?: number;
  readonly to?: number;
  readonly events: readonly Readonly<Record<string, unknown>>[];
  /** Events between the endpoints within the span, of which `events` are the nearest. */
  readonly total: number;
  /** Why fewer than all events are shown, when that is so. */
  readonly note?: string;
}

export interface Timeline {
  readonly bucketMs: number;
  readonly start: number;
  readonly counts: readonly number[];
  /** Times of the alerts of the same endpoints. */
  readonly alerts: readonly number[];
}

export interface DnsQueryGroup {
  readonly name: string;
  readonly count: number;
  readonly types: readonly number[];
  readonly rcodes: readonly number[];
  readonly answers: readonly string[];
  readonly first: number;
  readonly last: number;
}

export interface AlertDetails {
  readonly run: string;
  readonly row: AlertRow;
  /** The full alert as the sink wrote it. */
  readonly event: Readonly<Record<string, unknown>>;
  readonly related: RelatedEvents;
  readonly timeline?: Timeline;
  /** DNS: the client's queries and their answers around the alert, grouped by name. */
  readonly dns?: readonly DnsQueryGroup[];
  /** Other alerts of the same endpoints in this run. */
  readonly siblings: readonly AlertRow[];
  /** Fields a pattern rating may name for this kind, with this event's values. */
  readonly patternFields: readonly { readonly field: string; readonly value: string | number; readonly client: boolean }[];
}

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** `ip` for addresses, `name` for DNS names and proxy hosts. */
  readonly type: 'ip' | 'name';
  readonly internal: boolean;
  readonly alerts: number;
  readonly risk: number;
}

export interface GraphLink {
  readonly source: string;
  readonly target: string;
  readonly alerts: number;
  /** Highest risk among the alerts on this link (0-100): the link's weight. */
  readonly risk: number;
  /** The most suspicious alert on the link, and its kind. */
  readonly top: number;
  readonly kind: Kind;
}

export interface NetworkGraph {
  readonly run: string;
  readonly nodes: readonly GraphNode[];
  readonly links: readonly GraphLink[];
  /** Alerts drawn (the most suspicious `limit` of those matching the filters). */
  readonly alerts: number;
  readonly matching: number;
}

export interface IngestSummary {
  readonly run: string;
  readonly state: IndexState;
  readonly progress?: number;
  /** How long the pass over the run's events took, when done. */
  readonly scanSeconds?: number;
  readonly note?: string;
  readonly perMinute: { readonly start: number; readonly minutes: readonly number[]; readonly flow: readonly number[]; readonly dns: readonly number[]; readonly proxy: readonly number[] };
  readonly inputs: readonly { readonly name: string; readonly decoder: string | undefined; readonly bytes: number; readonly events: number; readonly issues: number; readonly error?: string }[];
  readonly counts: Readonly<Record<string, unknown>>;
  readonly quarantine: readonly QuarantineGroup[];
  readonly files: readonly { readonly n: number; readonly kind: 'quarantine' | 'dead-letter'; readonly name: string; readonly records: number }[];
}

export interface QuarantineGroup {
  readonly file: number;
  readonly kind: 'quarantine' | 'dead-letter';
  readonly stage: string;
  readonly plugin: string;
  readonly code: string;
  readonly count: number;
  readonly example: string;
}

export interface QuarantinePage {
  readonly file: number;
  readonly total: number;
  /** Records kept for browsing (the first ones of the file). */
  readonly kept: number;
  readonly offset: number;
  readonly records: readonly Readonly<Record<string, unknown>>[];
}

export interface RatingView {
  readonly id: string;
  readonly at: number;
  readonly rating: Risk;
  readonly event_kind: Kind;
  readonly match: Readonly<Record<string, string | number | boolean>>;
  readonly event_id?: string;
  readonly word?: string;
  readonly by?: string;
  readonly note?: string;
  /** With `run` (and `compare`): the best rank among the alerts it covers in that run and the other. */
  readonly effect?: { readonly run: string; readonly covered: number; readonly bestRank: number | null; readonly compareRun?: string; readonly compareCovered?: number; readonly compareBestRank?: number | null };
}

export interface RerunStatus {
  readonly state: 'disabled' | 'idle' | 'running' | 'done' | 'failed';
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly runId?: string;
  readonly error?: string;
}

export interface ApiError {
  readonly error: string;
  readonly message: string;
}
