// Radix-2 complex FFT (iterative Cooley–Tukey, decimation in time), in place on Float64Array real/imaginary parts.
// Forward: X_k = Σ_j x_j e^{−2πi jk/N}; inverse: x_j = (1/N) Σ_k X_k e^{+2πi jk/N}.

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/**
 * cos/sin of 2πk/n for k < n/2, computed directly (not by recurrence) to keep errors at rounding level; the
 * quarter turn k = n/4 is set to its exact (0, 1) (Math.cos(π/2) is 6e-17), which lets fftStages do its
 * first two stages without multiplications and still give the numbers fft() gives.
 */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = twiddleCache.get(n);
  if (!t) {
    const cos = new Float64Array(n >> 1);
    const sin = new Float64Array(n >> 1);
    for (let k = 0; k < n >> 1; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    if (n >= 4) {
      cos[n >> 2] = 0;
      sin[n >> 2] = 1;
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

const revCache = new Map<number, Uint32Array>();

/** The bit-reversal permutation of 0…n−1 (n a power of two), built once per n: index i goes to rev[i]. */
export function bitReversal(n: number): Uint32Array {
  let rev = revCache.get(n);
  if (!rev) {
    rev = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    revCache.set(n, rev);
  }
  return rev;
}

/**
 * fft() of a contiguous line re[0…n), im[0…n), the same arithmetic in fewer passes over the data: the
 * radix-2 stages are taken two at a time (sizes 2q and 4q in one sweep over four elements), with a last
 * single stage when log2(n) is odd. Every butterfly and twiddle is the one fft() uses, so the results are
 * the same numbers. For the per-line work of fft2 and the DCT (depth/fftDctLines.ts).
 */
export function fftContiguous(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (!isPowerOfTwo(n)) throw new RangeError(`FFT length must be a power of two, got ${n}`);
  if (re.length < n || im.length < n) throw new RangeError('FFT span exceeds the arrays');
  const rev = bitReversal(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  fftStages(re, im, n, inverse);
  if (inverse) {
    for (let j = 0; j < n; j++) {
      re[j] /= n;
      im[j] /= n;
    }
  }
}

/**
 * The butterflies of fftContiguous on a line already in bit-reversed order (element i at rev[i]), without
 * the 1/n of the inverse: for callers that write their input in that order as they build it (the DCT lines),
 * which saves the separate permutation pass. fftContiguous = permutation + fftStages (+ 1/n).
 */
export function fftStages(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  const { cos, sin } = twiddles(n);
  const sign = inverse ? 1 : -1;
  let q = 1;
  if (n >= 4) {
    // The first two stages (sizes 2 and 4) have the twiddles 1, 1 and ∓i (exactly, see twiddles): the general
    // loop's products by 1 and 0 give these same numbers, so they are left out.
    for (let i0 = 0; i0 < n; i0 += 4) {
      const i1 = i0 + 1, i2 = i0 + 2, i3 = i0 + 3;
      const x0r = re[i0] + re[i1], x0i = im[i0] + im[i1], x1r = re[i0] - re[i1], x1i = im[i0] - im[i1];
      const x2r = re[i2] + re[i3], x2i = im[i2] + im[i3], x3r = re[i2] - re[i3], x3i = im[i2] - im[i3];
      re[i2] = x0r - x2r; im[i2] = x0i - x2i; re[i0] = x0r + x2r; im[i0] = x0i + x2i;
      const tr = -sign * x3i, ti = sign * x3r; // x3 · (sign·i)
      re[i3] = x1r - tr; im[i3] = x1i - ti; re[i1] = x1r + tr; im[i1] = x1i + ti;
    }
    q = 4;
  }
  for (; 4 * q <= n; q *= 4) {
    const size = 4 * q;
    const sa = n / (2 * q), sb = n / size; // twiddle strides of the two stages
    for (let k = 0; k < q; k++) {
      const ar = cos[k * sa], ai = sign * sin[k * sa]; // stage 2q, pairs (0, 1) and (2, 3)
      const br = cos[k * sb], bi = sign * sin[k * sb]; // stage 4q, pair (0, 2)
      const cr = cos[(k + q) * sb], ci = sign * sin[(k + q) * sb]; // stage 4q, pair (1, 3)
      for (let i0 = k; i0 < n; i0 += size) {
        const i1 = i0 + q, i2 = i1 + q, i3 = i2 + q;
        let tr = re[i1] * ar - im[i1] * ai, ti = re[i1] * ai + im[i1] * ar;
        const x0r = re[i0] + tr, x0i = im[i0] + ti, x1r = re[i0] - tr, x1i = im[i0] - ti;
        tr = re[i3] * ar - im[i3] * ai; ti = re[i3] * ai + im[i3] * ar;
        const x2r = re[i2] + tr, x2i = im[i2] + ti, x3r = re[i2] - tr, x3i = im[i2] - ti;
        tr = x2r * br - x2i * bi; ti = x2r * bi + x2i * br;
        re[i2] = x0r - tr; im[i2] = x0i - ti; re[i0] = x0r + tr; im[i0] = x0i + ti;
        tr = x3r * cr - x3i * ci; ti = x3r * ci + x3i * cr;
        re[i3] = x1r - tr; im[i3] = x1i - ti; re[i1] = x1r + tr; im[i1] = x1i + ti;
      }
    }
  }
  if (2 * q === n) {
    for (let k = 0; k < q; k++) {
      const wr = cos[k], wi = sign * sin[k];
      const b = k + q;
      const tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
      re[b] = re[k] - tr; im[b] = im[k] - ti;
      re[k] += tr; im[k] += ti;
    }
  }
}

/** Columns gathered per sweep in fft2: whole cache lines of each row are read and written at once. */
const COLUMN_BLOCK = 8;

/**
 * In-place 2D FFT of an n×n row-major array (rows, then columns); n a power of two. Columns are gathered
 * into contiguous lines a few at a time, so no butterfly pass strides through the whole array.
 */
export function fft2(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (re.length !== n * n || im.length !== n * n) throw new RangeError(`fft2 expects ${n}×${n} = ${n * n} values, got ${re.length}`);
  if (!isPowerOfTwo(n)) throw new RangeError(`FFT length must be a power of two, got ${n}`);
  for (let y = 0; y < n; y++) fftContiguous(re.subarray(y * n, (y + 1) * n), im.subarray(y * n, (y + 1) * n), n, inverse);
  const block = Math.min(COLUMN_BLOCK, n);
  const lr = new Float64Array(block * n), li = new Float64Array(block * n);
  for (let x0 = 0; x0 < n; x0 += block) {
    for (let y = 0; y < n; y++) {
      const row = y * n + x0;
      for (let b = 0; b < block; b++) {
        lr[b * n + y] = re[row + b];
        li[b * n + y] = im[row + b];
      }
    }
    for (let b = 0; b < block; b++) fftContiguous(lr.subarray(b * n, (b + 1) * n), li.subarray(b * n, (b + 1) * n), n, inverse);
    for (let y = 0; y < n; y++) {
      const row = y * n + x0;
      for (let b = 0; b < block; b++) {
        re[row + b] = lr[b * n + y];
        im[row + b] = li[b * n + y];
      }
    }
  }
}
