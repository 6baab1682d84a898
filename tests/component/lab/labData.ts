// Lab results for the component tests: a Gram matrix built from toy gradients (so every statistic is exact), and
// gradients and transfer answers of the shape the model worker sends.
import type { LabDecomposition, LabGradientsResult, LabTransferResult } from '../../../src/protocol';

const P = 24;

/** A seeded generator (the tests need no more than stable numbers). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** The Gram matrix of [A_0…A_{K−1}, B_0…B_{K−1}, C_0…C_{K−1}]: sub-tasks with own directions (strength `own`), noise 1 per half. */
export function toyGram(k: number, own: number, seed: number): Float64Array {
  const r = rng(seed);
  const vec = () => Float64Array.from({ length: P }, r);
  const common = vec();
  const dirs = Array.from({ length: k }, vec);
  const half = (d: Float64Array) => d.map((v) => own * v + r());
  const vs = [...dirs.map(half), ...dirs.map(half), ...dirs.map(() => common.map((v) => own * v + r()))];
  const m = 3 * k;
  const g = new Float64Array(m * m);
  for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) g[p * m + q] = vs[p].reduce((s, v, i) => s + v * vs[q][i], 0);
  return g;
}

const NAMES: Record<LabDecomposition, (k: number) => string[]> = {
  // As the worker writes them: a hyphen-minus (the page shows a true minus).
  noise: (k) => Array.from({ length: k }, (_, i) => `λ ${(-10 + ((i + 0.5) * 20) / k).toFixed(2)}`),
  patch: (k) => Array.from({ length: k }, (_, i) => `steps ${7 * i + 1}–${7 * i + 7}`),
  depth: (k) => Array.from({ length: k }, (_, i) => `depth ${i + 1}`),
};

export function gradients(view: LabDecomposition, k: number, over: Partial<LabGradientsResult> = {}): LabGradientsResult {
  return {
    decomposition: view, label: view === 'noise' ? 'digit denoiser (eps)' : view === 'patch' ? 'raster patch transformer (digits)' : 'RQ auto-encoder summed-d4 (digits)',
    source: 'shipped', stepsTrainedHere: 0, paramCount: 1000, subtasks: NAMES[view](k),
    measure: 'gradients', k, batch: 64, batches: 8, seed: 1, gram: toyGram(k, 1, 3),
    weightings: view === 'depth'
      ? [{ id: 'summed', label: '(b) summed over depths', weights: Array(k).fill(1) }, { id: 'full', label: '(a) full depth only', weights: Array.from({ length: k }, (_, i) => (i === k - 1 ? 1 : 0)) }]
      : [{ id: 'uniform', label: 'uniform', weights: Array(k).fill(1) }, { id: 'training', label: 'the training loss', weights: Array.from({ length: k }, (_, i) => i + 1) }],
    milliseconds: 12345, backend: 'wasm', ...over,
  };
}

export function transfer(view: LabDecomposition, k: number, over: Partial<LabTransferResult> = {}): LabTransferResult {
  const before = Array.from({ length: k }, (_, j) => 1 + j);
  // Training on i lowers i by 10 %, raises i + 1 by 2 %, leaves the rest; training on all lowers everything by 5 %.
  const after = [
    ...Array.from({ length: k }, (_, i) => before.map((b, j) => (j === i ? b * 0.9 : j === i + 1 ? b * 1.02 : b))),
    before.map((b) => b * 0.95),
  ];
  return {
    decomposition: view, label: gradients(view, k).label, source: 'shipped', stepsTrainedHere: 0, paramCount: 1000, subtasks: NAMES[view](k),
    measure: 'transfer', k, batch: 32, steps: 10, lr: 1e-3, seed: 1, before, after, heldout: 256, milliseconds: 5000, backend: 'wasm', ...over,
  };
}
