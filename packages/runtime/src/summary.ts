/** What a run did, written to `summary.json` in the run folder and printed by the CLI. */
export interface RunSummary {
  readonly pipeline: string;
  readonly runId: string;
  readonly runDir: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** `completed`, or `interrupted` when the run was stopped before its inputs ended. */
  readonly status: 'completed' | 'interrupted';
  readonly inputs: readonly InputReport[];
  readonly counts: Counts;
  readonly sinks: readonly SinkReport[];
  readonly windows: readonly WindowReport[];
  readonly quarantine: readonly { readonly file: string; readonly records: number }[];
  readonly deadLetters: readonly { readonly file: string; readonly records: number }[];
  /** Plugins that broke their contract (malformed events, exceptions where results were due). */
  readonly violations: readonly ViolationReport[];
  /** Inputs that could not be read to their end, or were not recognised. */
  readonly inputFailures: number;
}

export interface Counts {
  bytesRead: number;
  /** Datagrams lost before decoding (UDP inputs: listener queue and kernel socket buffer). */
  dropped: number;
  eventsDecoded: number;
  /** Records quarantined, by stage. */
  quarantined: Record<string, number>;
  eventsForwarded: number;
  eventsLate: number;
  alerts: number;
  delivered: number;
  deadLettered: number;
}

export interface InputReport {
  readonly name: string;
  readonly decoder: string | undefined;
  bytes: number;
  events: number;
  issues: number;
  error?: string;
  /** Counters the input reported (UDP: received, dropped_queue, dropped_kernel). */
  stats?: Record<string, number>;
}

export interface SinkReport {
  readonly step: string;
  readonly plugin: string;
  delivered: { events: number; alerts: number };
  deadLettered: number;
  outputs: readonly string[];
}

export interface WindowReport {
  readonly start: string;
  readonly end: string;
  readonly events: number;
  readonly models: readonly {
    readonly step: string;
    readonly events: number;
    readonly scored: number;
    readonly alerts: number;
    readonly state?: string;
    /** What the fitted model learned, in words (models with `describe`), written beside the state. */
    readonly report?: string;
    readonly error?: string;
    /** Seconds spent fitting and scoring. */
    readonly fitSeconds?: number;
    readonly scoreSeconds?: number;
    /** The most suspicious few, for the console and the run report. */
    readonly top?: readonly AlertBrief[];
  }[];
}

export interface AlertBrief {
  readonly rank: number;
  readonly event_id: string;
  readonly kind: string;
  readonly time: string;
  readonly src: string | undefined;
  readonly dst: string | undefined;
  /** The event in a few words: `TCP :4444`, `TXT abc.example.org`, `POST host/path`. */
  readonly what: string;
  readonly value: number;
  readonly reason: string | undefined;
}

export interface ViolationReport {
  readonly step: string;
  readonly plugin: string;
  count: number;
  readonly first: string;
}

/** A progress snapshot, reported while the run goes. */
export interface Progress {
  readonly elapsedMs: number;
  readonly bytesRead: number;
  /** Total input bytes when every input's size is known. */
  readonly bytesTotal: number | undefined;
  readonly eventsDecoded: number;
  readonly eventsForwarded: number;
  readonly quarantined: number;
  readonly deadLettered: number;
  readonly alerts: number;
  readonly currentInput: string | undefined;
  /** Resident memory of the process, bytes. */
  readonly rssBytes: number;
  readonly phase: 'starting' | 'reading' | 'modelling' | 'finishing';
}
