// Radix-2 complex FFT (iterative Cooley–Tukey, decimation in time), in place on Float64Array real/imaginary parts.
// Forward: X_k = Σ_j x_j e^{−2πi jk/N}; inverse: x_j = (1/N) Σ_k X_k e^{+2πi jk/N}.

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/** cos/sin of 2πk/n for k < n/2, computed directly (not by recurrence) to keep errors at rounding level. */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = twiddleCache.get(n);
  if (!t) {
    const cos = new Float64Array(n >> 1);
    const sin = new Float64Array(n >> 1);
    for (let k = 0; k < n >> 1; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    t = { cos, sin };
    twiddleCache.set(n, t);
  }
  return t;
}

/**
 * In-place FFT of (re, im), length a power of two. `inverse` uses e^{+2πi jk/N} and divides by N.
 * Works on strided data too: elements re[offset + j·stride], j < n (used by fft2 for columns).
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false, n = re.length, offset = 0, stride = 1): void {
  if (!isPowerOfTwo(n)) throw new RangeError(`FFT length must be a power of two, got ${n}`);
  if (re.length !== im.length) throw new RangeError('re and im differ in length');
  if (offset + (n - 1) * stride >= re.length) throw new RangeError('FFT span exceeds the arrays');
  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = offset + i * stride;
      const b = offset + j * stride;
      let tmp = re[a];
      re[a] = re[b];
      re[b] = tmp;
      tmp = im[a];
      im[a] = im[b];
      im[b] = tmp;
    }
  }
  const { cos, sin } = twiddles(n);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = offset + (start + k) * stride;
        const b = a + half * stride;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    for (let j = 0; j < n; j++) {
      re[offset + j * stride] /= n;
      im[offset + j * stride] /= n;
    }
  }
}

/** In-place 2D FFT of an n×n row-major array (rows, then columns); n a power of two. */
export function fft2(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (re.length !== n * n || im.length !== n * n) throw new RangeError(`fft2 expects ${n}×${n} = ${n * n} values, got ${re.length}`);
  for (let y = 0; y < n; y++) fft(re, im, inverse, n, y * n, 1);
  for (let x = 0; x < n; x++) fft(re, im, inverse, n, x, n);
}
