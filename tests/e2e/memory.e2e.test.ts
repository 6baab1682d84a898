// No tensor growth: after the models are loaded and warmed up, 500 mixed interactions that run them (x̂0 as t
// moves, another held-out digit for the patch transformer and for the denoiser, samples, generations) leave the
// model worker holding exactly as many tensors and bytes as before. Read through the header's
// "Tensors in memory" readout, as a user would.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch } from './chromium';
import { settledMemory } from './pageHelpers';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  ({ browser } = await launch());
});
afterAll(async () => {
  await browser?.close();
});

async function press(page: Page, testId: string, key: string): Promise<void> {
  await page.focus(`[data-testid="${testId}"]`);
  await page.keyboard.press(key);
}

describe('model memory in a real browser', () => {
  it('holds no more tensors after 500 mixed interactions than before them', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(baseUrl);
    await page.waitForSelector('[data-testid="figure-diffusion-schedules"] svg .highlight', { timeout: 30_000 });

    await page.click('[data-testid="model-load"]');
    await page.waitForSelector('[data-testid="model-prediction-readout"]', { timeout: 60_000 });
    await page.selectOption('[data-testid="denoiser-model"]', 'digits');
    await page.click('[data-testid="denoiser-load"]');
    await page.waitForSelector('[data-testid="denoiser-readout"]', { timeout: 90_000 });
    await expect.poll(() => page.textContent('[data-testid="denoiser-predict-readout"]'), { timeout: 30_000 }).toMatch(/MSE of x̂₀ \d/);

    // The interactions, in rotation. Warm-up runs each once, so caches built on first use are in the baseline.
    const actions: ((i: number) => Promise<void>)[] = [
      (i) => press(page, 't-slider', i % 20 < 10 ? 'ArrowRight' : 'ArrowLeft'),
      (i) => press(page, 'model-digit', i % 40 < 20 ? 'ArrowUp' : 'ArrowDown'),
      (i) => press(page, 'denoiser-heldout', i % 40 < 20 ? 'ArrowUp' : 'ArrowDown'),
      (i) => press(page, 't-slider', i % 8 < 4 ? 'PageUp' : 'PageDown'),
    ];
    const occasional = async (i: number) => {
      // Clicks wait while a button is disabled (a sample still running); newer work supersedes older.
      if (i % 100 === 50) await page.click('[data-testid="denoiser-sample"]');
      if (i % 125 === 60) await page.click('[data-testid="model-generate"]');
    };
    for (let i = 0; i < actions.length; i++) await actions[i](i);
    await occasional(50);
    await occasional(60);
    const before = await settledMemory(page);
    expect(before.tensors).toBeGreaterThan(0);

    const t0 = Date.now();
    for (let i = 0; i < 500; i++) {
      await actions[i % actions.length](i);
      await occasional(i);
    }
    console.log(`500 interactions in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${before.tensors} tensors, ${before.bytes} MB before`);
    const after = await settledMemory(page);
    expect(after).toEqual(before);
    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);
});
