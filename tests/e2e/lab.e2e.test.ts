// The Equivalence lab as a person uses it, in a real Chromium against the production build: a link with K = 4
// and 8 held-out digits (fast), K moved by keyboard, the matrix computed in the model worker, its PNG export.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { readPngSize, readPngTextChunks } from '../../src/core/png';
import { axeViolations, browserSession, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
let page: Page;

const hashParam = (p: Page, key: string) => new URLSearchParams(new URL(p.url()).hash.slice(1)).get(key);

beforeEach(async () => {
  page = await openPage(session.context, `${baseUrl}#v=1&eqk=4&eqbatch=8`, session.errors, '[data-testid="lab-compute"]');
});

describe('the Equivalence lab in a real browser', () => {
  it('computes the noise-level matrix of a link’s K and batch, exports it as PNG, and has no accessibility violations', async () => {
    const section = '[data-testid="panel-lab"]';
    expect(hashParam(page, 'eqk')).toBe('4');
    expect(hashParam(page, 'eqbatch')).toBe('8');
    expect(await page.inputValue('[data-testid="lab-batch"]')).toBe('8');
    // K follows the keyboard and the link follows K.
    await page.focus('[data-testid="lab-k"]');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => hashParam(page, 'eqk')).toBe('5');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => hashParam(page, 'eqk')).toBe('4');

    await page.click('[data-testid="lab-compute"]');
    await page.waitForSelector('[data-testid="figure-lab-noise-cosines"] svg g.cell', { timeout: 120_000 });
    const cells = await page.$$eval('[data-testid="figure-lab-noise-cosines"] g.cell', (els) => els.map((e) => ({ i: e.getAttribute('data-i'), j: e.getAttribute('data-j'), text: e.querySelector('text.cell-label')?.textContent })));
    expect(cells).toHaveLength(16);
    expect(cells.filter((c) => c.i === c.j).map((c) => c.text)).toEqual(['1.00', '1.00', '1.00', '1.00']);
    expect(await page.$$eval('[data-testid="figure-lab-noise-norms"] rect.bar', (els) => els.length)).toBe(4);
    expect(await page.textContent('[data-testid="lab-readout"]')).toMatch(/of 6 pairs/);
    expect(await page.textContent('[data-testid="lab-measured"]')).toMatch(/first 8 held-out digits/);
    expect(hashParam(page, 'eqk')).toBe('4');
    expect(hashParam(page, 'eqbatch')).toBe('8');
    expect(await page.$('[data-testid="lab-progress"]')).toBeNull();

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-lab-noise-cosines"]')]);
    expect(download.suggestedFilename()).toMatch(/^lab-noise-cosines_model-digits_k-4_batch-8_seed-1\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(Array.from(bytes.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(readPngSize(bytes).width).toBeGreaterThan(400);
    expect(readPngTextChunks(bytes)['decomposition-explorer']).toContain('eqk=4');

    expect(await axeViolations(page, section)).toEqual([]);
  });
});
