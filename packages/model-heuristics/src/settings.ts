import { SightlineError, parseDuration, parseSize } from '@sightline/core';
import type { AllowRule, DetectorName, HeuristicsConfig } from './config.schema.js';
import type { BeaconConfig } from './detectors/beaconing.js';
import type { ExfilConfig } from './detectors/exfiltration.js';
import { AddressRanges, BadRangeError } from './features/networks.js';

/** An allow-list rule, compiled. */
export interface CompiledRule {
  readonly index: number;
  readonly detectors: ReadonlySet<DetectorName> | undefined;
  readonly sources: AddressRanges | undefined;
  readonly destinations: AddressRanges | undefined;
  readonly domains: readonly string[] | undefined;
  readonly note: string | undefined;
}

/** The config with units parsed and ranges compiled, once per model instance. */
export interface Settings {
  readonly config: HeuristicsConfig;
  readonly internal: AddressRanges;
  readonly beacon: BeaconConfig;
  readonly exfil: ExfilConfig;
  readonly ignoreUdp: ReadonlySet<number>;
  readonly allow: readonly CompiledRule[];
}

function ranges(list: readonly string[], path: string, plugin: string): AddressRanges {
  try {
    return new AddressRanges(list);
  } catch (e) {
    if (e instanceof BadRangeError) throw new SightlineError('SL_PLUGIN_CONFIG_INVALID', `${path}: ${e.message}`, { stage: 'plugin', plugin });
    throw e;
  }
}

export function compileSettings(config: HeuristicsConfig, plugin: string): Settings {
  const b = config.detectors.beaconing;
  const x = config.detectors.exfiltration;
  return {
    config,
    internal: ranges(config.internal_networks, 'config.internal_networks', plugin),
    beacon: {
      min_beats: b.min_beats,
      minPeriodMs: parseDuration(b.min_period),
      maxPeriodMs: parseDuration(b.max_period),
      tolerance: b.tolerance,
      min_regularity: b.min_regularity,
      max_missed: b.max_missed,
      max_sources: b.max_sources,
      maxMeanBytes: parseSize(b.max_mean_bytes),
      ignore: new Set(b.ignore.map((s) => s.toLowerCase())),
    },
    exfil: { minBytes: parseSize(x.min_bytes), factor: x.factor, floor: parseSize(x.baseline_floor), max_sources: x.max_sources, min_ratio: x.min_ratio },
    ignoreUdp: new Set(config.detectors.scanning.ignore_udp_ports),
    allow: config.allow.map((r: AllowRule, index) => ({
      index,
      detectors: r.detectors === undefined ? undefined : new Set(r.detectors),
      sources: r.sources === undefined ? undefined : ranges(r.sources, `config.allow[${index}].sources`, plugin),
      destinations: r.destinations === undefined ? undefined : ranges(r.destinations, `config.allow[${index}].destinations`, plugin),
      domains: r.domains?.map((d) => d.toLowerCase().replace(/^\*?\./, '')),
      note: r.note,
    })),
  };
}
