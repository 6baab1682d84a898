// The Equivalence lab in the app, on wasm, every view at its defaults (src/state/labSlice.ts: noise levels of the
// digit denoiser, step groups of the raster transformer, depths of the summed-d8 RQ auto-encoder): the gradient
// matrices and the transfer matrix (K + 1 rows). Each run opens the app on a fresh page, picks wasm in the header
// (before any model loads) and times, in the page, the click on the view's button → the final matrix with all its
// cells: what a user waits for, loading the model in the worker included. For the gradients it also times the
// click → the first coarse matrix (after the first batch). The worker's own time (the readout's "in … s", model
// load excluded) is a case of its own.
import type { BrowserContext } from 'playwright-core';
import { labDefaults, labViewSettings } from '../../src/state/labSlice';
import type { BenchCase } from './run';
import { waitReady } from './sliders';
import { chooseBackend } from './training';

/** Each view's defaults (src/state/labSlice.ts), and how its cases are named. */
const VIEWS = ([
  { view: 'noise', what: 'noise-level matrices (digit denoiser' },
  { view: 'patch', what: 'patch-step matrices (raster transformer' },
  { view: 'depth', what: 'depth matrices (RQ auto-encoder summed-d8' },
] as const).map((v) => ({ ...v, ...labViewSettings(labDefaults, v.view) }));

/** The q-quantile with linear interpolation between order statistics, as run.ts reports p50 and p95 (run.ts runs the bench when imported). */
export function quantile(values: number[], q: number): number {
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
  let first = null;
  document.querySelector('[data-testid="' + button + '"]').click();
  const id = setInterval(() => {
    const failed = document.querySelector('[data-testid="' + error + '"]');
    const text = document.querySelector('[data-testid="' + measured + '"]')?.textContent || '';
    const drawn = document.querySelectorAll('[data-testid="' + figure + '"] g.cell').length === cells;
    if (first === null && drawn && (text.includes('Accumulating') || text.includes(done))) first = performance.now() - t0;
    if (text.includes(done) && drawn) { clearInterval(id); resolve({ total: performance.now() - t0, first }); }
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
      const firsts: number[] = [];
      const workers: number[] = [];
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
          const { total: ms, first } = (await page.evaluate(`(${COMPUTE_JS})(${JSON.stringify(probe)})`)) as { total: number; first: number | null };
          const measured = (await page.textContent(`[data-testid="${probe.measured}"]`)) ?? '';
          backend = / on ([a-z0-9-]+)[.;]/.exec(measured)?.[1] ?? chosen.active;
          times.push(ms);
          if (first !== null) firsts.push(first);
          const worker = /in ([\d.]+) (m?s)/.exec(measured);
          if (worker) workers.push(Number(worker[1]) * (worker[2] === 's' ? 1000 : 1));
          console.log(`[bench] lab ${v.view} ${measure}: click → matrix ${ms.toFixed(0)} ms on ${backend} (first matrix: ${first?.toFixed(0) ?? '—'} ms; worker: ${worker?.[0] ?? '—'})`);
        } finally {
          await page.close();
        }
      }
      const name = gradients
        ? `equivalence lab: ${v.what}, K ${v.k}, ${v.batches} batches of ${v.batch}) in the app`
        : `equivalence lab: transfer, ${v.what}, ${v.k + 1} rows × ${v.steps} steps of ${v.transferBatch}) in the app`;
      const row = (what: string, values: number[]) => ({ name: `${name}: ${what}`, backend, size: null, n: values.length, p50: quantile(values, 0.5), p95: quantile(values, 0.95), unit: 'ms' });
      cases.push({ ...row('', times), name });
      if (gradients) cases.push(row('click → first coarse matrix', firsts));
      cases.push(row('worker time, model load excluded', workers));
    }
  }
  return cases;
}
