// A user-editable noise schedule: control points (t, λ) → a monotone non-increasing λ(t), interpolated with a
// monotone cubic (Fritsch & Carlson 1980, "Monotone Piecewise Cubic Interpolation", SIAM J. Numer. Anal. 17(2)).
// It is a variance-preserving schedule: α = √sigmoid(λ), σ = √sigmoid(−λ) (Kingma et al. 2021, VDM, eq. 4).

export type LogSnrControlPoint = { t: number; logSnr: number };

/** A schedule given by its log-SNR as a function of t ∈ [0,1] (non-increasing), read as variance-preserving. */
export type LogSnrFn = (t: number) => number;

/**
 * The monotone λ(t) through the control points, after enforcing monotonicity:
 * 1. sort by t (stable, so equal-t points keep their order);
 * 2. clamp each λ to ≤ the previous one (running minimum), so λ never increases with t;
 * 3. merge points with equal t (the last, i.e. smallest, λ wins);
 * 4. interpolate with the Fritsch–Carlson monotone cubic (monotoneCubic below).
 * Outside [t_first, t_last] λ is held constant. Control points must have finite t and λ (RangeError otherwise).
 */
export function monotoneLogSnr(controlPoints: readonly LogSnrControlPoint[]): LogSnrFn {
  if (controlPoints.length === 0) throw new RangeError('monotoneLogSnr needs at least one control point');
  for (const p of controlPoints) {
    if (!Number.isFinite(p.t) || !Number.isFinite(p.logSnr)) {
      throw new RangeError(`control points need finite t and logSnr, got (${p.t}, ${p.logSnr})`);
    }
  }
  const sorted = controlPoints.map((p, i) => ({ ...p, i })).sort((a, b) => a.t - b.t || a.i - b.i);
  const xs: number[] = [];
  const ys: number[] = [];
  let prev = Infinity;
  for (const p of sorted) {
    const y = Math.min(p.logSnr, prev);
    prev = y;
    if (xs.length > 0 && xs[xs.length - 1] === p.t) ys[ys.length - 1] = y;
    else {
      xs.push(p.t);
      ys.push(y);
    }
  }
  if (xs.length === 1) {
    const c = ys[0];
    return () => c;
  }
  const f = monotoneCubic(xs, ys);
  return (t: number) => f.value(t);
}

export type MonotoneCubic = {
  /** The interpolant; constant (the end value) outside [x_first, x_last]; NaN → the first value. */
  value: (x: number) => number;
  /** Its derivative (0 outside the nodes' range). */
  slope: (x: number) => number;
};

/**
 * Fritsch–Carlson monotone cubic Hermite interpolation through (xs, ys), xs strictly increasing, ys monotone.
 * Tangents: secants δ_k; interior m_k = mean of the neighbouring secants (0 where they differ in sign or one is
 * 0); end m = the end secants; where α_k² + β_k² > 9 (α = m_k/δ_k, β = m_{k+1}/δ_k) both are scaled by
 * 3/√(α² + β²), which makes each piece monotone. Values are clamped to each piece's end values so that rounding
 * cannot break monotonicity.
 */
export function monotoneCubic(xs: ArrayLike<number>, ys: ArrayLike<number>): MonotoneCubic {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new RangeError('monotoneCubic needs ≥ 2 nodes and as many values');
  const h = new Float64Array(n - 1);
  const delta = new Float64Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    h[k] = xs[k + 1] - xs[k];
    if (!(h[k] > 0)) throw new RangeError('monotoneCubic needs strictly increasing xs');
    delta[k] = (ys[k + 1] - ys[k]) / h[k];
  }
  const m = new Float64Array(n);
  m[0] = delta[0];
  m[n - 1] = delta[n - 2];
  for (let k = 1; k < n - 1; k++) {
    m[k] = delta[k - 1] * delta[k] <= 0 ? 0 : (delta[k - 1] + delta[k]) / 2;
  }
  for (let k = 0; k < n - 1; k++) {
    if (delta[k] === 0) {
      m[k] = 0;
      m[k + 1] = 0;
      continue;
    }
    const a = m[k] / delta[k];
    const b = m[k + 1] / delta[k];
    const r2 = a * a + b * b;
    if (r2 > 9) {
      const tau = 3 / Math.sqrt(r2);
      m[k] = tau * a * delta[k];
      m[k + 1] = tau * b * delta[k];
    }
  }
  const segment = (x: number): number => {
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= x) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return {
    value(x: number): number {
      if (!(x > xs[0])) return ys[0];
      if (x >= xs[n - 1]) return ys[n - 1];
      const k = segment(x);
      const s = (x - xs[k]) / h[k];
      const s2 = s * s;
      const s3 = s2 * s;
      const y =
        (2 * s3 - 3 * s2 + 1) * ys[k] + (s3 - 2 * s2 + s) * h[k] * m[k] + (-2 * s3 + 3 * s2) * ys[k + 1] + (s3 - s2) * h[k] * m[k + 1];
      return Math.min(Math.max(ys[k], ys[k + 1]), Math.max(Math.min(ys[k], ys[k + 1]), y));
    },
    slope(x: number): number {
      if (!(x >= xs[0] && x <= xs[n - 1])) return 0;
      const k = Math.min(segment(x), n - 2);
      const s = (x - xs[k]) / h[k];
      const s2 = s * s;
      return (6 * s - 6 * s2) * delta[k] + (3 * s2 - 4 * s + 1) * m[k] + (3 * s2 - 2 * s) * m[k + 1];
    },
  };
}

/** Logistic sigmoid, stable for large |x| and exact at ±∞. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Variance-preserving α, σ of a log-SNR: α = √sigmoid(λ), σ = √sigmoid(−λ) (λ = ±∞ give (1,0) and (0,1)). */
export function vpFromLogSnr(logSnr: number): { alpha: number; sigma: number } {
  return { alpha: Math.sqrt(sigmoid(logSnr)), sigma: Math.sqrt(sigmoid(-logSnr)) };
}
