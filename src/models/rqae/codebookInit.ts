// Codebook initialisation and dead-code restarts, on plain arrays (no tfjs: the trainer feeds it latents).
// A randomly initialised codebook sits far from the encoder's outputs, so most codewords would never be
// chosen ("dead codes", van den Oord et al. 2017; Zeghidour et al. 2021 restart them from batch vectors).
// What the trainer does:
// - after a short plain-auto-encoder warm-up, k-means (src/core/depth/kmeans.ts, k-means++ seeding) on
//   encoder outputs gives the codebook: per depth, k-means of the greedy residuals r_{d−1}; shared, k-means of
//   the pool of all depths' residuals, refitted once with the residuals that shared codebook itself leaves;
// - every few hundred steps, codewords no latent vector of a sample batch chose are replaced by randomly drawn
//   residuals of that batch (of their own depth, or of any depth for a shared codebook).
import { assignNearest, kmeans } from '../../core/depth/kmeans';
import { mulberry32 } from '../../core/random';
import type { RqaeConfig } from './model';

/** Greedy RQ residuals r_0 … r_{D−1} of `data` [n, dim], laid out depth after depth [D·n·dim]. */
export function greedyResiduals(data: Float32Array, dim: number, codebooks: Float64Array[], k: number): Float32Array {
  const n = data.length / dim;
  const out = new Float32Array(codebooks.length * data.length);
  let r = Float32Array.from(data);
  codebooks.forEach((c, d) => {
    out.set(r, d * data.length);
    const codes = assignNearest(r, dim, c, k);
    const next = new Float32Array(r.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) next[i * dim + j] = r[i * dim + j] - c[codes[i] * dim + j];
    r = next;
  });
  return out;
}

/** `count` rows drawn without replacement (seeded) from data [n, dim]. */
function subsample(data: Float32Array, dim: number, count: number, rand: () => number): Float32Array {
  const n = data.length / dim;
  if (n <= count) return data;
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
    out.set(data.subarray(idx[i] * dim, (idx[i] + 1) * dim), i * dim);
  }
  return out;
}

/**
 * Initial codebook rows [rows · latentDim] (rows = K shared, D·K per depth) from encoder outputs
 * `latents` [n, latentDim], n ≥ K. Deterministic for a seed.
 */
export function initialCodebook(latents: Float32Array, config: RqaeConfig, seed: number, iters = 15): Float32Array {
  const { latentDim: dim, codebookSize: k, depth } = config;
  const n = latents.length / dim;
  if (n < k) throw new RangeError(`k-means needs at least ${k} latent vectors, got ${n}`);
  // Per-depth k-means on greedy residuals (also the first guess of the shared codebook's pool).
  const perDepth: Float64Array[] = [];
  let r = latents;
  for (let d = 0; d < depth; d++) {
    const fit = kmeans(r, dim, k, { iters, seed: seed + d });
    perDepth.push(fit.centroids);
    r = residualAfter(r, dim, fit.centroids, k);
  }
  if (!config.sharedCodebook) {
    const out = new Float32Array(depth * k * dim);
    perDepth.forEach((c, d) => out.set(c, d * k * dim));
    return out;
  }
  const rand = mulberry32(seed);
  let shared = kmeans(subsample(greedyResiduals(latents, dim, perDepth, k), dim, 8192, rand), dim, k, { iters, seed }).centroids;
  const again = greedyResiduals(latents, dim, Array.from({ length: depth }, () => shared), k);
  shared = kmeans(subsample(again, dim, 8192, rand), dim, k, { iters, seed: seed + 1 }).centroids;
  return Float32Array.from(shared);
}

function residualAfter(data: Float32Array, dim: number, c: Float64Array, k: number): Float32Array {
  const codes = assignNearest(data, dim, c, k);
  const out = new Float32Array(data.length);
  for (let i = 0; i < codes.length; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = data[i * dim + j] - c[codes[i] * dim + j];
  return out;
}

/**
 * Replacement rows for dead codewords: `codes` [D, m] chosen at each depth for a sample batch, `residuals`
 * [D, m, dim] the vectors each depth quantized. Returns the dead rows of the codebook variable and, for
 * each, a residual drawn at random (its own depth's for per-depth codebooks, any depth's for a shared one).
 */
export function deadCodeRestarts(
  codes: Int32Array, residuals: Float32Array, config: RqaeConfig, rand: () => number,
): { rows: number[]; values: Float32Array } {
  const { depth, codebookSize: k, latentDim: dim, sharedCodebook } = config;
  const m = codes.length / depth;
  const used = new Uint8Array(sharedCodebook ? k : depth * k);
  for (let d = 0; d < depth; d++) for (let i = 0; i < m; i++) used[(sharedCodebook ? 0 : d * k) + codes[d * m + i]] = 1;
  const rows: number[] = [];
  for (let row = 0; row < used.length; row++) if (!used[row]) rows.push(row);
  const values = new Float32Array(rows.length * dim);
  rows.forEach((row, j) => {
    const d = sharedCodebook ? Math.floor(rand() * depth) : Math.floor(row / k);
    const i = Math.floor(rand() * m);
    values.set(residuals.subarray((d * m + i) * dim, (d * m + i + 1) * dim), j * dim);
  });
  return { rows, values };
}
