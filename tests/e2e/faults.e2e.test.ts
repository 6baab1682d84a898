// Faults injected into the running app in a real Chromium: the analysis worker dies with a request in flight.
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { browserSession, canvasPixels, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
// Every worker the page starts is kept where the test can reach it; one can be told to swallow what it is sent.
const session = browserSession(async (context) => void await context.addInitScript(() => {
  const Native = window.Worker;
  const started: (Worker & { url: string; swallow?: boolean })[] = [];
  (window as unknown as { startedWorkers: typeof started }).startedWorkers = started;
  window.Worker = class extends Native {
    url: string;
    swallow?: boolean;
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      this.url = String(url);
      started.push(this);
    }
    postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
      if (!this.swallow) super.postMessage(message, transfer as Transferable[]);
    }
  };
}));
let page: Page;

beforeEach(async () => {
  page = await openPage(session.context, baseUrl, session.errors, '[data-testid="figure-depth-psnr"] svg .highlight');
});

describe('a worker that crashes', () => {
  it('is restarted: the view it owed an answer says so and offers Try again, which works; the other panels keep working', async () => {
    // The interactive analysis worker (the first one started) stops answering, as a dying worker would…
    await page.evaluate(() => {
      const workers = (window as unknown as { startedWorkers: { url: string; swallow?: boolean }[] }).startedWorkers;
      workers.find((w) => w.url.includes('analysis'))!.swallow = true;
    });
    await page.selectOption('[data-testid="depth-view-select"]', 'scales');
    // …and then dies: the browser terminates it and reports the uncaught error.
    await page.evaluate(() => {
      const w = (window as unknown as { startedWorkers: (Worker & { swallow?: boolean })[] }).startedWorkers.find((x) => x.swallow)!;
      w.terminate();
      w.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught RangeError: WebAssembly.Memory(): could not allocate memory' }));
    });
    const alert = page.locator('[data-testid="panel-depth"] [role="alert"]');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 })
      .toBe('This view failed: the compute worker crashed: Uncaught RangeError: WebAssembly.Memory(): could not allocate memory and was restarted; try again Try again');

    // The Patch panel's step view still redraws as its slider moves (its figure may be redrawn while the restarted
    // worker answers the panel's statistics again).
    await page.waitForSelector('[data-testid="canvas-patch-step"]');
    const steps = await canvasPixels(page, 'canvas-patch-step');
    await page.focus('[data-testid="step-slider"]');
    await page.keyboard.press('End');
    await expect.poll(() => canvasPixels(page, 'canvas-patch-step')).not.toBe(steps);

    await alert.getByRole('button', { name: 'Try again' }).click();
    // The old worker swallows everything: the answer comes from the new one.
    await expect.poll(() => page.textContent('[data-testid="depth-readout"]'), { timeout: 60_000 }).toMatch(/^After step/);
    expect(await alert.count()).toBe(0);
  });
});

describe('a lost GPU context', () => {
  it('moves the model worker from WebGL to wasm, says so in the backend indicator, and recomputes the model view', async () => {
    const modelWorker = () => page.workers().find((w) => w.url().includes('model.worker'));
    await expect.poll(() => Boolean(modelWorker()), { timeout: 30_000 }).toBe(true);
    // Inside the model worker (not the app's code): remember every WebGL context its canvases hand out.
    await modelWorker()!.evaluate(() => {
      const scope = self as unknown as { glContexts: WebGLRenderingContext[] };
      scope.glContexts = [];
      const getContext = OffscreenCanvas.prototype.getContext;
      OffscreenCanvas.prototype.getContext = function (this: OffscreenCanvas, ...args: Parameters<typeof getContext>) {
        const ctx = getContext.apply(this, args);
        if (ctx && String(args[0]).startsWith('webgl')) scope.glContexts.push(ctx as unknown as WebGLRenderingContext);
        return ctx;
      } as typeof getContext;
    });
    const select = '[data-testid="backend-select"]';
    await page.waitForFunction((s) => (document.querySelector(s) as HTMLSelectElement | null)?.value !== '', select, { timeout: 30_000 });
    await page.selectOption(select, 'webgl');
    await expect.poll(() => page.$eval(select, (s) => (s as HTMLSelectElement).value), { timeout: 60_000 }).toBe('webgl');

    await page.click('[data-testid="model-load"]');
    await expect.poll(() => page.textContent('[data-testid="model-readout"]').catch(() => ''), { timeout: 120_000 }).toMatch(/on webgl\./);
    await page.waitForSelector('[data-testid="model-prediction-readout"]', { timeout: 60_000 });

    // The driver takes the context away, as a GPU reset would.
    const lost = await modelWorker()!.evaluate(() => {
      const live = (self as unknown as { glContexts: WebGLRenderingContext[] }).glContexts.filter((c) => !c.isContextLost());
      for (const c of live) c.getExtension('WEBGL_lose_context')?.loseContext();
      return live.length;
    });
    expect(lost).toBeGreaterThan(0);

    await expect.poll(() => page.$eval(select, (s) => (s as HTMLSelectElement).value), { timeout: 60_000 }).toBe('wasm');
    expect(await page.textContent('[data-testid="backend-reason"]')).toContain('fell back: webgl failed: WebGL context lost');
    await expect.poll(() => page.textContent('[data-testid="notice-info"]').catch(() => '')).toMatch(/The compute backend changed to wasm/);
    // The model's numbers are computed again on the backend that now runs, without the user asking.
    await expect.poll(() => page.textContent('[data-testid="model-readout"]').catch(() => ''), { timeout: 120_000 }).toMatch(/on wasm\./);
    await page.waitForSelector('[data-testid="model-prediction-readout"]', { timeout: 60_000 });
  }, 300_000);
});
