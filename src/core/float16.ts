// IEEE 754 binary16 ("half precision", float16): 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.
// Normal numbers have 11 significant bits (relative rounding error ≤ 2⁻¹¹ ≈ 4.9e-4), magnitudes up to 65504;
// subnormals reach down to 2⁻²⁴ ≈ 6e-8. Shipped weights may be stored this way (half the bytes of float32).

/** The float16 bit pattern nearest to v, first rounded to float32 (ties to even; beyond ±65504 → ±∞; NaN → a quiet NaN). */
export function toFloat16Bits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  // Work on the exact value: |v| = m · 2^e with m the 24-bit significand (float32 → float16 is then exact
  // integer rounding of m at the right bit).
  const e = exp - 127;
  if (e > 15) return sign | 0x7c00;
  if (exp === 0) return sign; // float32 subnormals are far below float16's smallest subnormal
  const m = mant | 0x800000; // 24 bits, value m · 2^(e − 23)
  // Bits of m to drop: 13 for a normal float16 (10 fraction bits kept), more below 2⁻¹⁴ (subnormal).
  const shift = e >= -14 ? 13 : 13 + (-14 - e);
  if (shift > 24) return sign; // below half the smallest subnormal: rounds to zero
  const kept = m >>> shift;
  const rest = m - kept * 2 ** shift;
  const halfway = 2 ** (shift - 1);
  const up = rest > halfway || (rest === halfway && (kept & 1) === 1) ? 1 : 0;
  // For normals the implicit bit sits at bit 10 of `kept`; adding the exponent field (e + 14, one less than the
  // biased exponent because the implicit bit adds one) gives the pattern, and a carry out of the fraction
  // correctly bumps the exponent (up to 0x7c00 = ∞). Subnormals have a zero exponent field.
  const bits = e >= -14 ? ((e + 14) << 10) + kept + up : kept + up;
  return sign | Math.min(bits, 0x7c00);
}

let table: Float32Array | null = null;

/** The value of every float16 bit pattern (built once: 65536 entries). */
function float16Table(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) table[h] = sign * frac * 2 ** -24;
    else if (exp === 31) table[h] = frac ? NaN : sign * Infinity;
    else table[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return table;
}

/** The value of a float16 bit pattern. */
export function fromFloat16Bits(h: number): number {
  return float16Table()[h & 0xffff];
}

/** Decodes float16 bit patterns into `out` (same length), through a 65536-entry table. */
export function decodeFloat16(bits: Uint16Array, out: Float32Array): Float32Array {
  const t = float16Table();
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]];
  return out;
}

/** Encodes values as float16 bit patterns (nearest, ties to even). */
export function encodeFloat16(values: ArrayLike<number>): Uint16Array<ArrayBuffer> {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]);
  return out;
}
