// The Fréchet distance between two sets of feature vectors, each summarised by its mean and covariance (the
// distance between the Gaussians of those moments; FID when the features are Inception's, "FD-classifier" here
// with the digit classifier's: docs/conventions.md, "Sample quality"):
//   FD = ‖μ1 − μ2‖² + Tr(S1 + S2 − 2·(S1·S2)^{1/2}),  Tr (S1·S2)^{1/2} = Tr (S1^{1/2}·S2·S1^{1/2})^{1/2},
// the second form a symmetric positive semi-definite matrix, so both square roots come from symmetric
// eigendecompositions (cyclic Jacobi), with eigenvalues below 0 (rounding) taken as 0.

/** A symmetric n × n matrix's eigenvalues and eigenvectors: A = V·diag(values)·Vᵀ, column k of V (row-major) for values[k]. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Cyclic Jacobi eigenvalue algorithm (Golub & Van Loan, "Matrix Computations", §8.5): rotations zero each
 * off-diagonal entry in turn until the off-diagonal mass is below `tol` times the matrix's Frobenius norm (or
 * after `maxSweeps` sweeps). `a` is row-major n × n and symmetric; it is not modified.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, tol = 1e-14, maxSweeps = 60): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`a ${n}×${n} matrix has ${n * n} entries, not ${a.length}`);
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += m[i] * m[i];
  const limit = tol * tol * norm;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q] * m[p * n + q];
    if (off <= limit) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes m[p][q]: t = tan θ, the smaller root of t² + 2τt − 1 = 0.
        const tau = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => m[i * n + i]), vectors: v };
}

/** The square root of a symmetric positive semi-definite matrix, V·diag(√max(λ, 0))·Vᵀ (row-major n × n). */
export function sqrtPsd(a: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const root = values.map((l) => Math.sqrt(Math.max(0, l)));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * root[k] * vectors[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** A feature set's moments: the mean, the covariance (divisor count − 1, as numpy's `cov`) and how many vectors. */
export interface FeatureStats {
  dim: number;
  count: number;
  mean: Float64Array;
  /** dim × dim, row-major. */
  cov: Float64Array;
}

/** The mean and covariance of `count` feature vectors of `dim` values each (row-major count × dim); count ≥ 2. */
export function featureStats(features: ArrayLike<number>, dim: number): FeatureStats {
  const count = features.length / dim;
  if (!(Number.isInteger(count) && count >= 2)) throw new RangeError(`need at least 2 whole vectors of ${dim} values, got ${features.length} values`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j] / count;
  const cov = new Float64Array(dim * dim);
  const row = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < dim; j++) row[j] = features[i * dim + j] - mean[j];
    for (let j = 0; j < dim; j++) {
      const rj = row[j];
      if (rj === 0) continue;
      for (let k = j; k < dim; k++) cov[j * dim + k] += rj * row[k];
    }
  }
  for (let j = 0; j < dim; j++) {
    for (let k = j; k < dim; k++) {
      const c = cov[j * dim + k] / (count - 1);
      cov[j * dim + k] = c;
      cov[k * dim + j] = c;
    }
  }
  return { dim, count, mean, cov };
}

/** The Fréchet distance and its two parts: the squared distance between the means and the covariance term. */
export interface FrechetParts {
  distance: number;
  meanTerm: number;
  covTerm: number;
}

/** FD = ‖μ1 − μ2‖² + Tr S1 + Tr S2 − 2·Tr (S1^{1/2}·S2·S1^{1/2})^{1/2}. */
export function frechetDistance(a: FeatureStats, b: FeatureStats): FrechetParts {
  const n = a.dim;
  if (b.dim !== n) throw new RangeError(`feature sets of ${a.dim} and ${b.dim} dimensions`);
  let meanTerm = 0;
  for (let j = 0; j < n; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  const root = sqrtPsd(a.cov, n);
  // M = S1^{1/2}·S2·S1^{1/2}, symmetric by construction (symmetrized against rounding).
  const tmp = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const r = root[i * n + k];
      if (r === 0) continue;
      for (let j = 0; j < n; j++) tmp[i * n + j] += r * b.cov[k * n + j];
    }
  }
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += tmp[i * n + k] * root[k * n + j];
      m[i * n + j] = s;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[j * n + i] = m[i * n + j];
  let trSqrt = 0;
  for (const l of symmetricEigen(m, n).values) trSqrt += Math.sqrt(Math.max(0, l));
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a.cov[i * n + i] + b.cov[i * n + i];
  const covTerm = Math.max(0, trace - 2 * trSqrt);
  return { distance: meanTerm + covTerm, meanTerm, covTerm };
}
