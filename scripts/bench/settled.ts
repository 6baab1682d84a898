// "View settled" cases: a key press on a structural control (patch size, working size, the Depth panel's RQ/VQ
// patch size, K and depth D, the lab's K) → the last drawing it causes, worker results included: every DOM
// change and canvas draw anywhere in the page, timed to the frame after the last of them, once the page has been
// quiet for QUIET_MS. The control is a bare range input with no handler (the floor: one frame).
import type { BrowserContext, Page } from 'playwright-core';
import type { BenchCase } from './run';
import { quantile } from './stats';
import { waitQuiet, waitReady } from './sliders';

/** Quiet this long after the last drawing (ms): longer than any gap between a request and its progress. */
const QUIET_MS = 1500;

/**
 * Plain JavaScript (see sliders.ts). Installs the watch before the key press: the key's keydown starts the clock;
 * every mutation and every canvas draw (putImageData, drawImage, fillRect; patched once per page) marks the
 * page busy and asks for the next frame, whose time is the latest drawing.
 */
const INSTALL_JS = `({ testId }) => {
  const w = window;
  if (!w.__benchDraw) {
    w.__benchDraw = { mark: null };
    const P = CanvasRenderingContext2D.prototype;
    for (const name of ['putImageData', 'drawImage', 'fillRect']) {
      const orig = P[name];
      // Cheap per call (a label of thousands of glyphs is thousands of calls): the canvas is named only at the end.
      P[name] = function (...args) { if (w.__benchDraw.mark) w.__benchDraw.mark(this.canvas); return orig.apply(this, args); };
    }
  }
  let el;
  if (testId) el = document.querySelector('[data-testid="' + testId + '"]');
  else {
    el = document.getElementById('bench-bare-range');
    if (!el) {
      el = document.createElement('input');
      el.type = 'range'; el.min = '0'; el.max = '1000'; el.id = 'bench-bare-range'; el.setAttribute('aria-label', 'bench control');
      document.body.appendChild(el);
    }
  }
  if (!el) throw new Error('no control ' + testId);
  el.focus();
  const s = { t0: null, painted: null, last: performance.now() };
  w.__benchSettle = s;
  // What drew last: the nearest element with a test id (or id) above the last change, or the canvas drawn.
  const name = (node) => {
    for (let e = node && node.nodeType === 1 ? node : node && node.parentElement; e; e = e.parentElement) {
      const id = e.getAttribute('data-testid') || e.id;
      if (id) return id;
    }
    return '?';
  };
  // One frame callback per frame, however many drawings it holds: the clock at the frame's callbacks, not the
  // frame's own timestamp (Chrome dispatches input at the start of a frame, so that timestamp can precede the key
  // press it follows). A drawing inside a frame callback asks for the next frame.
  let framePending = false;
  const mark = (what) => {
    s.last = performance.now();
    s.what = what;
    if (framePending) return;
    framePending = true;
    requestAnimationFrame(() => { framePending = false; const t = performance.now(); if (s.t0 !== null && (s.painted === null || t > s.painted)) s.painted = t; });
  };
  w.__benchDraw.mark = mark;
  s.obs = new MutationObserver((records) => mark(name(records[records.length - 1].target)));
  s.obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  // The press itself is drawn (the thumb moves, with no DOM change): its frame is the earliest possible end.
  el.addEventListener('keydown', () => { s.t0 = performance.now(); mark('the control'); }, { once: true, capture: true });
}`;

const SETTLED_JS = `({ quiet }) => new Promise((resolve, reject) => {
  const s = window.__benchSettle;
  const start = performance.now();
  const id = setInterval(() => {
    const now = performance.now();
    if (s.t0 !== null && now - s.last > quiet) {
      clearInterval(id); s.obs.disconnect(); window.__benchDraw.mark = null;
      const what = typeof s.what === 'string' ? s.what : 'canvas ' + (s.what.getAttribute('data-testid') || '?');
      resolve({ ms: s.painted === null ? 0 : s.painted - s.t0, what });
    } else if (now - start > 60000) { clearInterval(id); s.obs.disconnect(); reject(new Error('the view did not settle in 60 s')); }
  }, 50);
})`;

/** One key press on the control → the page's last drawing (ms) and what it was (a test id). */
export async function settleOnce(page: Page, testId: string | null, key: string): Promise<{ ms: number; what: string }> {
  // A panel may be briefly replaced while a chunk loads (its Suspense fallback): wait for the control.
  if (testId) await page.waitForSelector(`[data-testid="${testId}"]`, { timeout: 30_000 });
  await page.evaluate(`(${INSTALL_JS})(${JSON.stringify({ testId })})`);
  await page.keyboard.press(key);
  return (await page.evaluate(`(${SETTLED_JS})(${JSON.stringify({ quiet: QUIET_MS })})`)) as { ms: number; what: string };
}

/** Presses alternate between `keys` (e.g. right then left), so the control steps back and forth. */
async function settleCase(page: Page, name: string, testId: string | null, keys: string[], n: number, size: number, out: BenchCase[], only?: string): Promise<void> {
  if (only && testId && !name.includes(only)) return;
  const times: number[] = [];
  const last: string[] = [];
  try {
    for (let i = 0; i < n + 1; i++) {
      const t = await settleOnce(page, testId, keys[i % keys.length]);
      if (i > 0) { // the first press warms up caches and the JIT
        times.push(t.ms);
        last.push(t.what);
      }
    }
  } catch (e) {
    // One case failing (a control missing from this build) leaves the others measured; the case reports n = 0.
    process.stderr.write(`view settled: ${name} at ${size}² failed: ${(e as Error).message.split('\n')[0]}\n`);
    times.length = 0;
  }
  process.stderr.write(`view settled: ${name} at ${size}²: ${times.map((t, i) => `${t.toFixed(0)} ms (${last[i]})`).join(', ')}\n`);
  out.push({ name: `view settled: ${name} (key press → last drawing)`, backend: '-', size, n: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), unit: 'ms' });
}

export interface SettledOptions {
  sizes?: number[];
  n?: number;
  /** Only the cases whose name contains this (the bare control always runs). */
  only?: string;
}

/** Every "view settled" case at each size, on one page per size (fresh, then quiet). */
export async function settledCases(context: BrowserContext, url: string, quick: boolean, options: SettledOptions = {}): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  const n = options.n ?? (quick ? 4 : 10);
  // The Depth panel's first-panel marker (its PSNR chart) is drawn once the view's fit is done: RQ/VQ pages wait
  // for their K slider, then for the page to be quiet.
  const open = async (hash: string, ready?: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${url}#v=1&img=astronaut&${hash}`);
    if (ready) await page.waitForSelector(ready, { timeout: 120_000 });
    else await waitReady(page);
    await page.waitForTimeout(1000);
    await waitQuiet(page);
    return page;
  };
  for (const size of options.sizes ?? [128, 512]) {
    let page = await open(`size=${size}&patch=8&step=0`);
    await settleCase(page, 'control: bare range input', null, ['ArrowRight', 'ArrowLeft'], n, size, out, options.only);
    // Patch size 8 ↔ 16 px.
    await settleCase(page, 'patch: patch-size slider', 'patch-size-slider', ['ArrowRight', 'ArrowLeft'], n, size, out, options.only);
    // Working size: the size select steps to the next size and back (the arrow keys of a closed select).
    const down = size === 512 ? 'ArrowUp' : 'ArrowDown';
    const up = size === 512 ? 'ArrowDown' : 'ArrowUp';
    const other = size === 512 ? 256 : size * 2;
    await settleCase(page, `working size: ${size}² ↔ ${other}²`, 'size-select', [down, up], n, size, out, options.only);
    await page.close();
    // The case above measures going back and forth between two sizes the page has made before (its first press
    // warms up). A reader's first change of size makes the new working image, its noise and every analysis for
    // the first time, with code not yet optimised: one press on each of five fresh pages (two with --quick).
    const first = `working size: ${size}² → ${other}², first change on a fresh page`;
    if (!options.only || first.includes(options.only)) {
      const times: number[] = [];
      for (let i = 0; i < (quick ? 2 : 5); i++) {
        const fresh = await open(`size=${size}&patch=8&step=0`);
        times.push((await settleOnce(fresh, 'size-select', down)).ms);
        await fresh.close();
      }
      process.stderr.write(`view settled: ${first}: ${times.map((t) => `${t.toFixed(0)} ms`).join(', ')}\n`);
      out.push({ name: `view settled: ${first} (key press → last drawing)`, backend: '-', size, n: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), unit: 'ms' });
    }
    // The Depth panel's residual quantization at its defaults (4×4 patches, K 64, D 4) and plain VQ.
    for (const view of ['rq', 'vq'] as const) {
      const v = view.toUpperCase();
      if (options.only && ![`${v}: patch-size slider`, `${v}: K slider`, `${v}: depth slider`].some((c) => c.includes(options.only!))) continue;
      page = await open(`size=${size}&dview=${view}`, '[data-testid="depth-k-slider"]');
      await settleCase(page, `${view.toUpperCase()}: patch-size slider (4 ↔ 8 px)`, 'depth-patch-slider', ['ArrowRight', 'ArrowLeft'], n, size, out, options.only);
      await settleCase(page, `${view.toUpperCase()}: K slider (64 ↔ 128)`, 'depth-k-slider', ['ArrowRight', 'ArrowLeft'], n, size, out, options.only);
      await settleCase(page, `${view.toUpperCase()}: depth slider (4 ↔ 5)`, 'depth-depth-slider', ['ArrowRight', 'ArrowLeft'], n, size, out, options.only);
      await page.close();
    }
    // The lab's K (noise levels, before any measurement).
    if (options.only && !'lab: noise levels K'.includes(options.only)) continue;
    page = await open(`size=${size}`);
    const labK = await page.$('[data-testid="lab-noise-k"]');
    if (labK) await settleCase(page, 'lab: noise levels K', 'lab-noise-k', ['ArrowRight', 'ArrowLeft'], n, size, out, options.only);
    await page.close();
  }
  return out;
}
