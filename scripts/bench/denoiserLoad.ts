// The digit denoisers' load in the app: a fresh page with the Diffusion panel set to sample one digit, then the
// click on "Load the denoiser" → its readout shown (fetch, weight decode, backend start-up, first prediction),
// clicked and timed inside the page (sliders.ts, timeLoadClick).
// Two starts: "cold", the click as soon as the first panel is ready (tfjs has not started in the model worker yet,
// and the other panels are still mounting), and "warm", the click once the backend indicator shows tfjs running
// (the page starts it when idle after start-up, so a reader who clicks a few seconds in sees this one).
import type { BrowserContext, Page } from 'playwright-core';
import type { BenchCase } from './run';
import { timeLoadClick, waitReady } from './sliders';
import { quantile } from './stats';

export const DIGIT_DENOISERS = [['digits-unet', 'digits U-Net'], ['digits', 'digits']] as const;

/** Resolves once the backend indicator offers a choice: tfjs has started in the model worker. */
export async function waitBackend(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="backend-select"]:not([disabled])', { timeout: 60_000 });
}

/** Opens a fresh page, loads `model` and returns the page (ready to sample) with the load's time in ms. */
export async function openDenoiser(context: BrowserContext, url: string, model: string, warm = false): Promise<{ page: Page; ms: number }> {
  const page = await context.newPage();
  await page.goto(`${url}#v=1&img=astronaut&size=128&dnmodel=${model}&dnsampler=ddim&dnsteps=10&dncount=1&dnguide=2.0`);
  await waitReady(page);
  if (warm) await waitBackend(page);
  await page.waitForSelector('[data-testid="denoiser-load"]');
  const ms = await timeLoadClick(page, { load: 'denoiser-load', done: '[data-testid="denoiser-readout"]', error: 'denoiser-error' });
  return { page, ms };
}

/** `n` loads of each digit denoiser, cold and warm, each on a fresh page. */
export async function denoiserLoadCases(context: BrowserContext, url: string, n: number): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const [model, name] of DIGIT_DENOISERS) {
    for (const warm of [false, true]) {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const { page, ms } = await openDenoiser(context, url, model, warm);
        times.push(ms);
        await page.close();
      }
      const start = warm ? 'warm: tfjs already started' : 'cold: click as the first panel is ready';
      out.push({ name: `denoiser (${name}): load (${start})`, backend: '-', size: null, n, p50: quantile(times, 0.5), p95: quantile(times, 0.95), unit: 'ms' });
    }
  }
  return out;
}

/**
 * Each digit denoiser loaded once, then `n` 10-step guided DDIM samples of one digit (the time the worker reports,
 * so the page's drawing is not in it), seeds 1…n.
 */
export async function denoiserSampleCases(context: BrowserContext, url: string, n: number): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  for (const [model, name] of DIGIT_DENOISERS) {
    const { page, ms } = await openDenoiser(context, url, model);
    out.push({ name: `denoiser (${name}): load (cold), the page then sampled`, backend: '-', size: null, n: 1, p50: ms, p95: ms, unit: 'ms' });
    const sampleTimes: number[] = [];
    for (let i = 0; i < n; i++) {
      const before = await page.textContent('[data-testid="denoiser-samples-readout"]').catch(() => null);
      await page.fill('[data-testid="denoiser-sample-seed"]', String(i + 1));
      await page.click('[data-testid="denoiser-sample"]');
      await page.waitForFunction((b) => { const e = document.querySelector('[data-testid="denoiser-samples-readout"]'); return !!e && e.textContent !== b; }, before, { timeout: 60_000 });
      const text = (await page.textContent('[data-testid="denoiser-samples-readout"]')) ?? '';
      const took = /in ([\d.]+) ms/.exec(text);
      if (took) sampleTimes.push(Number(took[1]));
    }
    out.push({ name: `denoiser (${name}): 10-step guided DDIM sample, one digit (in the worker)`, backend: 'wasm', size: 28, n: sampleTimes.length, p50: quantile(sampleTimes, 0.5), p95: quantile(sampleTimes, 0.95), unit: 'ms' });
    await page.close();
  }
  return out;
}
