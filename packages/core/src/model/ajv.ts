import { isIP } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, Options } from 'ajv';

export type { ErrorObject } from 'ajv';
export type AjvInstance = Ajv2020;

/**
 * A new ajv (JSON Schema 2020-12) with Sightline's formats. Validators are compiled once per schema and reused:
 * create one instance per purpose (events, config) and keep it.
 */
export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: false, allowUnionTypes: true, ...options });
  ajv.addFormat('ip', { type: 'string', validate: (s: string) => isIP(s) !== 0 });
  ajv.addFormat('ipv4', { type: 'string', validate: (s: string) => isIP(s) === 4 });
  ajv.addFormat('ipv6', { type: 'string', validate: (s: string) => isIP(s) === 6 });
  ajv.addFormat('cidr', { type: 'string', validate: isCidr });
  ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  // Annotations Sightline's schemas use for documentation and tooling.
  ajv.addKeyword({ keyword: 'x-sightline', schemaType: 'object' });
  return ajv;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function isDateTime(s: string): boolean {
  return DATE_TIME.test(s) && !Number.isNaN(Date.parse(s));
}

function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const version = isIP(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (version === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/** `/sinks/0/config/format` -> `sinks[0].config.format`: the form users read and write. */
export function instancePathToDotted(instancePath: string, root = ''): string {
  let out = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** One readable sentence for an ajv error, naming the path. */
export function describeAjvError(error: ErrorObject, root = ''): { path: string; message: string } {
  let path = instancePathToDotted(error.instancePath, root);
  const p = error.params as Record<string, unknown>;
  let message: string;
  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(p['additionalProperty'] ?? p['unevaluatedProperty']);
      path = instancePathToDotted(`${error.instancePath}/${name}`, root);
      message = 'is not a known field here';
      break;
    }
    case 'required':
      path = instancePathToDotted(`${error.instancePath}/${String(p['missingProperty'])}`, root);
      message = 'is required';
      break;
    case 'enum':
      message = `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(p['allowedValue'])}`;
      break;
    case 'type':
      message = `must be ${String(p['type']).replace(',', ' or ')}`;
      break;
    default:
      message = error.message ?? `fails ${error.keyword}`;
  }
  return { path, message };
}
