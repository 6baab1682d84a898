import { describe, expect, it } from 'vitest';
import { deadCodeRestarts, greedyResiduals, initialCodebook } from '../../../../src/models/rqae/codebookInit';
import { mulberry32, gaussian } from '../../../../src/core/random';
import { tiny } from './setup';

function gaussianData(n: number, dim: number, seed: number): Float32Array {
  const normal = gaussian(mulberry32(seed));
  return Float32Array.from({ length: n * dim }, () => normal());
}

function energy(v: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] * v[i];
  return s;
}

describe('codebook initialisation and dead-code restarts', () => {
  it('lays out greedy residuals depth after depth, r_0 being the data', () => {
    const data = Float32Array.from([1, 2, 3, 4]);
    const books = [Float64Array.from([1, 1, 3, 3]), Float64Array.from([0, 1, 1, 0])]; // k = 2, dim = 2
    const r = greedyResiduals(data, 2, books, 2);
    expect(Array.from(r)).toEqual([1, 2, 3, 4, 0, 1, 0, 1]);
  });

  it.each([true, false])('fits a codebook by k-means that shrinks the residual at every depth (shared: %s)', (shared) => {
    const config = tiny(3, shared);
    const data = gaussianData(400, config.latentDim, 3);
    const rows = initialCodebook(data, config, 7);
    const k = config.codebookSize;
    const dim = config.latentDim;
    expect(rows.length).toBe((shared ? k : 3 * k) * dim);
    expect(initialCodebook(data, config, 7)).toEqual(rows); // seeded
    const books = [0, 1, 2].map((d) => Float64Array.from(shared ? rows : rows.subarray(d * k * dim, (d + 1) * k * dim)));
    const r = greedyResiduals(data, dim, [...books, books[2]], k);
    const e = [0, 1, 2, 3].map((d) => energy(r, d * data.length, (d + 1) * data.length));
    for (let d = 0; d < 3; d++) expect(e[d + 1]).toBeLessThan(e[d]);
  });

  it('restarts exactly the codewords no vector chose, from residuals of their own depth', () => {
    const config = { ...tiny(2, false), codebookSize: 3, latentDim: 1 };
    // depth 0 uses codes 0 and 2, depth 1 uses code 1; m = 2 vectors per depth
    const codes = Int32Array.from([0, 2, 1, 1]);
    const residuals = Float32Array.from([10, 11, 20, 21]);
    const { rows, values } = deadCodeRestarts(codes, residuals, config, mulberry32(1));
    expect(rows).toEqual([1, 3, 5]); // depth 0 code 1; depth 1 codes 0 and 2
    expect([10, 11]).toContain(values[0]);
    expect([20, 21]).toContain(values[1]);
    expect([20, 21]).toContain(values[2]);
  });

  it('pools all depths for a shared codebook', () => {
    const config = { ...tiny(2, true), codebookSize: 3, latentDim: 1 };
    const { rows } = deadCodeRestarts(Int32Array.from([0, 2, 1, 1]), Float32Array.from([1, 2, 3, 4]), config, mulberry32(1));
    expect(rows).toEqual([]);
  });
});
