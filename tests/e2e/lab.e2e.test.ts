// The Equivalence lab as a person uses it, in a real Chromium against the production build: a link with small
// settings for each view (K 4, 7 and 4 on batches of 16, 2 batches: quick), K moved by keyboard, each view's
// matrices computed in the model worker, a transfer matrix, a CSV export read back, the comparison table,
// a row's link restoring its settings, and no accessibility violations.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { parseCsv } from '../csv';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { axeViolations, browserSession, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
let page: Page;

const LINK = '#v=1&eqk=4&eqbatch=16&eqbatches=2&eqpk=7&eqpbatch=16&eqpbatches=2&eqdmodel=summed-d4&eqdbatch=16&eqdbatches=2&eqdsteps=2&eqdtbatch=16';
const hashParam = (p: Page, key: string) => new URLSearchParams(new URL(p.url()).hash.slice(1)).get(key);

/** The accessible name of an svg[role=img]: the text of what aria-labelledby points to. */
const svgName = (p: Page, selector: string) => p.$eval(selector, (svg) => (svg.getAttribute('aria-labelledby') ?? '').split(' ')
  .map((id) => document.getElementById(id)?.textContent ?? '').join(' '));


beforeEach(async () => {
  page = await openPage(session.context, `${baseUrl}${LINK}`, session.errors, '[data-testid="lab-noise-compute"]');
});

describe('the Equivalence lab in a real browser', () => {
  it('computes every view’s matrices from a link’s settings, a transfer matrix, exports a CSV, fills the comparison table, and has no accessibility violations', async () => {
    expect(await page.inputValue('[data-testid="lab-noise-batch"]')).toBe('16');
    expect(await page.inputValue('[data-testid="lab-noise-batches"]')).toBe('2');
    expect(await page.textContent('[data-testid="lab-depth-k"]')).toBe('K = D = 4 (fixed by the model)');
    // K follows the keyboard and the link follows K.
    await page.focus('[data-testid="lab-noise-k"]');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => hashParam(page, 'eqk')).toBe('5');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => hashParam(page, 'eqk')).toBe('4');

    for (const [view, k] of [['noise', 4], ['patch', 7], ['depth', 4]] as const) {
      const button = page.getByRole('region', { name: { noise: 'Noise levels', patch: 'Patch steps', depth: 'Depths' }[view] }).getByRole('button', { name: /^Compute the/ });
      await button.click();
      await page.waitForSelector(`[data-testid="lab-${view}-measured"]:has-text("per batch")`, { timeout: 240_000 });
      const cross = `[data-testid="figure-lab-${view}-cross"] svg[role="img"]`;
      expect(await svgName(page, cross)).toMatch(/cosine/);
      expect(await page.$$eval(`${cross} g.cell`, (els) => els.length)).toBe(k * k);
      expect(await svgName(page, `[data-testid="figure-lab-${view}-corrected"] svg[role="img"]`)).toMatch(/cosine/);
      expect(await svgName(page, `[data-testid="figure-lab-${view}-alignment"] svg[role="img"]`)).toMatch(/alignment/);
      expect(await page.textContent(`[data-testid="lab-${view}-measured"]`)).toMatch(/2 batches of 16 training examples/);
      expect(await page.textContent(`[data-testid="lab-${view}-control"]`)).toMatch(/^Control −?\d\.\d\d/);
      expect(await page.$(`[data-testid="lab-${view}-progress"]`)).toBeNull();
    }

    await page.click('[data-testid="lab-depth-transfer"]');
    await page.waitForSelector('[data-testid="figure-lab-depth-transfer"] svg[role="img"]', { timeout: 240_000 });
    expect(await svgName(page, '[data-testid="figure-lab-depth-transfer"] svg[role="img"]')).toMatch(/transfer/);
    expect(await page.$$eval('[data-testid="figure-lab-depth-transfer"] g.cell', (els) => els.length)).toBe(5 * 4);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export “Cross cosines between noise levels” as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('lab-noise-cross_k-4_batch-16_batches-2_seed-1.csv');
    const rows = parseCsv(readFileSync(await download.path(), 'utf8'));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual(['sub-task', ...['λ −7.50', 'λ −2.50', 'λ 2.50', 'λ 7.50'].map((n) => `${n} (cross cosine; diagonal: self-agreement)`)]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['λ −7.50', 'λ −2.50', 'λ 2.50', 'λ 7.50']);
    for (const r of rows.slice(1)) for (const v of r.slice(1)) expect(Math.abs(Number(v))).toBeLessThanOrEqual(1);

    const table = page.getByRole('region', { name: 'Comparison of every setting computed in this page' }).getByRole('table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    await table.getByRole('button', { name: /^K/ }).click();
    expect(await table.locator('th[aria-sort="ascending"]').count()).toBe(1);
    expect(await table.locator('tbody tr th').allTextContents()).toEqual(['Noise levels', 'Depths', 'Patch steps (equal groups)']);
    expect(hashParam(page, 'eqbatch')).toBe('16');
    // A row's link restores its settings: change the noise view's batches, then follow the noise row's link.
    await page.fill('[data-testid="lab-noise-batches"]', '9');
    await expect.poll(() => hashParam(page, 'eqbatches')).toBe('9');
    await table.getByRole('link', { name: /^Settings of this row: Noise levels/ }).click();
    await expect.poll(() => page.inputValue('[data-testid="lab-noise-batches"]')).toBe('2');
    expect(hashParam(page, 'eqbatches')).toBe('2');

    expect(await axeViolations(page, '[data-testid="panel-lab"]')).toEqual([]);
  }, 600_000);
});
