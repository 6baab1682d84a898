// The two heavy ops of the patch transformer, with gradients written out because tfjs-backend-wasm's own
// paths are slow here (measured on this 2-core machine, tfjs 4.22, see scripts/bench-patch-ar.ts):
// - BatchMatMul with transposeA/transposeB (how tf.matMul's gradient is built) runs 10–17× slower than a
//   plain matMul of the same size (42–68 ms vs 4 ms for 1568×256·256×64): `linear` transposes the small
//   operand explicitly (0.5–3 ms) and multiplies without flags.
// - Batched matMuls of many tiny matrices ([128, 49, 16] attention heads) take ~20 ms each, and 5-D
//   transposes ~50 ms: on the backends whose tensors can be read synchronously (wasm, cpu) attention runs
//   as one causal JS loop over the packed [B·N, 3d] q|k|v rows (no transposes, skips the masked half).
// Both attention paths compute the same function; a test checks values and gradients agree.
import * as tf from '@tensorflow/tfjs-core';
import { flagFreeMatMul } from '../flagFreeMatMul';

type Save = (tensors: tf.Tensor[]) => void;

const linearOp = tf.customGrad((x, w, b, save) => {
  (save as Save)([x as tf.Tensor, w as tf.Tensor]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b as tf.Tensor }),
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, ws.transpose() as tf.Tensor2D),
      tf.matMul(xs.transpose() as tf.Tensor2D, dy as tf.Tensor2D),
      dy.sum(0),
    ],
  };
});

/**
 * Which implementation runs the heavy ops. 'js': JS attention loop + explicit-transpose matMul gradients;
 * 'tf': tfjs attention (4-D transposes, batched matMuls) + explicit-transpose gradients; 'reference': plain
 * tfjs ops and tfjs's own gradients everywhere (the straightforward version: tests check the others against
 * it, and the benchmark reports the speed-up over it).
 */
export type Kernels = 'js' | 'tf' | 'reference';

/** 'js' where tensors can be read synchronously (wasm, cpu) and its loop beats the kernels there, else 'tf'. */
export function defaultKernels(): Kernels {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu' ? 'js' : 'tf';
}

/** x·w for x [M, in], w [in, out]. */
export function matMul(x: tf.Tensor2D, w: tf.Tensor, kernels: Kernels): tf.Tensor2D {
  return kernels === 'reference' ? tf.matMul(x, w as tf.Tensor2D) : flagFreeMatMul(x, w as tf.Tensor2D);
}

/** x·w + b for x [M, in], w [in, out], b [out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor, kernels: Kernels): tf.Tensor2D {
  if (kernels === 'reference') return tf.matMul(x, w as tf.Tensor2D).add(b);
  return linearOp(x, w, b) as tf.Tensor2D;
}

const LN_EPS = 1e-5;

/** Layer normalisation over the last axis of x [M, d], with gain g [d] and offset b [d]. */
export function layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor, kernels: Kernels): tf.Tensor2D {
  if (kernels === 'js') return jsLayerNorm(x, g, b);
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).mul(tf.rsqrt(variance.add(LN_EPS))).mul(g).add(b);
}

// On wasm the tfjs version is ~35 small kernels per call (forward and backward), each a pass over memory
// plus dispatch overhead; one JS loop each way is several times cheaper.
function jsLayerNorm(input: tf.Tensor2D, gain: tf.Tensor, offset: tf.Tensor): tf.Tensor2D {
  const [m, d] = input.shape;
  const op = tf.customGrad((xt, gt, bt) => {
    const x = (xt as tf.Tensor).dataSync() as Float32Array;
    const g = (gt as tf.Tensor).dataSync() as Float32Array;
    const b = (bt as tf.Tensor).dataSync() as Float32Array;
    const xhat = new Float32Array(m * d);
    const rstd = new Float32Array(m);
    const y = new Float32Array(m * d);
    for (let r = 0; r < m; r++) {
      const o = r * d;
      let mean = 0;
      for (let e = 0; e < d; e++) mean += x[o + e];
      mean /= d;
      let variance = 0;
      for (let e = 0; e < d; e++) variance += (x[o + e] - mean) * (x[o + e] - mean);
      const rs = 1 / Math.sqrt(variance / d + LN_EPS);
      rstd[r] = rs;
      for (let e = 0; e < d; e++) {
        const h = (x[o + e] - mean) * rs;
        xhat[o + e] = h;
        y[o + e] = h * g[e] + b[e];
      }
    }
    return {
      value: tf.tensor2d(y, [m, d]),
      gradFunc: (dyt: tf.Tensor) => {
        const dy = dyt.dataSync() as Float32Array;
        const dx = new Float32Array(m * d);
        const dg = new Float32Array(d);
        const db = new Float32Array(d);
        for (let r = 0; r < m; r++) {
          const o = r * d;
          // dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·g, the gradient with respect to x̂.
          let sum = 0;
          let dot = 0;
          for (let e = 0; e < d; e++) {
            const gh = dy[o + e] * g[e];
            sum += gh;
            dot += gh * xhat[o + e];
            dg[e] += dy[o + e] * xhat[o + e];
            db[e] += dy[o + e];
          }
          sum /= d;
          dot /= d;
          for (let e = 0; e < d; e++) dx[o + e] = rstd[r] * (dy[o + e] * g[e] - sum - xhat[o + e] * dot);
        }
        return [tf.tensor2d(dx, [m, d]), tf.tensor1d(dg), tf.tensor1d(db)];
      },
    };
  });
  return op(input, gain, offset) as tf.Tensor2D;
}

export type AttentionShape = { batch: number; n: number; heads: number; d: number };

/**
 * Causal multi-head self-attention. qkv [B·N, 3d]: each row is one token's q | k | v, each split into
 * `heads` consecutive chunks of d/heads. Returns the heads' outputs side by side, [B·N, d].
 * `mask` is the additive [N, N] causal mask (used by the 'tf' path; the 'js' path skips masked pairs).
 */
export function causalAttention(qkv: tf.Tensor2D, shape: AttentionShape, mask: tf.Tensor2D, kernels: Kernels): tf.Tensor2D {
  return kernels === 'js' ? jsAttention(qkv, shape) : tfAttention(qkv, shape, mask);
}

function tfAttention(qkv: tf.Tensor2D, { batch, n, heads, d }: AttentionShape, mask: tf.Tensor2D): tf.Tensor2D {
  const dh = d / heads;
  // 4-D transposes only: the 5-D one of a single fused reshape is the slow case on wasm.
  const [q, k, v] = tf.split(qkv, 3, 1).map((t) => t.reshape([batch, n, heads, dh]).transpose([0, 2, 1, 3]));
  const scores = tf.matMul(q.mul(1 / Math.sqrt(dh)), k, false, true).add(mask); // exp(−1e9) is exactly 0
  const ctx = tf.matMul(tf.softmax(scores), v);
  return ctx.transpose([0, 2, 1, 3]).reshape([batch * n, d]);
}

function jsAttention(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const op = tf.customGrad((input) => {
    const x = (input as tf.Tensor).dataSync() as Float32Array;
    const { out, probs } = attentionForward(x, shape);
    return {
      value: tf.tensor2d(out, [shape.batch * shape.n, shape.d]),
      gradFunc: (dy: tf.Tensor) => tf.tensor2d(attentionBackward(x, probs, dy.dataSync() as Float32Array, shape), qkv.shape),
    };
  });
  return op(qkv) as tf.Tensor2D;
}

/** Forward pass on plain arrays; probs [B, H, N, N] (zero above the diagonal) is kept for the backward pass. */
export function attentionForward(x: Float32Array, { batch, n, heads, d }: AttentionShape): { out: Float32Array; probs: Float32Array } {
  const dh = d / heads;
  const stride = 3 * d;
  const scale = 1 / Math.sqrt(dh);
  const out = new Float32Array(batch * n * d);
  const probs = new Float32Array(batch * heads * n * n);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const base = (b * heads + h) * n * n;
      const first = b * n * stride + h * dh; // q of token 0 of this sequence and head; k at +d, v at +2d
      for (let i = 0; i < n; i++) {
        const q = first + i * stride;
        const row = base + i * n;
        let max = -Infinity;
        for (let j = 0, k = first + d; j <= i; j++, k += stride) {
          // Four partial sums: the loop is latency-bound on one accumulator (dh is a multiple of 4).
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let e = 0; e < dh; e += 4) {
            s0 += x[q + e] * x[k + e];
            s1 += x[q + e + 1] * x[k + e + 1];
            s2 += x[q + e + 2] * x[k + e + 2];
            s3 += x[q + e + 3] * x[k + e + 3];
          }
          const s = (s0 + s1 + s2 + s3) * scale;
          probs[row + j] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const p = Math.exp(probs[row + j] - max);
          probs[row + j] = p;
          sum += p;
        }
        const inv = 1 / sum;
        const o = (b * n + i) * d + h * dh;
        for (let j = 0, v = first + 2 * d; j <= i; j++, v += stride) {
          const p = (probs[row + j] *= inv);
          for (let e = 0; e < dh; e++) out[o + e] += p * x[v + e];
        }
      }
    }
  }
  return { out, probs };
}

/** Gradient with respect to the packed q|k|v rows, given the output gradient dy [B·N, d]. */
export function attentionBackward(x: Float32Array, probs: Float32Array, dy: Float32Array, { batch, n, heads, d }: AttentionShape): Float32Array {
  const dh = d / heads;
  const stride = 3 * d;
  const scale = 1 / Math.sqrt(dh);
  const dx = new Float32Array(x.length);
  const dp = new Float32Array(n);
  const dq = new Float32Array(dh);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const base = (b * heads + h) * n * n;
      const first = b * n * stride + h * dh;
      for (let i = 0; i < n; i++) {
        const o = (b * n + i) * d + h * dh;
        const q = first + i * stride;
        const row = base + i * n;
        // dP_ij = dO_i·v_j; softmax backward: dS_ij = P_ij (dP_ij − Σ_j' P_ij' dP_ij').
        let rowDot = 0;
        for (let j = 0, v = first + 2 * d; j <= i; j++, v += stride) {
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let e = 0; e < dh; e += 4) {
            s0 += dy[o + e] * x[v + e];
            s1 += dy[o + e + 1] * x[v + e + 1];
            s2 += dy[o + e + 2] * x[v + e + 2];
            s3 += dy[o + e + 3] * x[v + e + 3];
          }
          dp[j] = s0 + s1 + s2 + s3;
          rowDot += probs[row + j] * dp[j];
        }
        // dV_j += P_ij·dO_i, dK_j += dS_ij·q_i / √dh, dQ_i += dS_ij·k_j / √dh (dQ_i kept in a small buffer).
        dq.fill(0);
        for (let j = 0, k = first + d; j <= i; j++, k += stride) {
          const p = probs[row + j];
          const v = k + d;
          const ds = p * (dp[j] - rowDot) * scale;
          for (let e = 0; e < dh; e += 4) {
            dx[v + e] += p * dy[o + e];
            dx[v + e + 1] += p * dy[o + e + 1];
            dx[v + e + 2] += p * dy[o + e + 2];
            dx[v + e + 3] += p * dy[o + e + 3];
            dq[e] += ds * x[k + e];
            dq[e + 1] += ds * x[k + e + 1];
            dq[e + 2] += ds * x[k + e + 2];
            dq[e + 3] += ds * x[k + e + 3];
            dx[k + e] += ds * x[q + e];
            dx[k + e + 1] += ds * x[q + e + 1];
            dx[k + e + 2] += ds * x[q + e + 2];
            dx[k + e + 3] += ds * x[q + e + 3];
          }
        }
        for (let e = 0; e < dh; e++) dx[q + e] += dq[e];
      }
    }
  }
  return dx;
}
