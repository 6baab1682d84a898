// Slider storms for the load test and the soak bench: every range input on the page, a burst of input events on
// one of them, a fingerprint of what its panel shows, and the page's JavaScript heap. The in-page parts are plain
// JavaScript strings so that the bench (run by tsx, which wraps named functions in a helper the page lacks) can
// use them too.
import type { Page } from 'playwright-core';
import { mulberry32 } from '../../src/core/random';

/**
 * A range input on the page: its name (the test id of the panel holding it and its label without the value the label
 * shows), which finds it again after a re-render, its accessible label, its bounds and value.
 */
export interface RangeSlider {
  name: string;
  label: string;
  min: number;
  max: number;
  value: number;
}

/** In-page definitions: `panelOf(el)`, `nameOf(el)` and `find(name)` (the visible range input of that name, or undefined). */
const FIND = `const panelOf = (el) => el.closest('[data-testid^="panel-"]') || document.body;
  const nameOf = (el) => (panelOf(el).getAttribute('data-testid') || 'page') + ': '
    + (el.labels && el.labels[0] && el.labels[0].firstChild ? el.labels[0].firstChild.textContent : el.getAttribute('aria-label') || '').trim();
  const visible = (el) => el.offsetParent !== null && !el.disabled;
  const find = (name) => [...document.querySelectorAll('input[type="range"]')].find((el) => visible(el) && nameOf(el) === name);`;

const SLIDERS_JS = `(() => { ${FIND}
  return [...document.querySelectorAll('input[type="range"]')].filter(visible).map((el) => ({
    name: nameOf(el),
    label: (el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim(),
    min: Number(el.min), max: Number(el.max), value: Number(el.value),
  }));
})()`;

export async function rangeSliders(page: Page): Promise<RangeSlider[]> {
  return (await page.evaluate(SLIDERS_JS)) as RangeSlider[];
}

/**
 * Sends `values.length` input events to the range input `name`, each in a task of its own (as the browser delivers
 * input), spread evenly over `ms` milliseconds (back to back once behind), and resolves with how long it took. While
 * the slider is not on the page (its view re-rendered without it), the next event waits for it, at most 60 s.
 */
const STORM_JS = `async ({ name, values, ms }) => { ${FIND}
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const channel = new MessageChannel();
  const nextTask = () => new Promise((resolve) => { channel.port1.onmessage = resolve; channel.port2.postMessage(0); });
  const start = performance.now();
  let el = find(name);
  for (let sent = 0; sent < values.length; sent++) {
    while (performance.now() - start < (ms * sent) / values.length) await nextTask();
    await nextTask();
    const waitFrom = performance.now();
    if (!el || !el.isConnected) el = find(name);
    while (!el) {
      if (performance.now() - waitFrom > 60000) throw new Error('the slider ' + name + ' left the page for over 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
      el = find(name);
    }
    setValue.call(el, String(values[sent]));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
  channel.port1.close();
  return performance.now() - start;
}`;

export async function storm(page: Page, name: string, values: number[], ms: number): Promise<number> {
  return (await page.evaluate(`(${STORM_JS})(${JSON.stringify({ name, values, ms })})`)) as number;
}

/**
 * What the panel holding the range input `name` shows, as one string: the link, the slider's value, the panel's
 * text and a checksum of every canvas in it; and whether a job is in progress there (a progress bar).
 */
const PRINT_JS = `(name) => { ${FIND}
  const id = name.slice(0, name.indexOf(': '));
  const panel = document.querySelector('[data-testid="' + id + '"]') || document.body;
  const el = find(name);
  let sum = 0;
  for (const c of panel.querySelectorAll('canvas')) {
    const url = c.width > 0 && c.height > 0 ? c.toDataURL() : '';
    for (let i = 0; i < url.length; i++) sum = (Math.imul(sum, 31) + url.charCodeAt(i)) | 0;
  }
  return { print: location.hash + '\\n' + (el ? el.value : 'not shown') + '\\n' + panel.innerText + '\\ncanvases ' + sum, busy: Boolean(panel.querySelector('progress')) };
}`;

async function printOf(page: Page, name: string): Promise<{ print: string; busy: boolean }> {
  return (await page.evaluate(`(${PRINT_JS})(${JSON.stringify(name)})`)) as { print: string; busy: boolean };
}

export async function viewPrint(page: Page, name: string): Promise<string> {
  return (await printOf(page, name)).print;
}

/** The view once it has stopped changing: no job in progress and two prints `gap` ms apart agree (at most `timeout` ms). */
export async function settledPrint(page: Page, name: string, gap = 800, timeout = 120_000): Promise<string> {
  const end = Date.now() + timeout;
  let last = await printOf(page, name);
  while (Date.now() < end) {
    await page.waitForTimeout(gap);
    const now = await printOf(page, name);
    if (now.print === last.print && !now.busy) return now.print;
    last = now;
  }
  throw new Error(`the view of the slider ${name} did not settle within ${timeout / 1000} s`);
}

/** Moves the range input `name` to `value` with one input event. */
export async function setSlider(page: Page, name: string, value: number): Promise<void> {
  await storm(page, name, [value], 1);
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
