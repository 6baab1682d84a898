// The Depth panel's bit orders and its learned RQ auto-encoder as a person uses them, in a real Chromium
// against the production build.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { readPngSize, readPngTextChunks } from '../../src/core/png';
import { axeViolations, browserSession, canvasPixels, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
let page: Page;

/** The app at `hash`, once its image is in and the Depth panel's PSNR chart is drawn. */
const openApp = (hash = ''): Promise<Page> => openPage(session.context, `${baseUrl}${hash}`, session.errors, '[data-testid="figure-depth-psnr"] svg .highlight');

beforeEach(async () => {
  page = await openApp();
});

describe('the Depth panel in a real browser', () => {
  it('sends the bit-planes interleaved per channel in 24 steps, with its own rate–distortion curve', async () => {
    await page.selectOption('[data-testid="depth-view-select"]', 'bit-order');
    await page.selectOption('[data-testid="depth-bit-order"]', 'interleaved');
    // Keys go to the slider once the interleaved steps have arrived (24 of them).
    await page.waitForSelector('[data-testid="depth-step-slider"][max="24"]', { timeout: 60_000 });
    await page.focus('[data-testid="depth-step-slider"]');
    await page.keyboard.press('Home');
    await expect.poll(() => page.textContent('[data-testid="depth-readout"]'), { timeout: 60_000 }).toMatch(/^After step 1:/);
    const first = await canvasPixels(page, 'canvas-depth-steps-recon');
    await page.keyboard.press('End');
    await expect.poll(() => page.textContent('[data-testid="depth-readout"]'), { timeout: 30_000 }).toMatch(/^After step 24:/);
    // Each step's SSIM is scored when the step is first shown: a step reached later reads a number, not "—".
    expect(await page.textContent('[data-testid="depth-readout"]')).toMatch(/SSIM (0\.\d{3}|1\.000),/);
    expect(await canvasPixels(page, 'canvas-depth-steps-recon')).not.toBe(first);
    await expect.poll(() => new URL(page.url()).hash).toContain('border=interleaved');
    // The order's own curve joins the rate–distortion chart.
    await page.waitForSelector('[data-testid="figure-depth-rd"] svg g.series[data-series="bits-interleaved"]', { timeout: 90_000 });
  }, 180_000);

  it('cancels a long k-means decomposition with its time left shown, keeps the previous one on screen, and computes it on Start again', async () => {
    await page.close();
    page = await openPage(session.context, `${baseUrl}#v=1&dview=rq&rqp=2&rqk=64&rqd=4&d=1`, session.errors, '[data-testid="depth-readout"]');
    const before = await page.textContent('[data-testid="depth-readout"]');
    expect(before).toMatch(/^After step 1: PSNR \d+\.\d+ dB/);
    const recon = await canvasPixels(page, 'canvas-depth-steps-recon');
    // K = 1024 codewords at each of 16 depths on 2×2 patches: seconds of k-means.
    await page.getByRole('slider', { name: /Codebook size K/ }).focus();
    await page.keyboard.press('End');
    await page.getByRole('slider', { name: /Depth D/ }).focus();
    await page.keyboard.press('End');
    await page.waitForSelector('[data-testid="depth-view-progress"]');
    await expect(page.textContent('[data-testid="depth-view-progress-time-left"]', { timeout: 60_000 })).resolves.toMatch(/^about \d+ (s|min) left$/);
    await page.click('[data-testid="depth-view-progress-cancel"]');
    await expect(page.textContent('[data-testid="depth-view-progress-cancelled"]')).resolves.toMatch(/^Cancelled; what is shown is from before\./);
    expect(await page.$('[data-testid="depth-view-progress"]')).toBeNull();
    expect(await page.textContent('[data-testid="depth-readout"]')).toBe(before);
    expect(await canvasPixels(page, 'canvas-depth-steps-recon')).toBe(recon);
    await page.getByRole('button', { name: 'Start again: Computing the decomposition' }).click();
    await expect.poll(() => page.textContent('[data-testid="depth-readout"]'), { timeout: 120_000 }).not.toBe(before);
    expect(await page.textContent('[data-testid="depth-readout"]')).toMatch(/^After step 1: PSNR \d+\.\d+ dB/);
    expect(await page.$('[data-testid="depth-view-progress-cancelled"]')).toBeNull();
  }, 180_000);

  it('loads the learned RQ auto-encoder, steps through its depths, exports its PSNR chart and trains a few steps', async () => {
    const section = '[data-testid="rqae-section"]';
    await page.click('[data-testid="rqae-load"]');
    await page.waitForSelector('[data-testid="rqae-readout"]', { timeout: 90_000 });
    await page.waitForSelector('[data-testid="figure-rqae-psnr"] svg path.line', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="figure-rqae-nonmonotone"] svg rect', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="canvas-rqae-recon"]', { timeout: 30_000 });
    await page.focus('[data-testid="rqae-depth-slider"]');
    await page.keyboard.press('Home');
    await expect.poll(() => page.textContent('[data-testid="rqae-depth-slider-value"]')).toMatch(/^1\b/);
    const shallow = await canvasPixels(page, 'canvas-rqae-recon');
    await page.keyboard.press('End');
    await expect.poll(() => canvasPixels(page, 'canvas-rqae-recon'), { timeout: 30_000 }).not.toBe(shallow);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-rqae-psnr"]')]);
    expect(download.suggestedFilename()).toMatch(/^depth-rqae-psnr.*\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(readPngSize(bytes).width).toBeGreaterThan(300);
    expect(readPngTextChunks(bytes)['decomposition-explorer']).toContain('v=1');

    await page.fill('[data-testid="rqae-train-steps"]', '3');
    await page.click('[data-testid="rqae-train"]');
    await expect.poll(() => page.textContent('[data-testid="rqae-train-readout"]'), { timeout: 90_000 }).toMatch(/^Step [1-9]/);
    expect(await axeViolations(page, section)).toEqual([]);
  });
});
