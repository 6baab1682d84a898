// The Diffusion panel's sample-quality table in a real Chromium against the production build: the digit model's
// measurement runs in the model worker with progress and Cancel, fills the table with the numbers the Node
// measurement gives for the same seeds, and exports it as CSV.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { parseCsv } from '../csv';
import { axeViolations, browserSession, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
let page: Page;

beforeEach(async () => {
  page = await openPage(session.context, baseUrl, session.errors, '[data-testid="figure-diffusion-schedules"] svg .highlight');
});

describe('sample quality in a real browser', () => {
  it('measures the digit model (10 per class) after a cancelled run, shows the table and exports it', async () => {
    const section = '[data-testid="denoiser-quality"]';
    await page.locator('[data-testid="denoiser"]').scrollIntoViewIfNeeded();
    // The MLP: the measurement's workings are the same for both digit models, and the MLP's steps cost less.
    await page.selectOption('[data-testid="denoiser-model"]', 'digits');
    await page.click('[data-testid="denoiser-load"]');
    await page.waitForSelector('[data-testid="denoiser-readout"]', { timeout: 90_000 });
    await page.getByLabel('Samples per class').selectOption('10');

    // A first run, cancelled once it is sampling, says so and leaves no table.
    await page.getByRole('button', { name: /^Measure sample quality/ }).click();
    await page.waitForSelector('text=/^Sampling, guidance everywhere/', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.textContent('[data-testid="denoiser-quality-error"]')).toMatch(/cancelled/);
    expect(await page.$('[data-testid="denoiser-quality-table"]')).toBeNull();

    await page.getByRole('button', { name: /^Measure sample quality/ }).click();
    const table = page.getByRole('table', { name: /^Sample quality of the digit MLP denoiser: 100 samples per row/ });
    await table.waitFor({ timeout: 120_000 });
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')));
    expect(rows.map((r) => r[0])).toEqual(['Everywhere', 'Middle noise only (EDM2: σ 0.28–5.42)', 'Nowhere (w = 1)', 'Floor: held-out vs 1,000 training digits']);
    // The same seeds on the same wasm kernels as `npm run measure:quality -- --per-class 10`: 93.0 %, 91.0 %, 58.0 %;
    // FD-classifier 51.92, 57.40, 86.22; floor 2.99 (held-out accuracy 98.8 %). Allowed to differ by a sample.
    const pct = rows.map((r) => Number(r[1].replace(' %', '')));
    const fd = rows.map((r) => Number(r[2]));
    expect(pct[0]).toBeGreaterThanOrEqual(92);
    expect(pct[2]).toBeLessThan(pct[0] - 20);
    expect(fd[0]).toBeLessThan(fd[2]);
    expect(fd[3]).toBeCloseTo(2.99, 1);
    expect(await axeViolations(page, section)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export “Sample quality” as CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('diffusion-sample-quality_model-digits_n-10_w-2_seed-1.csv');
    const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
    expect(csv).toHaveLength(5);
    expect(Number(csv[1][1])).toBeCloseTo(pct[0], 1);
  }, 300_000);
});
