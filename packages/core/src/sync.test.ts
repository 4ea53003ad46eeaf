import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, defineErrorCodes, errorCodeInfo, isErrorCode } from './errors/error-codes.js';
import { CORE_VERSION } from './version.js';

const root = join(import.meta.dirname, '../../..');

describe('generated files and docs are in step with their sources', () => {
  it('the generated data-model types and schemas match packages/core/schemas (run `npm run gen`)', async () => {
    const { generateModel } = (await import(join(root, 'scripts/gen-model.mjs'))) as { generateModel: () => Promise<Map<string, string>> };
    for (const [path, content] of await generateModel()) expect(readFileSync(path, 'utf8'), path).toBe(content);
  });

  it('the reference pages in docs/reference match the code (run `npm run gen`)', async () => {
    const { generateDocs } = (await import(join(root, 'scripts/gen-docs.mjs'))) as { generateDocs: () => Promise<Map<string, string>> };
    for (const [path, content] of await generateDocs()) expect(readFileSync(path, 'utf8'), path).toBe(content);
  });

  it('every error code is documented on the errors page', () => {
    const page = readFileSync(join(root, 'docs/reference/errors.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(page).toContain(`\`${code}\``);
  });

  it('package error codes register, refuse clashes with core, and are known to isErrorCode', () => {
    defineErrorCodes('@sightline/test-pkg', { SL_TESTPKG_BROKEN: { stage: 'decode', retryable: false, summary: 'a test code for the registry', remedy: 'nothing to do, it is a test' } });
    expect(isErrorCode('SL_TESTPKG_BROKEN')).toBe(true);
    expect(errorCodeInfo('SL_TESTPKG_BROKEN' as never)?.stage).toBe('decode');
    expect(() => defineErrorCodes('@sightline/other', { SL_CONFIG_INVALID: { stage: 'decode', retryable: false, summary: 'clash with core', remedy: 'must be refused' } })).toThrow(/already defined by @sightline\/core/);
    expect(() => defineErrorCodes('@sightline/other', { SL_TESTPKG_BROKEN: { stage: 'decode', retryable: false, summary: 'clash with a package', remedy: 'must be refused' } })).toThrow(/already defined by @sightline\/test-pkg/);
  });

  it('CORE_VERSION is the version in packages/core/package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')) as { version: string };
    expect(CORE_VERSION).toBe(pkg.version);
  });

  it('every error code names a stage, a summary and a remedy', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^SL_[A-Z]+(_[A-Z]+)*$/);
      expect(info.summary.length, code).toBeGreaterThan(10);
      expect(info.remedy.length, code).toBeGreaterThan(10);
    }
  });
});
