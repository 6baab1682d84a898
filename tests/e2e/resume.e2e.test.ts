// A reload in the middle of a training run, in a real Chromium against the production build: the run was
// checkpointed in the browser's IndexedDB while it trained, and after the reload the section offers to resume
// it; the resumed run counts on from the stored step and its loss curve keeps the points from before.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { parseCsv } from '../csv';
import { axeViolations, browserSession, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
const section = '[data-testid="rqae-section"]';
const readout = '[data-testid="rqae-train-readout"]';

const openApp = (): Promise<Page> => openPage(session.context, baseUrl, session.errors, '[data-testid="figure-depth-psnr"] svg .highlight');

/** The training-loss chart's points, as its CSV export writes them: [step, loss] (one row per step below 300 steps). */
async function lossCurve(page: Page): Promise<[string, string][]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv-rqae-loss"]')]);
  return parseCsv(readFileSync(await download.path(), 'utf8')).slice(1).filter((r) => r.length >= 3).map((r) => [r[1], r[2]]);
}

async function loadModel(page: Page): Promise<void> {
  await page.click('[data-testid="rqae-load"]');
  await page.waitForSelector('[data-testid="rqae-readout"]', { timeout: 90_000 });
}

describe('a reload during training', () => {
  it('offers "Resume training from step N", which continues the step count and the loss curve from the stored run', async () => {
    const page = await openApp();
    await loadModel(page);
    await page.fill('[data-testid="rqae-train-steps"]', '250');
    await page.locator(section).getByLabel('Batch').selectOption('8');
    await page.click('[data-testid="rqae-train"]');
    // The run says when it was last stored in this browser; then the page is reloaded with the run still going.
    await expect.poll(() => page.textContent(readout), { timeout: 180_000, interval: 250 }).toMatch(/Stored in this browser at step \d+\.$/);
    const before = await lossCurve(page);
    await page.reload();
    await page.waitForFunction(() => !document.querySelector('[data-testid="credit"]')?.textContent?.startsWith('Loading'), null, { timeout: 30_000 });

    await loadModel(page);
    const resume = page.locator(section).getByRole('button', { name: /^Resume/ });
    await resume.waitFor({ timeout: 60_000 });
    const step = Number((await resume.textContent())!.match(/^Resume training from step (\d+)$/)![1]);
    expect(step).toBeGreaterThanOrEqual(50);
    expect(before.length).toBeGreaterThanOrEqual(step);
    expect(await page.textContent(readout)).toMatch(/^Not trained in this session/);
    expect(await axeViolations(page, section)).toEqual([]);

    await resume.click();
    // Counting goes on from the stored step…
    await expect.poll(async () => Number((await page.textContent(readout))?.match(/^Step (\d+),/)?.[1] ?? 0), { timeout: 120_000 }).toBeGreaterThan(step);
    await page.click('[data-testid="rqae-pause"]');
    await expect.poll(() => page.textContent(readout), { timeout: 60_000 }).toMatch(/\(paused\)\./);
    // …and the curve keeps every point from before the reload, then goes on past it.
    const after = await lossCurve(page);
    expect(after.length).toBeGreaterThan(step);
    expect(after.slice(0, step)).toEqual(before.slice(0, step));
    expect(after.map(([x]) => Number(x))).toEqual(after.map((_, i) => i));
  }, 420_000);
});
