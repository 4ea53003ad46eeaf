/**
 * Dependency-injection tokens. Global symbols (`Symbol.for`) so that a plugin built against another copy of
 * core still finds the host's bindings.
 */
export const TOKENS = {
  /** `Logger` for the pipeline. */
  Logger: Symbol.for('@sightline/core/v0/Logger'),
  /** `QuarantineStore` of the run. */
  QuarantineStore: Symbol.for('@sightline/core/v0/QuarantineStore'),
  /** `DeadLetterStore` of the run. */
  DeadLetterStore: Symbol.for('@sightline/core/v0/DeadLetterStore'),
  /** `PipelineInfo`: name, folders. */
  PipelineInfo: Symbol.for('@sightline/core/v0/PipelineInfo'),
  /** `() => number`, the clock (tests replace it). */
  Clock: Symbol.for('@sightline/core/v0/Clock'),
} as const;

export interface PipelineInfo {
  readonly name: string;
  readonly baseDir: string;
  readonly runDir: string;
  readonly stateDir: string;
}

export function pluginFactoryToken(name: string): symbol {
  return Symbol.for(`@sightline/plugin/${name}`);
}
