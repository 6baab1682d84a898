// The Diffusion panel as a person uses it, in a real Chromium against the production build: the t slider and
// the schedule, the log-SNR chart's export, and the default digit denoiser, the U-Net (load, x̂0 at t, a 10-step sample).
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { readPngSize, readPngTextChunks } from '../../src/core/png';
import { axeViolations, browserSession, canvasPixels, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
let page: Page;

/** The app at `hash`, once its image is in and the model-free diffusion views are drawn. */
const openApp = (hash = ''): Promise<Page> => openPage(session.context, `${baseUrl}${hash}`, session.errors, '[data-testid="figure-diffusion-schedules"] svg .highlight');

const hashParam = (p: Page, key: string) => new URLSearchParams(new URL(p.url()).hash.slice(1)).get(key);

beforeEach(async () => {
  page = await openApp();
});

describe('the Diffusion panel in a real browser', () => {
  it('shows x_t at the last t of a burst of moves, with the pixels its PNG export has', async () => {
    // x_t is redrawn in place on every move; what is on screen must be the last t's, and what the export carries.
    await page.focus('[data-testid="t-slider"]');
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => hashParam(page, 't')).toBe('0.512');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-diffusion-xt"]')]);
    expect(download.suggestedFilename()).toMatch(/^diffusion-xt.*t-0\.512.*\.png$/);
    const png = readFileSync(await download.path()).toString('base64');
    // The export, scaled back down without smoothing, against what the page shows (read as the user sees it).
    const compare = () => page.evaluate(async (b64) => {
      const load = async (src: string) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        return img;
      };
      const shown = await load((document.querySelector('[data-testid="canvas-diffusion-xt"]') as HTMLCanvasElement).toDataURL());
      const exported = await load(`data:image/png;base64,${b64}`);
      const pixels = (img: HTMLImageElement) => {
        const c = document.createElement('canvas');
        c.width = shown.width;
        c.height = shown.height;
        const ctx = c.getContext('2d')!;
        ctx.imageSmoothingEnabled = false;
        ctx.drawImage(img, 0, 0, c.width, c.height);
        return ctx.getImageData(0, 0, c.width, c.height).data;
      };
      const [a, b] = [pixels(shown), pixels(exported)];
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      return { scale: exported.width / shown.width, maxDiff };
    }, png);
    await expect.poll(compare).toEqual({ scale: 4, maxDiff: 0 }) // the default 128² image, exported at 512²;
  });

  it('follows t dragged with the mouse, changes schedule, and exports the log-SNR chart with the view', async () => {
    const before = await canvasPixels(page, 'canvas-diffusion-xt');
    const slider = page.locator('[data-testid="t-slider"]');
    await slider.scrollIntoViewIfNeeded();
    const box = (await slider.boundingBox())!;
    // Drag the thumb from the middle to about 80 % of the track.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    for (let f = 0.55; f <= 0.8; f += 0.05) await page.mouse.move(box.x + box.width * f, box.y + box.height / 2);
    await page.mouse.up();
    await expect.poll(() => Number(hashParam(page, 't'))).toBeGreaterThan(0.7);
    expect(Number(hashParam(page, 't'))).toBeLessThan(0.9);
    await expect.poll(() => canvasPixels(page, 'canvas-diffusion-xt')).not.toBe(before);
    const highlight = () => page.$eval('[data-testid="figure-diffusion-schedules"] svg .highlight', (el) => Number(el.getAttribute('data-x')));
    await expect.poll(highlight).toBeGreaterThan(0.7);

    const readout = await page.textContent('[data-testid="diffusion-readout"]');
    await page.selectOption('[data-testid="schedule-select"]', 'edm');
    await expect.poll(() => page.textContent('[data-testid="diffusion-readout"]')).not.toBe(readout);
    expect(await page.getAttribute('[data-testid="figure-diffusion-schedules"] svg .highlight', 'data-series')).toBe('edm');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-diffusion-schedules"]')]);
    expect(download.suggestedFilename()).toMatch(/^diffusion-schedules.*sched-edm.*\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(readPngSize(bytes).width).toBeGreaterThan(400);
    expect(readPngTextChunks(bytes)['decomposition-explorer']).toContain('sched=edm');
  });

  it('loads the digit denoiser (the U-Net, by default), predicts x̂0 at t, and draws a 10-step sample with the classifier’s verdict', async () => {
    const section = '[data-testid="denoiser"]';
    await page.locator(section).scrollIntoViewIfNeeded();
    expect(await page.inputValue('[data-testid="denoiser-model"]')).toBe('digits-unet');
    await page.click('[data-testid="denoiser-load"]');
    const readout = await page.waitForSelector('[data-testid="denoiser-readout"]', { timeout: 90_000 });
    expect(await readout.textContent()).toMatch(/[\d,]+ parameters, .*on (wasm|webgl|webgpu|cpu)\..*classifier .*\d+\.\d % accurate/s);
    await page.waitForSelector('[data-testid="figure-diffusion-denoiser-loss"] svg .highlight');
    await expect.poll(() => page.textContent('[data-testid="denoiser-predict-readout"]'), { timeout: 30_000 }).toMatch(/MSE of x̂₀ \d/);

    // x̂0 follows t (asynchronously): step t by keyboard, the prediction's λ changes.
    const predicted = await page.textContent('[data-testid="denoiser-predict-readout"]');
    await page.focus('[data-testid="t-slider"]');
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    await expect.poll(() => page.textContent('[data-testid="denoiser-predict-readout"]'), { timeout: 30_000 }).not.toBe(predicted);

    // 10 steps on the steps slider (by keyboard), class 3 with the default guidance, then Sample.
    await page.focus('[data-testid="denoiser-steps"]');
    for (let i = 0; i < 30 && (await page.textContent('[data-testid="denoiser-steps-value"]')) !== '10'; i++) {
      const now = Number(await page.textContent('[data-testid="denoiser-steps-value"]'));
      await page.keyboard.press(now > 10 ? 'ArrowLeft' : 'ArrowRight');
    }
    await expect(page.textContent('[data-testid="denoiser-steps-value"]')).resolves.toBe('10');
    await page.selectOption('[data-testid="denoiser-sample-class"]', '3');
    await page.click('[data-testid="denoiser-sample"]');
    const samples = await page.waitForSelector('[data-testid="denoiser-samples-readout"]', { timeout: 60_000 });
    expect(await samples.textContent()).toMatch(/^\d+ samples? in [\d.]+ m?s \(10 DDIM steps, seed 0, class 3, guidance 2\.0/);
    expect(await page.$$eval('[data-testid="denoiser-strip"] canvas', (c) => c.length)).toBeGreaterThan(1);
    const verdicts = await page.$$eval('[data-testid="denoiser-sample-class-readout"]', (e) => e.map((x) => x.textContent ?? ''));
    expect(verdicts.length).toBeGreaterThan(0);
    for (const v of verdicts) expect(v).toMatch(/^\d \(\d+ %\)$/);
    // Samples have ink: neither blank nor flat grey.
    const lit = await page.$eval('[data-testid="denoiser-samples"] canvas', (c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] > 128) n++;
      return n / (px.length / 4);
    });
    expect(lit).toBeGreaterThan(0.01);
    expect(lit).toBeLessThan(0.9);
    expect(hashParam(page, 'dnsteps')).toBe('10');

    expect(await axeViolations(page, section)).toEqual([]);
  });
});
