// Slider storms for the load test and the soak bench: every range input on the page, a burst of input events on
// one of them, a fingerprint of what its panel shows, and the page's JavaScript heap. The in-page parts are plain
// JavaScript strings so that the bench (run by tsx, which wraps named functions in a helper the page lacks) can
// use them too.
import type { Page } from 'playwright-core';
import { mulberry32 } from '../../src/core/random';

/** A range input on the page: its position among them, its accessible label, its bounds and value. */
export interface RangeSlider {
  index: number;
  label: string;
  min: number;
  max: number;
  value: number;
}

const SLIDERS_JS = `[...document.querySelectorAll('input[type="range"]')].map((el, index) => ({
  index,
  label: (el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim(),
  min: Number(el.min), max: Number(el.max), value: Number(el.value),
  visible: el.offsetParent !== null && !el.disabled,
})).filter((s) => s.visible)`;

export async function rangeSliders(page: Page): Promise<RangeSlider[]> {
  return ((await page.evaluate(SLIDERS_JS)) as (RangeSlider & { visible: boolean })[]).map(({ visible: _, ...s }) => s);
}

/**
 * Sends `values.length` input events to the `index`-th range input, each in a task of its own (as the browser
 * delivers input), spread evenly over `ms` milliseconds (back to back once behind), and resolves with how long it took.
 */
const STORM_JS = `async ({ index, values, ms }) => {
  const el = document.querySelectorAll('input[type="range"]')[index];
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const channel = new MessageChannel();
  const nextTask = () => new Promise((resolve) => { channel.port1.onmessage = resolve; channel.port2.postMessage(0); });
  const start = performance.now();
  for (let sent = 0; sent < values.length; sent++) {
    while (performance.now() - start < (ms * sent) / values.length) await nextTask();
    await nextTask();
    setValue.call(el, String(values[sent]));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
  channel.port1.close();
  return performance.now() - start;
}`;

export async function storm(page: Page, index: number, values: number[], ms: number): Promise<number> {
  return (await page.evaluate(`(${STORM_JS})(${JSON.stringify({ index, values, ms })})`)) as number;
}

/**
 * What the panel holding the `index`-th range input shows, as one string: the link, the panel's text and a
 * checksum of every canvas in it.
 */
const PRINT_JS = `(index) => {
  const el = document.querySelectorAll('input[type="range"]')[index];
  const panel = el.closest('[data-testid^="panel-"]') || document.body;
  let sum = 0;
  for (const c of panel.querySelectorAll('canvas')) {
    const url = c.width > 0 && c.height > 0 ? c.toDataURL() : '';
    for (let i = 0; i < url.length; i++) sum = (Math.imul(sum, 31) + url.charCodeAt(i)) | 0;
  }
  return location.hash + '\\n' + el.value + '\\n' + panel.innerText + '\\ncanvases ' + sum;
}`;

export async function viewPrint(page: Page, index: number): Promise<string> {
  return (await page.evaluate(`(${PRINT_JS})(${index})`)) as string;
}

/** The view once it has stopped changing: two prints `gap` ms apart agree (at most `timeout` ms). */
export async function settledPrint(page: Page, index: number, gap = 800, timeout = 60_000): Promise<string> {
  const end = Date.now() + timeout;
  let last = await viewPrint(page, index);
  while (Date.now() < end) {
    await page.waitForTimeout(gap);
    const now = await viewPrint(page, index);
    if (now === last) return now;
    last = now;
  }
  throw new Error(`the view of slider ${index} did not settle within ${timeout / 1000} s`);
}

/** Moves the `index`-th range input to `value` with one input event. */
export async function setSlider(page: Page, index: number, value: number): Promise<void> {
  await storm(page, index, [value], 1);
}

/**
 * The page's JavaScript heap in MB after a full garbage collection (Chromium started with --js-flags=--expose-gc,
 * `performance.memory` with precise numbers: --enable-precise-memory-info).
 */
export async function heapMB(page: Page): Promise<number> {
  return (await page.evaluate(`(async () => {
    for (let i = 0; i < 3; i++) { gc(); await new Promise((r) => setTimeout(r, 50)); }
    return performance.memory.usedJSHeapSize / 2 ** 20;
  })()`)) as number;
}

/** Chromium flags `heapMB` needs. */
export const HEAP_ARGS = ['--js-flags=--expose-gc', '--enable-precise-memory-info'];

/** `n` values in [min, max] from a seeded random walk, ending on `last`. */
export function walk(min: number, max: number, n: number, seed: number, last: number): number[] {
  const rand = mulberry32(seed);
  const out: number[] = [];
  let v = min + Math.floor(rand() * (max - min + 1));
  for (let i = 0; i < n - 1; i++) {
    v = Math.min(max, Math.max(min, v + Math.round((rand() - 0.5) * Math.max(2, (max - min) / 8))));
    out.push(v);
  }
  out.push(last);
  return out;
}
