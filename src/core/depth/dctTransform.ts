// The transform engine behind dct.ts: orthonormal DCT-II / DCT-III along the rows and columns of a w×h array
// (= scipy.fft.dctn / idctn with norm='ortho'):
//   X[k] = a_k Σ_i x[i] cos(π(2i+1)k / (2N)),  a_0 = √(1/N), a_k = √(2/N) (k > 0)
// (Ahmed, Natarajan & Rao 1974). Short or non-power-of-two lines use the precomputed cosine matrix (O(N²) per
// line; the 8×8 JPEG block has its own unrolled kernel); power-of-two lines from FFT_MIN use Makhoul's
// N-point FFT algorithm (Makhoul 1980, "A fast cosine transform in one and two dimensions", IEEE TASSP 28(1)),
// O(N log N), so a 512² channel takes tens of milliseconds.

/** Power-of-two lines at least this long go through the FFT; shorter ones through the cosine matrix. */
const FFT_MIN = 32;

type LinePlan = {
  n: number;
  /** Forward matrix C[k·n + i] = a_k cos(π(2i+1)k/(2n)) and its transpose (the inverse), or null (FFT). */
  c: Float64Array | null;
  ct: Float64Array | null;
  /** FFT tables: bit reversal, twiddles cos/sin(2πj/n) for j < n/2, post-twiddles cos/sin(πk/(2n)). */
  rev: Uint32Array;
  tw: Float64Array;
  twi: Float64Array;
  pc: Float64Array;
  ps: Float64Array;
  re: Float64Array;
  im: Float64Array;
};

const plans = new Map<number, LinePlan>();

function isPow2(n: number): boolean {
  return (n & (n - 1)) === 0;
}

function planFor(n: number): LinePlan {
  let p = plans.get(n);
  if (p) return p;
  const empty = new Float64Array(0);
  p = { n, c: null, ct: null, rev: new Uint32Array(0), tw: empty, twi: empty, pc: empty, ps: empty, re: new Float64Array(n), im: new Float64Array(n) };
  if (n >= FFT_MIN && isPow2(n)) {
    const bits = Math.log2(n);
    p.rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      p.rev[i] = r;
    }
    p.tw = new Float64Array(n / 2);
    p.twi = new Float64Array(n / 2);
    for (let j = 0; j < n / 2; j++) {
      p.tw[j] = Math.cos((2 * Math.PI * j) / n);
      p.twi[j] = Math.sin((2 * Math.PI * j) / n);
    }
    p.pc = new Float64Array(n);
    p.ps = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      p.pc[k] = Math.cos((Math.PI * k) / (2 * n));
      p.ps[k] = Math.sin((Math.PI * k) / (2 * n));
    }
  } else {
    p.c = cosineMatrix(n, false);
    p.ct = cosineMatrix(n, true);
  }
  plans.set(n, p);
  return p;
}

const matrices = new Map<string, Float64Array>();

/** The orthonormal DCT-II matrix C[k·n + i] = a_k cos(π(2i+1)k/(2n)), or its transpose (the inverse). */
export function cosineMatrix(n: number, transposed: boolean): Float64Array {
  const key = `${n}${transposed ? 't' : ''}`;
  let m = matrices.get(key);
  if (m) return m;
  m = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const a = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) m[transposed ? i * n + k : k * n + i] = a * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * n));
  }
  matrices.set(key, m);
  return m;
}

/** In-place iterative radix-2 FFT, X[k] = Σ x[j] e^{−2πi jk/n}. */
function fft(p: LinePlan): void {
  const { n, re, im, rev, tw, twi } = p;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < half; k++, t += step) {
        const wr = tw[t];
        const wi = -twi[t];
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr; im[b] = im[a] - ti;
        re[a] += tr; im[a] += ti;
      }
    }
  }
}

/** One line: src[s0 + i·stride], i < n → dst[d0 + k·stride], forward (DCT-II) or inverse (DCT-III). */
function line(p: LinePlan, src: ArrayLike<number>, s0: number, dst: Float64Array, d0: number, stride: number, inverse: boolean): void {
  const n = p.n;
  const m = inverse ? p.ct : p.c;
  if (m) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      const row = k * n;
      for (let i = 0; i < n; i++) s += m[row + i] * src[s0 + i * stride];
      p.re[k] = s;
    }
    for (let k = 0; k < n; k++) dst[d0 + k * stride] = p.re[k];
    return;
  }
  const { re, im, pc, ps } = p;
  const a0 = Math.sqrt(1 / n);
  const ak = Math.sqrt(2 / n);
  const h = n / 2;
  if (!inverse) {
    // Makhoul: v = (x0, x2, x4, …, x5, x3, x1); DCT[k] = Re(e^{−iπk/(2n)} FFT(v)[k]).
    for (let j = 0; j < h; j++) {
      re[j] = src[s0 + 2 * j * stride];
      re[n - 1 - j] = src[s0 + (2 * j + 1) * stride];
    }
    im.fill(0);
    fft(p);
    for (let k = 0; k < n; k++) dst[d0 + k * stride] = (k === 0 ? a0 : ak) * (re[k] * pc[k] + im[k] * ps[k]);
    return;
  }
  // Inverse: with C the un-normalized DCT, V[k] = e^{iπk/(2n)} (C[k] − i·C[n−k]) (C[n] = 0), v = IFFT(V).
  // The IFFT is conj(FFT(conj(V)))/n; only the real part is needed.
  for (let k = 0; k < n; k++) {
    const c = src[s0 + k * stride] / (k === 0 ? a0 : ak);
    const q = k === 0 ? 0 : -src[s0 + (n - k) * stride] / ak;
    re[k] = c * pc[k] - q * ps[k];
    im[k] = -(c * ps[k] + q * pc[k]);
  }
  fft(p);
  for (let j = 0; j < h; j++) {
    dst[d0 + 2 * j * stride] = re[j] / n;
    dst[d0 + (2 * j + 1) * stride] = re[n - 1 - j] / n;
  }
}

/**
 * Square blocks through the cosine matrix M (C forward, Cᵀ inverse): dst = M·src·Mᵀ, rows then columns, with
 * caller-provided scratch so that the 8×8 JPEG case allocates nothing per block.
 */
export function matrixDct2Into(src: Float64Array, dst: Float64Array, n: number, m: Float64Array, tmp: Float64Array): void {
  if (n === 8) {
    dct8Into(src, dst, m, tmp);
    return;
  }
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += m[k * n + i] * src[r * n + i];
      tmp[r * n + k] = s;
    }
  }
  for (let k = 0; k < n; k++) {
    for (let col = 0; col < n; col++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += m[k * n + r] * tmp[r * n + col];
      dst[k * n + col] = s;
    }
  }
}

/** matrixDct2Into for n = 8 with the inner products written out (short loops cost more than their work). */
function dct8Into(src: Float64Array, dst: Float64Array, m: Float64Array, tmp: Float64Array): void {
  for (let r = 0; r < 64; r += 8) {
    const x0 = src[r], x1 = src[r + 1], x2 = src[r + 2], x3 = src[r + 3];
    const x4 = src[r + 4], x5 = src[r + 5], x6 = src[r + 6], x7 = src[r + 7];
    for (let q = 0; q < 64; q += 8) {
      tmp[r + (q >> 3)] = m[q] * x0 + m[q + 1] * x1 + m[q + 2] * x2 + m[q + 3] * x3 + m[q + 4] * x4 + m[q + 5] * x5 + m[q + 6] * x6 + m[q + 7] * x7;
    }
  }
  for (let col = 0; col < 8; col++) {
    const y0 = tmp[col], y1 = tmp[8 + col], y2 = tmp[16 + col], y3 = tmp[24 + col];
    const y4 = tmp[32 + col], y5 = tmp[40 + col], y6 = tmp[48 + col], y7 = tmp[56 + col];
    for (let q = 0; q < 64; q += 8) {
      dst[q + col] = m[q] * y0 + m[q + 1] * y1 + m[q + 2] * y2 + m[q + 3] * y3 + m[q + 4] * y4 + m[q + 5] * y5 + m[q + 6] * y6 + m[q + 7] * y7;
    }
  }
}

/** Separable 2-D transform of a w×h row-major array: every row (length w), then every column (length h). */
export function dct2Rect(data: ArrayLike<number>, w: number, h: number, inverse = false): Float64Array {
  if (data.length !== w * h) throw new RangeError(`expected ${w}×${h} = ${w * h} values, got ${data.length}`);
  const pw = planFor(w);
  const ph = planFor(h);
  if (w === h && pw.c && pw.ct) {
    const out = new Float64Array(w * h);
    const src = data instanceof Float64Array ? data : Float64Array.from(data);
    matrixDct2Into(src, out, w, inverse ? pw.ct : pw.c, new Float64Array(w * h));
    return out;
  }
  const tmp = new Float64Array(w * h);
  for (let y = 0; y < h; y++) line(pw, data, y * w, tmp, y * w, 1, inverse);
  const out = new Float64Array(w * h);
  for (let x = 0; x < w; x++) line(ph, tmp, x, out, x, w, inverse);
  return out;
}
