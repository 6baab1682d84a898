// The Equivalence lab in the app, on wasm, every view at its defaults: the gradient matrices (noise levels of the
// digit denoiser, K 8, 4 batches of 64; step groups of the raster transformer, K 7, 2 batches of 64; depths of the
// summed-d8 RQ auto-encoder, K 8, 4 batches of 64) and the transfer matrix (K + 1 rows of 10 steps). Each run opens
// the app on a fresh page, picks wasm in the header (before any model loads) and times, in the page, the click on
// the view's button → the final matrix with all its cells: what a user waits for, loading the model in the worker
// included. The worker's own time (the readout's "in … s") is logged beside it.
import type { BrowserContext } from 'playwright-core';
import type { BenchCase } from './run';
import { waitReady } from './sliders';
import { chooseBackend } from './training';

/** Each view's default K and batches (src/state/labSlice.ts), and how its cases are named. */
const VIEWS = [
  { view: 'noise', k: 8, batches: 4, what: 'noise-level matrices (digit denoiser' },
  { view: 'patch', k: 7, batches: 2, what: 'patch-step matrices (raster transformer' },
  { view: 'depth', k: 8, batches: 4, what: 'depth matrices (RQ auto-encoder summed-d8' },
] as const;
const BATCH = 64;
const TRANSFER_STEPS = 10;

/** The q-quantile with linear interpolation between order statistics, as run.ts reports p50 and p95 (run.ts runs the bench when imported). */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
}

/**
 * Plain JavaScript (tsx would wrap named functions with a helper the page lacks). Clicks the view's button and
 * resolves with the ms until `figure` has all its cells and the readout `measured` says the run is done; rejects
 * with the view's error or after `capMs`.
 */
const COMPUTE_JS = `({ button, measured, done, figure, error, cells, capMs }) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  document.querySelector('[data-testid="' + button + '"]').click();
  const id = setInterval(() => {
    const failed = document.querySelector('[data-testid="' + error + '"]');
    const finished = (document.querySelector('[data-testid="' + measured + '"]')?.textContent || '').includes(done);
    if (finished && document.querySelectorAll('[data-testid="' + figure + '"] g.cell').length === cells) { clearInterval(id); resolve(performance.now() - t0); }
    else if (failed) { clearInterval(id); reject(new Error(failed.textContent)); }
    else if (performance.now() - t0 > capMs) { clearInterval(id); reject(new Error('no matrix within ' + capMs / 1000 + ' s')); }
  }, 5);
})`;

/** Click → matrix shown, for each view's gradients and transfer, 3 runs each (1 with `quick`), each on a fresh page of `context`. */
export async function labCases(context: BrowserContext, url: string, quick: boolean): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  for (const v of VIEWS) {
    for (const measure of ['gradients', 'transfer'] as const) {
      const times: number[] = [];
      let backend = 'wasm';
      const id = `lab-${v.view}`;
      const gradients = measure === 'gradients';
      const probe = {
        button: gradients ? `${id}-compute` : `${id}-transfer`,
        measured: gradients ? `${id}-measured` : `${id}-transfer-measured`,
        done: gradients ? 'per batch' : 'rows of',
        figure: gradients ? `figure-${id}-cross` : `figure-${id}-transfer`,
        error: `${id}-error`,
        cells: gradients ? v.k * v.k : (v.k + 1) * v.k,
        capMs: 240_000,
      };
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const page = await context.newPage();
        try {
          await page.goto(`${url}#v=1`);
          await waitReady(page);
          const chosen = await chooseBackend(page, 'wasm');
          await page.waitForSelector(`[data-testid="${probe.button}"]`, { timeout: 60_000 });
          const ms = (await page.evaluate(`(${COMPUTE_JS})(${JSON.stringify(probe)})`)) as number;
          const measured = (await page.textContent(`[data-testid="${probe.measured}"]`)) ?? '';
          backend = / on ([a-z0-9-]+)[.;]/.exec(measured)?.[1] ?? chosen.active;
          times.push(ms);
          console.log(`[bench] lab ${v.view} ${measure}: click → matrix ${ms.toFixed(0)} ms on ${backend} (worker: ${/in ([\d.]+ m?s)/.exec(measured)?.[1] ?? '—'})`);
        } finally {
          await page.close();
        }
      }
      const name = gradients
        ? `equivalence lab: ${v.what}, K ${v.k}, ${v.batches} batches of ${BATCH}) in the app`
        : `equivalence lab: transfer, ${v.what}, ${v.k + 1} rows × ${TRANSFER_STEPS} steps) in the app`;
      cases.push({ name, backend, size: null, n: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), unit: 'ms' });
    }
  }
  return cases;
}
