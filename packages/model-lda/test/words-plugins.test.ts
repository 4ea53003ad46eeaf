/** Third-party featurizers loaded from modules (fixtures in test/fixtures/, written for these tests). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FlowEvent, SightlineError } from '@sightline/core';
import { describe, expect, it } from 'vitest';
import { createFlowFeaturizer, loadFeaturizer, validateFeaturizer } from '../src/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const resolvePath = (p: string): string => join(fixtures, p);
const flow: FlowEvent = { event_id: 'f', event_kind: 'flow', event_time: 0, src_ip: '10.0.0.1', dst_ip: '10.0.0.2', src_port: 50000, dst_port: 443 };

const codeOf = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (SightlineError.is(e) ? e.code : e),
  );

describe('loadFeaturizer', () => {
  it('calls a default-exported factory with the options and uses what it returns', async () => {
    const f = await loadFeaturizer('./port-featurizer.mjs', resolvePath, { prefix: 'p' });
    expect([f.kind, f.name]).toEqual(['flow', 'acme-ports']);
    expect(f.words(flow, undefined)).toEqual({ docs: ['10.0.0.1'], words: ['p443'] });
  });

  it('takes a `featurizer` export that is already a featurizer, first pass included', async () => {
    const f = await loadFeaturizer('./object-featurizer.mjs', resolvePath);
    const pass = f.createPass?.();
    pass?.observe(flow);
    pass?.observe(flow);
    expect(f.words({ event_id: 'd', event_kind: 'dns', event_time: 0, src_ip: '10.0.0.9' }, pass?.finish())?.words).toEqual(['seen-2']);
  });

  it('resolves an absolute path as given', async () => {
    const f = await loadFeaturizer(join(fixtures, 'port-featurizer.mjs'), () => {
      throw new Error('not used for absolute paths');
    });
    expect(f.name).toBe('acme-ports');
  });

  it('rejects a module of the wrong shape with SL_LDA_FEATURIZER_INVALID', async () => {
    expect(await codeOf(loadFeaturizer('./bad-featurizer.mjs', resolvePath))).toBe('SL_LDA_FEATURIZER_INVALID');
    // A package that exports something else entirely.
    expect(await codeOf(loadFeaturizer('node:path', resolvePath))).toBe('SL_LDA_FEATURIZER_INVALID');
  });

  it('reports a module that does not exist as SL_PLUGIN_NOT_FOUND and a failing factory as SL_PLUGIN_INIT_FAILED', async () => {
    expect(await codeOf(loadFeaturizer('./missing.mjs', resolvePath))).toBe('SL_PLUGIN_NOT_FOUND');
    expect(await codeOf(loadFeaturizer('@acme/no-such-featurizer', resolvePath))).toBe('SL_PLUGIN_NOT_FOUND');
    expect(await codeOf(loadFeaturizer('./throwing-featurizer.mjs', resolvePath))).toBe('SL_PLUGIN_INIT_FAILED');
  });
});

describe('validateFeaturizer', () => {
  it('accepts Spot’s own featurizers and names what is missing otherwise', () => {
    expect(validateFeaturizer(createFlowFeaturizer(), 'spot-flow').name).toBe('spot-flow');
    expect(() => validateFeaturizer({ kind: 'flow', name: 'x', words: () => null, createPass: 3 }, 'x')).toThrow(/createPass/);
    expect(() => validateFeaturizer({ kind: 'flow', words: () => null }, 'x')).toThrow(/name/);
    expect(() => validateFeaturizer(null, 'x')).toThrow(/null/);
    expect(() => validateFeaturizer({ kind: 'flow', name: 'x', words: () => null, codes: () => -1 }, 'x')).toThrow(/wordOf/);
  });
});
