import type { JsonSchema } from '@sightline/core';

/** The formats the decoder reads; `auto` detects one per input from its first lines. */
export const FORMATS = [
  'auto',
  'elff',
  'spot',
  'proxysg-main',
  'proxysg-ssl',
  'proxysg-bcreportermain-v1',
  'proxysg-bcreporterssl-v1',
  'squid',
  'common',
  'combined',
] as const;

export type ProxyFormat = (typeof FORMATS)[number];

/** Config of the proxy decoder. (A TS module rather than a .json file so Node 20 needs no experimental JSON modules.) */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: {
      enum: [...FORMATS],
      default: 'auto',
      description:
        'Log format. `auto` detects it per input from the first lines: W3C/ELFF directives (#Fields), a headerless ProxySG layout (recognised by its column count), Squid native, common/combined. `elff` reads W3C extended / ProxySG ELFF logs by their #Fields directives (IIS, ProxySG, Oracle Web Cache…); `spot` is the 27-field headerless Blue Coat layout Apache Spot ingested; `proxysg-*` are the ProxySG default access-log layouts without a header; `squid` is Squid\'s native access.log (or `logformat`); `common`/`combined` are the NCSA formats Squid (and web servers) can write.',
    },
    fields: {
      type: 'string',
      minLength: 1,
      description:
        'ELFF field names for logs without a #Fields directive, as in a #Fields line (`date time time-taken c-ip …`): the layout an appliance was configured with. Used until the input has a #Fields directive of its own. Implies `format: elff` when format is `auto`.',
    },
    logformat: {
      description:
        'Squid logformat(s) for a custom access.log, written as in squid.conf (`%ts.%03tu %6tr %>a %Ss/%03>Hs …`). Several are tried in order, for a file written under more than one configuration. Implies `format: squid` when format is `auto`.',
      oneOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: 16 },
      ],
    },
    timezone: {
      type: 'string',
      minLength: 1,
      default: 'UTC',
      description:
        'Time zone of local times that carry no offset (IIS `date-local`/`time-local`, ELFF logs written in local time): `UTC`, an offset such as `+02:00`, or an IANA zone such as `Europe/Paris`. Offsets in the log itself (#GMT-Offset, `[10/Oct/2000:13:55:36 -0700]`) always win.',
    },
    extra_columns: {
      enum: ['keep', 'quarantine'],
      default: 'keep',
      description:
        'Lines with more values than their layout: `keep` decodes the layout\'s values and keeps the rest in additional_attrs (`extra_1`, `extra_2`…, counted in the run log); `quarantine` quarantines them. Lines with fewer values are always quarantined.',
    },
    max_line_bytes: {
      type: 'integer',
      minimum: 256,
      default: 1048576,
      description: 'Longest line accepted; longer lines are quarantined (their first bytes are kept).',
    },
  },
} as const satisfies JsonSchema;

export interface ProxyDecoderConfig {
  readonly format: ProxyFormat;
  readonly fields?: string;
  readonly logformat?: string | readonly string[];
  readonly timezone: string;
  readonly extra_columns: 'keep' | 'quarantine';
  readonly max_line_bytes: number;
}

/** The config with every default applied (for programmatic use without a pipeline). */
export function withDefaults(config: Partial<ProxyDecoderConfig> = {}): ProxyDecoderConfig {
  return { format: 'auto', timezone: 'UTC', extra_columns: 'keep', max_line_bytes: 1048576, ...config };
}
