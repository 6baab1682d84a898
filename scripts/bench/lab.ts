// The Equivalence lab in the app: the noise-level view's matrices for the digit denoiser at its defaults (K = 8
// noise levels, 4 batches of 64 training digits), on wasm. Each run opens the app on a fresh page with the lab's
// link, picks wasm in the header (before any model loads) and times, in the page, the click on "Compute the
// noise-level matrices" → the final matrix (the readout names the time per batch; a sharpening matrix has its
// cells earlier): what a user waits for, loading the denoiser in the model worker included. The worker's own time
// for the gradients (the readout's "in … s") is logged beside it.
import type { BrowserContext } from 'playwright-core';
import type { BenchCase } from './run';
import { waitReady } from './sliders';
import { chooseBackend } from './training';

const K = 8;
const BATCH = 64;
const BATCHES = 4;
const NAME = `equivalence lab: noise-level matrices in the app (K ${K}, ${BATCHES} batches of ${BATCH})`;

/** The q-quantile with linear interpolation between order statistics, as run.ts reports p50 and p95 (run.ts runs the bench when imported). */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
}

/**
 * Plain JavaScript (tsx would wrap named functions with a helper the page lacks). Clicks "Compute the noise-level
 * matrices" and resolves with the ms until the final matrix has all its cells; rejects with the view's error or
 * after `capMs`.
 */
const COMPUTE_JS = `({ cells, capMs }) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  document.querySelector('[data-testid="lab-noise-compute"]').click();
  const id = setInterval(() => {
    const error = document.querySelector('[data-testid="lab-noise-error"]');
    const done = (document.querySelector('[data-testid="lab-noise-measured"]')?.textContent || '').includes('per batch');
    if (done && document.querySelectorAll('[data-testid="figure-lab-noise-cross"] g.cell').length === cells) { clearInterval(id); resolve(performance.now() - t0); }
    else if (error) { clearInterval(id); reject(new Error(error.textContent)); }
    else if (performance.now() - t0 > capMs) { clearInterval(id); reject(new Error('no matrix within ' + capMs / 1000 + ' s')); }
  }, 5);
})`;

/** Click → matrix shown, 3 runs (1 with `quick`), each on a fresh page of `context` served from `url`. */
export async function labCases(context: BrowserContext, url: string, quick: boolean): Promise<BenchCase[]> {
  const times: number[] = [];
  let backend = 'wasm';
  for (let i = 0; i < (quick ? 1 : 3); i++) {
    const page = await context.newPage();
    try {
      await page.goto(`${url}#v=1&eqk=${K}&eqbatch=${BATCH}&eqbatches=${BATCHES}&eqseed=1`);
      await waitReady(page);
      const chosen = await chooseBackend(page, 'wasm');
      await page.waitForSelector('[data-testid="lab-noise-compute"]', { timeout: 60_000 });
      const ms = (await page.evaluate(`(${COMPUTE_JS})(${JSON.stringify({ cells: K * K, capMs: 180_000 })})`)) as number;
      const measured = (await page.textContent('[data-testid="lab-noise-measured"]')) ?? '';
      backend = / on ([a-z0-9-]+)\./.exec(measured)?.[1] ?? chosen.active;
      times.push(ms);
      console.log(`[bench] lab: click → ${K}×${K} matrix ${ms.toFixed(0)} ms on ${backend} (worker: ${/in ([\d.]+ m?s) \(/.exec(measured)?.[1] ?? '—'} for the gradients)`);
    } finally {
      await page.close();
    }
  }
  return [{ name: NAME, backend, size: null, n: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), unit: 'ms' }];
}
