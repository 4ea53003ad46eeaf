import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Enricher, OdmEvent, PluginManifest } from '@sightline/core';
import { type RecordingLogger, createTestContext, instantiate } from '@sightline/core/testkit';
import type { PluginContext } from '@sightline/core';

/** A fresh folder with the given files in it. */
export function folder(files: Readonly<Record<string, string | Uint8Array>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sl-enrich-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export interface Started {
  readonly enricher: Enricher;
  readonly ctx: PluginContext & { logger: RecordingLogger };
  enrich(events: OdmEvent[]): Promise<OdmEvent[]>;
}

/** Makes and starts an enricher the way a pipeline does, with relative paths resolved from `dir`. */
export async function started(manifest: PluginManifest<'enricher'>, config: unknown, dir = folder()): Promise<Started> {
  const ctx = createTestContext({ step: manifest.name, baseDir: dir });
  const enricher = await instantiate(manifest, config, ctx);
  await enricher.start?.(ctx);
  return {
    enricher,
    ctx,
    async enrich(events) {
      await enricher.enrich(events, ctx);
      return events;
    },
  };
}

/** Waits until `check` passes (polling), or fails with its last error after `ms`. */
export async function eventually(check: () => void | Promise<void>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Fast reloading for tests: poll every 20 ms, settle 20 ms. */
export const FAST_RELOAD = { interval: '20ms', settle: '20ms' } as const;
