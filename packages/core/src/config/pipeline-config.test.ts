import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SightlineError } from '../errors/sightline-error.js';
import { loadPipelineFile, parsePipelineConfig, splitConfigPath, substituteEnv } from './pipeline-config.js';
import { parseDuration, parseSize } from './units.js';

function file(text: string, name = 'p.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sl-cfg-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function error(fn: () => unknown): SightlineError {
  try {
    fn();
  } catch (e) {
    if (SightlineError.is(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('pipeline config', () => {
  it('fills defaults and resolves paths from the file folder', () => {
    const path = file('name: t\nsinks:\n  - use: file\n');
    const spec = loadPipelineFile(path);
    expect(spec.outputDir).toBe(join(path, '..', 'sightline-out'));
    expect(spec.stateDir).toBe(join(spec.outputDir, 'state'));
    expect(spec.window).toEqual({ sizeMs: 86_400_000, latenessMs: 600_000 });
    expect(spec.sinks[0]).toMatchObject({ name: 'file', deliver: 'events', retry: { initialDelayMs: 200, maxDelayMs: 30_000, deadlineMs: 300_000 } });
    expect(spec.batchSize).toBe(1000);
    expect(Object.isFrozen(spec.sinks[0])).toBe(true);
  });

  it('reads JSON as well as YAML', () => {
    const spec = loadPipelineFile(file(JSON.stringify({ name: 'j', inputs: [{ type: 'synthetic', events: 10 }] }), 'p.json'));
    expect(spec.inputs[0]).toMatchObject({ type: 'synthetic', kind: 'flow', events: 10, seed: 1, hosts: 200 });
  });

  it('names the path and the line of every problem', () => {
    const path = file('name: t\nwindow:\n  size: 1 week\nsinks:\n  - use: file\n    deliver: everything\nbatch_size: 0\n');
    const e = error(() => loadPipelineFile(path));
    expect(e.code).toBe('SL_CONFIG_INVALID');
    expect(e.message).toContain(`${path} has 3 problems`);
    expect(e.message).toContain('window.size (line 3): is not a valid value here');
    expect(e.message).toContain('sinks[0].deliver (line 6): must be one of "events", "alerts", "both"');
    expect(e.message).toContain('batch_size (line 7): must be >= 1');
  });

  it('rejects unknown fields, naming them', () => {
    const e = error(() => loadPipelineFile(file('name: t\nsinkz: []\n')));
    expect(e.message).toContain('sinkz (line 2): is not a known field here');
  });

  it('reports YAML syntax errors with line and column', () => {
    const e = error(() => loadPipelineFile(file('name: t\nsinks: [\n')));
    expect(e.code).toBe('SL_CONFIG_PARSE');
    expect(e.message).toMatch(/p\.yaml:\d+:\d+: /);
  });

  it('reports a missing file', () => {
    expect(error(() => loadPipelineFile('/no/such/pipeline.yaml')).code).toBe('SL_CONFIG_NOT_FOUND');
  });

  it('checks step names are unique and inputs name real decoder steps', () => {
    const e = error(() => parsePipelineConfig({ name: 't', inputs: [{ type: 'stdin', decoder: 'nope' }], decoders: [{ use: 'odm-ndjson' }], sinks: [{ use: 'file' }, { use: 'file' }] }));
    expect(e.message).toContain('inputs[0].decoder: no decoder step is named "nope" (decoders: odm-ndjson)');
    expect(e.message).toContain('sinks[1].name: step name "file" is already used by sinks[0]');
  });

  it('checks inputs by their type', () => {
    const e = error(() => parsePipelineConfig({ name: 't', inputs: [{ type: 'file' }, { type: 'carrier-pigeon' }] }));
    expect(e.message).toContain('inputs[0].path: is required');
    expect(e.message).toContain('inputs[1]');
  });

  it('substitutes environment variables, with defaults and escapes', () => {
    const env = { HOST: 'es.local', EMPTY: '' };
    expect(substituteEnv({ a: 'https://${HOST}:9200', b: ['${PORT:-9200}'], c: '$${HOST}', d: '${EMPTY:-x}' }, env)).toEqual({ a: 'https://es.local:9200', b: ['9200'], c: '${HOST}', d: 'x' });
    const e = error(() => substituteEnv({ sinks: [{ config: { key: '${API_KEY}' } }] }, {}));
    expect(e.code).toBe('SL_CONFIG_ENV_MISSING');
    expect(e.message).toContain('sinks[0].config.key');
  });

  it('splits config paths', () => {
    expect(splitConfigPath('sinks[0].config["a.b"].x')).toEqual(['sinks', 0, 'config', 'a.b', 'x']);
  });
});

describe('units', () => {
  it('parses durations and sizes', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration(42)).toBe(42);
    expect(parseSize('64KiB')).toBe(65536);
    expect(parseSize('1GB')).toBe(1e9);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
    expect(() => parseSize('-1')).toThrow(/not a size/);
  });
});
