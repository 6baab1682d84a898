// The claims tour and the CSV exports as a reader uses them, in a real Chromium against the production build: every
// claim shows a measured number from a fresh page and from the link it leaves, a changed image changes the number,
// a long claim can be cancelled, and every SVG export has a CSV beside it that parses to the chart's data.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { CLAIM_IDS, type ClaimId } from '../../src/core/claimIds';
import { CLAIM_TEXT } from '../../src/ui/panels/claims/claimText';
import { parseCsv } from '../csv';
import { axeViolations, browserSession, openPage, waitAllPanels } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();

const openApp = (hash = ''): Promise<Page> => openPage(session.context, `${baseUrl}${hash}`, session.errors, '[data-testid="figure-depth-psnr"] svg');
const CHEAP = CLAIM_IDS.filter((id) => !CLAIM_TEXT[id].models);
const MODELS = CLAIM_IDS.filter((id) => CLAIM_TEXT[id].models);

const output = (page: Page, id: ClaimId) => page.locator(`[data-testid="claim-${id}"] output`);

/** Clicks the claim's Show button and waits for its run to end; returns its output, which must hold a number. */
async function show(page: Page, id: ClaimId, timeout = 30_000): Promise<string> {
  const item = page.getByRole('region', { name: 'Claims' }).getByRole('listitem').filter({ has: page.getByTestId(`claim-show-${id}`) });
  await item.getByRole('button', { name: /^Show/ }).click();
  await expect.poll(async () => ((await output(page, id).count()) > 0 && !(await page.getByTestId(`claim-progress-${id}`).count()) ? output(page, id).textContent() : null), { timeout }).not.toBeNull();
  const text = (await output(page, id).textContent()) ?? '';
  expect(text, `claim ${id}`).toMatch(/\d/);
  return text;
}

describe('the claims tour in a real browser', () => {
  it('is a region of one item per claim; each cheap claim shows a number, leaves a link that shows it again, and follows the image', async () => {
    const page = await openApp();
    await waitAllPanels(page);
    const region = page.getByRole('region', { name: 'Claims' });
    expect(await region.getByRole('listitem').count()).toBe(CLAIM_IDS.length);
    expect(await region.getByRole('button', { name: /^Show/ }).count()).toBe(CLAIM_IDS.length);
    expect(await axeViolations(page, '[data-testid="claims"]')).toEqual([]);
    for (const id of CHEAP) {
      const first = await show(page, id);
      await expect.poll(() => new URL(page.url()).hash).toContain(`claim=${id}`);
      // The link restores the claim's view and measures it again, with the same number.
      const linked = await openPage(session.context, page.url(), session.errors, '[data-testid="claims"]');
      await expect.poll(() => output(linked, id).textContent(), { timeout: 30_000 }).toBe(first);
      await linked.close();
    }
    // Another image: the image-based claims measure something else.
    const before = Object.fromEntries(await Promise.all(CHEAP.map(async (id) => [id, await output(page, id).textContent()] as const)));
    await page.selectOption('[data-testid="sample-select"]', 'coffee');
    await page.waitForFunction(() => !document.querySelector('[data-testid="credit"]')?.textContent?.startsWith('Loading'));
    for (const id of ['row-breaks', 'bitplanes-unequal', 'drop-low-bits', 'bands-split', 'noise-drowns-high'] as const) {
      await expect.poll(async () => (await show(page, id)) !== before[id], { timeout: 30_000 }).toBe(true);
    }
  }, 240_000);

  it('runs each model claim once, with progress, and its link shows it again; a long claim can be cancelled', async () => {
    const page = await openApp('#v=1&eqbatch=16&eqbatches=2&eqpbatch=16&eqpbatches=2&eqdbatch=16&eqdbatches=2');
    await waitAllPanels(page);
    for (const id of MODELS) {
      const text = await show(page, id, 300_000);
      expect(text).toMatch(/\d/);
    }
    expect(await output(page, 'rq-non-monotone').textContent()).toMatch(/talk ≈30 %/);
    expect(await output(page, 'noise-levels-conflict').textContent()).toMatch(/patch steps .*far apart −?\d.*depths .*far apart −?\d/);
    // Cancel leaves the previous result.
    const previous = await output(page, 'middle-levels-hardest').textContent();
    await page.getByTestId('claim-show-middle-levels-hardest').click();
    await page.getByTestId('claim-cancel-middle-levels-hardest').click();
    await expect.poll(() => page.locator('[data-testid="claim-middle-levels-hardest"]').textContent()).toMatch(/Cancelled; the result shown is the previous one/);
    expect(await output(page, 'middle-levels-hardest').textContent()).toBe(previous);
    // A model claim's link measures it again.
    await page.getByTestId('claim-show-rq-non-monotone').click();
    await expect.poll(() => new URL(page.url()).hash).toContain('claim=rq-non-monotone');
    const linked = await openPage(session.context, page.url(), session.errors, '[data-testid="claims"]');
    await expect.poll(() => output(linked, 'rq-non-monotone').textContent(), { timeout: 300_000 }).toMatch(/D = 4: \d/);
  }, 900_000);
});

describe('CSV exports in a real browser', () => {
  it('puts a CSV button beside every SVG button, and the CSV holds the chart’s data', async () => {
    const page = await openApp();
    await waitAllPanels(page);
    await page.waitForSelector('[data-testid="figure-depth-rd"] svg', { timeout: 60_000 });
    const names = await page.$$eval('button[aria-label$="as SVG"]', (els) => els.map((b) => [b.getAttribute('aria-label')!, b.parentElement!.querySelector(`button[aria-label="${b.getAttribute('aria-label')!.replace(/as SVG$/, 'as CSV')}"]`) !== null] as const));
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter(([, sibling]) => !sibling).map(([n]) => n)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="figure-depth-psnr"]').getByRole('button', { name: /as CSV$/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const rows = parseCsv(readFileSync(await download.path(), 'utf8'));
    expect(rows[0][0]).toBe('series');
    expect(rows[0][2]).toMatch(/\(dB\)/);
    // One row per point drawn: the chart's circles (short series draw every point).
    const points = await page.$$eval('[data-testid="figure-depth-psnr"] svg g.series circle', (els) => els.length);
    expect(rows.length - 1).toBe(points);
    // PSNR in dB, rising with the bits kept; an exact reconstruction (∞) is an empty field.
    const psnr = rows.slice(1).map((r) => (r[2] === '' ? Infinity : Number(r[2])));
    expect(psnr.every((v) => v > 0)).toBe(true);
    for (let i = 1; i < psnr.length; i++) if (rows[i + 1][0] === rows[i][0]) expect(psnr[i]).toBeGreaterThanOrEqual(psnr[i - 1]);

    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.click('[data-testid="export-all"]');
    await expect.poll(() => downloads.length, { timeout: 60_000 }).toBe(2);
    expect(downloads.some((n) => n.endsWith('.csv'))).toBe(true);
  }, 240_000);
});
