/** What every golden adapter reports: one result per upstream case. */
export interface CaseResult {
  readonly source: string;
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or what differed. */
  readonly detail?: string;
  /** Decoded values compared (0 for a skip). */
  readonly checks: number;
}

/** Collects comparisons for one case. */
export class Checker {
  checks = 0;
  readonly diffs: string[] = [];
  eq(what: string, expected: unknown, actual: unknown): boolean {
    this.checks++;
    const a = JSON.stringify(expected);
    const b = JSON.stringify(actual);
    if (a === b) return true;
    this.diffs.push(`${what}: golden ${a}, ours ${b}`);
    return false;
  }
  fail(what: string): void {
    this.checks++;
    this.diffs.push(what);
  }
  result(source: string, name: string): CaseResult {
    return this.diffs.length === 0 ? { source, name, status: 'passed', checks: this.checks } : { source, name, status: 'failed', checks: this.checks, detail: this.diffs.slice(0, 8).join('; ') + (this.diffs.length > 8 ? ` (+${this.diffs.length - 8} more)` : '') };
  }
}

export const skip = (source: string, name: string, detail: string): CaseResult => ({ source, name, status: 'skipped', detail, checks: 0 });

/** `2019-02-13 01:16:43.306396` (UTC) → epoch ms, floored as the event's time is. */
export function utcMs(date: string, time: string): number {
  const [hms, frac = '0'] = time.split('.');
  return Date.parse(`${date}T${hms}Z`) + Number(frac.padEnd(6, '0').slice(0, 3));
}
