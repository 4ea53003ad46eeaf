import type { ValidateFunction } from 'ajv';
import { type AjvInstance, createAjv, describeAjvError } from '../model/ajv.js';
import type { JsonSchema } from '../model/json-schema.js';
import { DURATION_PATTERN, SIZE_PATTERN } from './units.js';

/**
 * Shared definitions plugin config schemas may reference:
 *   { "$ref": "https://sightline.dev/config/v0/defs.schema.json#/$defs/duration" }
 */
export const CONFIG_DEFS_ID = 'https://sightline.dev/config/v0/defs.schema.json';
export const configDefsSchema: JsonSchema = {
  $id: CONFIG_DEFS_ID,
  $defs: {
    duration: {
      description: 'A duration: a number of milliseconds or a string such as 500ms, 30s, 5m, 1h, 1d.',
      oneOf: [
        { type: 'number', minimum: 0 },
        { type: 'string', pattern: DURATION_PATTERN },
      ],
    },
    size: {
      description: 'A size: a number of bytes or a string such as 512KiB, 100MB, 1GiB.',
      oneOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', pattern: SIZE_PATTERN },
      ],
    },
  },
};

let ajv: AjvInstance | undefined;
const cache = new WeakMap<object, ValidateFunction>();

function configAjv(): AjvInstance {
  if (ajv === undefined) {
    ajv = createAjv({ useDefaults: true, allErrors: true, discriminator: true, strictTypes: false, logger: false });
    ajv.addSchema(configDefsSchema);
  }
  return ajv;
}

/** Compiles a config schema once (cached by identity). Throws ajv's error when the schema itself is invalid. */
export function compileConfigSchema(schema: JsonSchema): ValidateFunction {
  let v = cache.get(schema);
  if (v === undefined) {
    v = configAjv().compile(schema);
    cache.set(schema, v);
  }
  return v;
}

export interface ConfigProblem {
  /** Dotted path from the root given, e.g. `sinks[0].config.format`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Validates `data` in place (defaults are filled in) and returns its problems, each with its path under
 * `root`. An empty list means valid.
 */
export function validateConfig(schema: JsonSchema, data: unknown, root = ''): ConfigProblem[] {
  const validate = compileConfigSchema(schema);
  if (validate(data)) return [];
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const error of validate.errors ?? []) {
    // oneOf/anyOf produce one error per branch plus a summary; keep the summary and real leaf errors.
    if (error.keyword === 'if') continue;
    const p = describeAjvError(error, root);
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(p);
  }
  return collapseOneOf(problems);
}

/** For `oneOf` failures ajv reports every branch's complaint; when a summary exists, keep it and drop the rest. */
function collapseOneOf(problems: ConfigProblem[]): ConfigProblem[] {
  const summaries = new Set(problems.filter((p) => p.message.startsWith('must match exactly one schema')).map((p) => p.path));
  if (summaries.size === 0) return problems;
  return problems.flatMap((p) => {
    if (!summaries.has(p.path)) return [p];
    if (p.message.startsWith('must match exactly one schema')) return [{ path: p.path, message: 'is not a valid value here' }];
    return [];
  });
}

/** Deep-freezes a plain data structure (config after validation). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
