// Page readiness and slider drags as Chromium delivers them: one input event per frame, dispatched at the start of the frame
// (Chromium aligns continuous input such as a dragged thumb's mousemove to requestAnimationFrame).
import type { BrowserContext, Page } from 'playwright-core';
import type { BenchCase } from './run';
import { quantile } from './stats';

export interface DragResult {
  /** Per move: the frame's start (the rAF timestamp, before the input) → that frame painted, in ms. */
  times: number[];
  /** Frames that should have been drawn during the drag but were not (a frame interval of k frames drops k − 1). */
  droppedFrames: number;
  /** Main-thread tasks over 50 ms during the drag (long-task observer). */
  longTasks: number;
  /** The frame interval the browser ran at while idle, in ms (≈ 16.7 at 60 Hz). */
  framePeriod: number;
}

/**
 * Plain JavaScript source (tsx would wrap named functions with a helper that does not exist in the page).
 * Each move waits for a frame, sets the slider's value and dispatches `input` inside that frame's
 * requestAnimationFrame callback, then posts a message that arrives once the frame has been rendered; the move's
 * time runs from the frame's start (the rAF timestamp, so the app's own rAF work counts) to that message. Work the
 * app defers past the frame is not in the move's time but delays the next frame: it shows as dropped frames and,
 * when a task runs over 50 ms, as a long task. `testId: null` measures a bare range input added to the page with
 * no handler: the floor of the measurement.
 */
export const SLIDER_DRAG_JS = `async ({ testId, values }) => {
  let el;
  if (testId) el = document.querySelector('[data-testid="' + testId + '"]');
  else {
    el = document.createElement('input');
    el.type = 'range'; el.min = '0'; el.max = '1000'; el.setAttribute('aria-label', 'bench control');
    document.body.appendChild(el);
  }
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const raf = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const painted = () => new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    ch.port2.postMessage(0);
  });
  // The idle frame period: the median of 20 frame intervals before the drag.
  const idle = [];
  let last = await raf();
  for (let i = 0; i < 20; i++) { const t = await raf(); idle.push(t - last); last = t; }
  idle.sort((a, b) => a - b);
  const framePeriod = idle[10];
  let longTasks = 0;
  const obs = new PerformanceObserver((list) => { longTasks += list.getEntries().filter((e) => e.duration > 50).length; });
  obs.observe({ type: 'longtask', buffered: false });
  const times = [];
  let dropped = 0;
  let prev = null;
  for (let i = 0; i < values.length; i++) {
    const frameStart = await raf();
    setValue.call(el, String(values[i]));
    el.dispatchEvent(new Event('input', { bubbles: true }));
    const done = await painted();
    if (i >= 5) { // the first moves warm up caches and the JIT
      times.push(done - frameStart);
      if (prev !== null) dropped += Math.max(0, Math.round((frameStart - prev) / framePeriod) - 1);
    }
    prev = frameStart;
  }
  // Work deferred past the last frame still counts: wait for one more frame.
  const end = await raf();
  dropped += Math.max(0, Math.round((end - prev) / framePeriod) - 1);
  obs.disconnect();
  if (!testId) el.remove();
  return { times, droppedFrames: dropped, longTasks, framePeriod };
}`;

export async function sliderDrag(page: Page, testId: string | null, values: number[]): Promise<DragResult> {
  return page.evaluate(`(${SLIDER_DRAG_JS})(${JSON.stringify({ testId, values })})`) as Promise<DragResult>;
}

/** Values going back and forth between min and max, one step at a time (moves + 5 warm-up values). */
export function sweep(min: number, max: number, moves: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < moves + 5; i++) {
    const phase = i % (2 * (max - min));
    out.push(phase <= max - min ? min + phase : max - (phase - (max - min)));
  }
  return out;
}

/**
 * Resolves once the page's DOM has not changed for 2 s (at most 30 s): worker results and start-up work (tfjs
 * loading when idle) landing mid-drag would be counted as the slider's cost.
 */
export const QUIET_JS = `new Promise((resolve) => {
  const start = performance.now();
  let last = start;
  const obs = new MutationObserver(() => { last = performance.now(); });
  obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  const id = setInterval(() => {
    const now = performance.now();
    if (now - last > 2000 || now - start > 30000) { clearInterval(id); obs.disconnect(); resolve(); }
  }, 100);
})`;

export async function waitQuiet(page: Page): Promise<void> {
  await page.evaluate(QUIET_JS);
}

/**
 * A model's load as its reader sees it: clicks the button `load` from inside the page and resolves with the ms from
 * the click's sending to the first moment `done` is in the document (checked every 5 ms); rejects with the page's
 * message if `error` shows, or after 120 s. The time includes the wait for the page's main thread to run the click,
 * as a reader's click waits for the task in progress. Clicked in the page, not by the driver: a driver's click
 * first waits for the button to hold still and receive events while the other panels mount (1.6–1.8 s of a cold
 * start, measured), a wait that is the driver's, not the app's.
 */
export async function timeLoadClick(page: Page, ids: { load: string; done: string; error: string }): Promise<number> {
  return (await page.evaluate(
    ({ load, done, error, sentAt }) =>
      new Promise<number>((resolve, reject) => {
        // Both clocks are this machine's wall clock; the page's monotonic one times the rest.
        const t0 = performance.now() - Math.max(0, Date.now() - sentAt);
        (document.querySelector(`[data-testid="${load}"]`) as HTMLElement).click();
        const id = setInterval(() => {
          const failed = document.querySelector(`[data-testid="${error}"]`);
          if (document.querySelector(done)) resolve(performance.now() - t0);
          else if (failed) reject(new Error(failed.textContent ?? 'load failed'));
          else if (performance.now() - t0 > 120_000) reject(new Error(`${load}: nothing shown in 120 s`));
          else return;
          clearInterval(id);
        }, 5);
      }),
    { ...ids, sentAt: Date.now() },
  )) as number;
}

/**
 * The first panel is interactive: the Depth panel's PSNR chart is drawn with its step marker and the credit line
 * names the image. Checked in the page at every frame; resolves with the page's clock (ms since navigation start)
 * at the first frame where both hold.
 */
export async function waitReady(page: Page): Promise<number> {
  const ready = await page.waitForFunction(
    `(() => {
      const credit = document.querySelector('[data-testid="credit"]');
      const ok = document.querySelector('[data-testid="figure-depth-psnr"] svg .highlight') && credit && !credit.textContent.startsWith('Loading');
      return ok ? performance.now() : false;
    })()`,
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await ready.jsonValue()) as number;
}

/** Initial load: navigation start → the Depth panel's charts drawn (first panel interactive), on `n` fresh pages. */
export async function initialLoadCase(context: BrowserContext, url: string, n: number): Promise<BenchCase> {
  const loads: number[] = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(url);
    loads.push(await waitReady(page));
    await page.close();
  }
  return { name: 'initial load to first interactive panel', backend: '-', size: 128, n: loads.length, p50: quantile(loads, 0.5), p95: quantile(loads, 0.95), unit: 'ms' };
}
