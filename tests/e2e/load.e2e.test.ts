// Load: 1,000 input events in 2 s on every slider the page shows (every panel, with the patch transformer loaded),
// after a warm-up round. No page error; each storm ends on the view reached by setting its last value slowly (the
// same link, panel text and canvases); the model worker's tensors and the page's JavaScript heap stay within 5 %
// of the warm-up's.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch } from './chromium';
import { settledMemory, waitAllPanels } from './pageHelpers';
import { HEAP_ARGS, heapMB, rangeSliders, setSlider, settledPrint, storm, viewPrint, walk, type RangeSlider } from './sliderStorm';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  ({ browser } = await launch(HEAP_ARGS));
});
afterAll(async () => {
  await browser?.close();
});

const EVENTS = 1000;
const SPAN_MS = 2000;

/** A storm on one slider, then the same last value reached slowly from elsewhere; both views must agree. */
async function stormAndCompare(page: Page, s: RangeSlider, events: number, seed: number): Promise<number> {
  const last = s.min + ((seed * 7919) % (s.max - s.min + 1));
  const took = await storm(page, s.name, walk(s.min, s.max, events, seed, last), SPAN_MS);
  const stormed = await settledPrint(page, s.name);
  // Slowly: elsewhere first, settled, then the last value in one move. Elsewhere is the top when it can be: a slider
  // that caps another (the depth D caps the step d) caps it on the way down, in a storm and slowly alike.
  await setSlider(page, s.name, last === s.max ? s.min : s.max);
  await settledPrint(page, s.name);
  await setSlider(page, s.name, last);
  await expect.poll(() => viewPrint(page, s.name), { timeout: 60_000, message: `slider “${s.label}” after a storm` }).toBe(stormed);
  return took;
}

describe('a storm of slider events', () => {
  it('on every slider of every panel ends on the view set slowly, with no error and no growth in tensors or heap', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    // Each error names the slider whose storm it came from.
    const errors: string[] = [];
    let moving = 'start-up';
    page.on('pageerror', (e) => errors.push(`${moving}: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(`${moving}: ${m.text()}`)));
    await page.goto(baseUrl);
    await page.waitForSelector('[data-testid="figure-depth-psnr"] svg .highlight', { timeout: 30_000 });
    await waitAllPanels(page);
    await page.click('[data-testid="model-load"]');
    await page.waitForSelector('[data-testid="model-prediction-readout"]', { timeout: 120_000 });

    const sliders = await rangeSliders(page);
    const names = sliders.map((s) => s.name);
    // Every panel's sliders as the page opens, and the patch transformer's.
    for (const panel of ['depth', 'patch', 'diffusion', 'lab']) expect(names.some((n) => n.startsWith(`panel-${panel}:`)), panel).toBe(true);
    expect(names).toContain('panel-patch: Model step s');
    for (const [i, s] of sliders.entries()) {
      moving = s.label;
      await stormAndCompare(page, s, 100, 100 + i); // warm-up
    }
    const before = { memory: await settledMemory(page), heap: await heapMB(page) };

    const times: number[] = [];
    for (const [i, s] of sliders.entries()) {
      moving = s.label;
      times.push(await stormAndCompare(page, s, EVENTS, 1 + i));
    }
    const after = { memory: await settledMemory(page), heap: await heapMB(page) };
    console.log(`${sliders.length} sliders, ${EVENTS} events each: ${sliders.map((s, i) => `${s.name} ${Math.round(times[i])} ms`).join('; ')}; `
      + `tensors ${before.memory.tensors} → ${after.memory.tensors} (${before.memory.bytes} → ${after.memory.bytes} MB), heap ${before.heap.toFixed(1)} → ${after.heap.toFixed(1)} MB`);

    expect(errors).toEqual([]);
    expect(Math.abs(after.memory.tensors - before.memory.tensors)).toBeLessThanOrEqual(0.05 * before.memory.tensors);
    expect(Math.abs(Number(after.memory.bytes) - Number(before.memory.bytes))).toBeLessThanOrEqual(0.05 * Number(before.memory.bytes));
    expect(after.heap).toBeLessThanOrEqual(before.heap * 1.05);
    await context.close();
  }, 900_000);

  it('on the sliders shown only after a choice (RQ view, SD3 schedule, the denoiser and learned RQ loaded) ends on the view set slowly, without a page error', async () => {
    // A late answer for a codebook size the slider had left once met the steps of another and took the panel down.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    let moving = 'start-up';
    page.on('pageerror', (e) => errors.push(`${moving}: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(`${moving}: ${m.text()}`)));
    await page.goto(`${baseUrl}#v=1&dview=rq&sched=sd3`);
    await page.waitForSelector('[data-testid="depth-readout"]', { timeout: 60_000 });
    await page.click('[data-testid="denoiser-load"]');
    await page.click('[data-testid="rqae-load"]');
    await page.waitForSelector('[data-testid="denoiser-guidance-hi"]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid="rqae-depth-slider"]', { timeout: 120_000 });
    const shownLater = [
      'panel-depth: Patch size', 'panel-depth: Codebook size K', 'panel-depth: Depth D', 'panel-depth: Step d', 'panel-depth: Depth d',
      'panel-diffusion: SD3 shift s', 'panel-diffusion: Guidance scale w', 'panel-diffusion: Guidance from σ_lo', 'panel-diffusion: up to σ_hi',
    ];
    const sliders = (await rangeSliders(page)).filter((s) => shownLater.includes(s.name));
    expect(sliders.map((s) => s.name).sort()).toEqual([...shownLater].sort());
    const times: number[] = [];
    for (const [i, s] of sliders.entries()) {
      moving = s.label;
      times.push(await stormAndCompare(page, s, EVENTS, 7 + i));
    }
    console.log(`${sliders.length} sliders shown after a choice, ${EVENTS} events each: ${sliders.map((s, i) => `${s.name} ${Math.round(times[i])} ms`).join('; ')}`);
    expect(errors).toEqual([]);
    await context.close();
  }, 900_000);
});
