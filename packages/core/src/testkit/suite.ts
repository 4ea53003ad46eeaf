/** A conformance check: a sentence about behaviour and a function that throws (node:assert) when it fails. */
export interface ConformanceCheck {
  readonly name: string;
  run(): Promise<void>;
}

export interface ConformanceSuite {
  readonly title: string;
  readonly checks: readonly ConformanceCheck[];
}

/** The part of a test framework the kit needs: vitest, jest and mocha (with a wrapper) all fit. */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeout?: number): void;
}

/**
 * Registers a suite's checks as tests: `registerConformance(decoderConformance({...}), { describe, it })`.
 * Each check is one test, so a failure names the behaviour that broke.
 */
export function registerConformance(suite: ConformanceSuite, api: TestApi, options: { timeout?: number } = {}): void {
  api.describe(suite.title, () => {
    for (const check of suite.checks) api.it(check.name, () => check.run(), options.timeout ?? 60_000);
  });
}

export interface ConformanceReport {
  readonly title: string;
  readonly passed: readonly string[];
  readonly failed: readonly { readonly name: string; readonly error: unknown }[];
}

/** Runs a suite without any test framework (scripts, node:test) and reports what passed and failed. */
export async function runConformance(suite: ConformanceSuite): Promise<ConformanceReport> {
  const passed: string[] = [];
  const failed: { name: string; error: unknown }[] = [];
  for (const check of suite.checks) {
    try {
      await check.run();
      passed.push(check.name);
    } catch (error) {
      failed.push({ name: check.name, error });
    }
  }
  return { title: suite.title, passed, failed };
}
