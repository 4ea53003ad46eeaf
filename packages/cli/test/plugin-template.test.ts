import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, workDir } from './helpers.js';

// `sightline plugin new` must scaffold packages that build and pass the conformance kit as generated.
describe('sightline plugin new', () => {
  it('scaffolds a decoder, an enricher, a model and a sink that build and pass their conformance suites', () => {
    const dir = workDir('scaffold-');
    try {
      const kinds = ['decoder', 'enricher', 'model', 'sink'] as const;
      for (const kind of kinds) {
        const r = cli(['plugin', 'new', kind, `acme-${kind}`, '--dir', join(dir, kind), '--description', `Acme's ${kind}.`]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain(`Created ${kind} plugin "acme-${kind}" (package sightline-plugin-acme-${kind})`);
        for (const f of ['package.json', 'tsconfig.json', 'vitest.config.ts', 'README.md', 'src/index.ts', 'src/manifest.ts', 'src/config.schema.ts', `src/acme-${kind}.ts`, 'test/conformance.test.ts']) {
          expect(existsSync(join(dir, kind, f)), `${kind}/${f}`).toBe(true);
        }
        const pkg = JSON.parse(readFileSync(join(dir, kind, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string>; sightline: unknown };
        expect(pkg.peerDependencies['@sightline/core']).toBe('^0.1.0');
        const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, kind)], { encoding: 'utf8' });
        expect(tsc.status, `${kind} does not build:\n${tsc.stdout}${tsc.stderr}`).toBe(0);
        expect(existsSync(join(dir, kind, 'dist/index.js'))).toBe(true);
      }
      // What the generated README says to do: `npm test` in the package (here: its vitest, with its own config).
      for (const kind of kinds) {
        const vitest = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter', 'verbose'], { cwd: join(dir, kind), encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' } });
        const out = `${vitest.stdout}${vitest.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
        expect(vitest.status, out).toBe(0);
        expect(out).toContain(`${kind} conformance: acme-${kind}`);
        expect(out).toMatch(/Tests +\d+ passed/);
        expect(out).not.toMatch(/\d+ failed/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad names and kinds, and never overwrites', () => {
    expect(cli(['plugin', 'new', 'transformer', 'x']).code).toBe(2);
    expect(cli(['plugin', 'new', 'sink', 'Bad_Name']).stderr).toContain('must be lower-case words');
    const dir = workDir('scaffold-');
    expect(cli(['plugin', 'new', 'sink', 'twice', '--dir', dir]).code).toBe(0);
    expect(cli(['plugin', 'new', 'sink', 'twice', '--dir', dir]).stderr).toContain('exists and is not empty');
    rmSync(dir, { recursive: true, force: true });
  });
});
