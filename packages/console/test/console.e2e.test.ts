import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/corpus.js';
import { type RunningConsole, startConsole } from '../src/index.js';
import { type TestRun, simulatedRun } from './helpers.js';

/** Debian's chromium package (no browser download); SIGHTLINE_CHROMIUM points elsewhere. */
const CHROMIUM = process.env['SIGHTLINE_CHROMIUM'] ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`[console e2e] ${CHROMIUM} is absent: the browser tests are skipped (apt-get install chromium, or set SIGHTLINE_CHROMIUM)`);
const SHOTS = join(REPO_ROOT, 'test-output', 'console');

let browser: Browser | undefined;
let served: RunningConsole | undefined;
let run: TestRun | undefined;

afterAll(async () => {
  await browser?.close();
  await served?.close();
  if (run !== undefined) rmSync(run.dir, { recursive: true, force: true });
});

/** Waits for a value in the page (the page loads asynchronously). */
const until = <T>(fn: () => Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout, interval: 100 });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, name), fullPage: false });
}

describe.skipIf(!available)(`the console in headless Chromium${available ? '' : ` (skipped: no ${CHROMIUM})`}`, () => {
  it('loads a run, opens a suspicious DNS event and its details, rates it low risk, re-runs, and the next run ranks it lower', { timeout: 300_000 }, async () => {
    mkdirSync(SHOTS, { recursive: true });
    run = await simulatedRun();
    served = await startConsole({ pipeline: 'console-test', outputDir: run.spec.outputDir, ratingsFile: run.ratingsFile, port: 0, rerun: run.rerun });
    expect(served.ui, 'the page is built (npm run build)').toBe(true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });

    // 1. The latest run, DNS alerts, most suspicious first.
    await page.goto(served.url);
    await page.getByTestId('kind-dns').click();
    const first = page.getByTestId('alert-row').first();
    await until(() => first.getAttribute('data-rank')).toBe('1');
    await until(() => page.getByTestId('alert-row').count()).toBe(100);
    const eventId = (await first.getAttribute('data-event-id'))!;
    const client = (await first.getAttribute('data-client'))!;
    const word = (await first.getAttribute('data-word'))!;
    expect(client).toMatch(/^10\./);
    await shot(page, '01-suspicious-dns.png');

    // 2. Its details: the client's queries and answers around it, the events, the timeline.
    await first.click();
    const details = page.getByTestId('details');
    await until(() => details.getAttribute('data-event-id')).toBe(eventId);
    await page.getByTestId('related-events').waitFor();
    await page.getByTestId('dns-groups').waitFor();
    await page.getByTestId('timeline').locator('canvas').waitFor();
    // The alert's own query is the highlighted group among the client's queries.
    const own = await page.getByTestId('dns-groups').locator('tr.self td.name').textContent();
    expect(await page.getByTestId('details-headline').textContent()).toContain(own!);
    expect(await page.getByTestId('related-events').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(page, '02-details.png');

    // 3. Rate it low risk, as a pattern: this client with the model's word (Spot's IP + word).
    await page.getByTestId('scope-pattern').check();
    await page.getByTestId('rate-3').click();
    await page.getByTestId('rating-message').waitFor();
    await until(() => first.getByTestId('rating-badge').textContent()).toContain('3 Low');
    await until(() => page.getByTestId('current-rating').textContent()).toContain(`dst_ip=${client}`);
    await shot(page, '03-rated-low-risk.png');

    // 4. Re-run the pipeline from the Feedback view: the model fits again with the rating.
    await page.getByTestId('tab-feedback').click();
    await until(() => page.getByTestId('rating-row').count()).toBe(1);
    await page.getByTestId('refit').click();
    await until(() => page.getByTestId('rerun-status').getAttribute('data-state'), 120_000).toBe('done');
    await until(() => page.getByTestId('effect-before').textContent()).toContain('#1 ');
    const now = await page.getByTestId('effect-now').textContent();
    expect(now).not.toMatch(/^#1 /);
    await shot(page, '04-after-rerun-feedback.png');

    // 5. The next run's DNS ranking: the rated pattern no longer leads; the list shows where each alert was before.
    await page.getByTestId('tab-suspicious').click();
    const top = page.getByTestId('alert-row').first();
    await until(() => top.getAttribute('data-rank')).toBe('1');
    expect(await top.getAttribute('data-event-id')).not.toBe(eventId);
    expect(await page.url()).toContain('compare=run-1');
    expect(await page.url()).toContain('run=run-2');
    const ratedRows = page.locator(`[data-testid="alert-row"][data-client="${client}"][data-word="${word}"]`);
    for (const row of await ratedRows.all()) {
      const was = await row.locator('td.was').textContent();
      if (was !== null && /^\d+$/.test(was)) expect(Number(await row.getAttribute('data-rank'))).toBeGreaterThan(Number(was));
    }
    await shot(page, '05-next-run-ranking.png');

    // The other views load too (screenshots for the record).
    await page.getByTestId('tab-network').click();
    await until(() => page.getByTestId('graph-node').count()).toBeGreaterThan(10);
    await page.getByTestId('graph-node').first().locator('circle, rect, polygon').click();
    await page.getByTestId('node-panel').waitFor();
    await shot(page, '06-network.png');
    await page.getByTestId('tab-ingest').click();
    await page.getByTestId('ingest').locator('canvas').waitFor();
    await shot(page, '07-ingest.png');

    expect(problems, 'no script errors or blocked resources in the page').toEqual([]);
  });
});
