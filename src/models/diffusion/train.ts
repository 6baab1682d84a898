// Training a denoiser or the classifier: one async Adam step that resolves to the loss as a plain number
// (await data(): WebGPU has no synchronous read-back), and a trainer the worker and the script drive in a
// loop (loss history for the live chart, warm-up and cosine decay of the learning rate).
import * as tf from '@tensorflow/tfjs';

export type Schedule = { lr: number; warmup: number; total: number; minLr: number };

/** Linear warm-up to `lr`, then cosine decay to `minLr` at step `total` (constant after). */
export function learningRateAt(step: number, s: Schedule): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  const t = Math.min(1, (step - s.warmup) / Math.max(1, s.total - s.warmup));
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * t));
}

export type Trainer = {
  /** One step on the loss `loss()` builds (called inside the optimizer's tape); resolves to its value. */
  step(loss: () => tf.Scalar): Promise<number>;
  readonly steps: number;
  readonly losses: number[];
  /** Frees the optimizer's slots (the parameters stay). */
  dispose(): void;
};

/** An Adam trainer of `vars` with the learning-rate schedule; gradients clipped to global norm `clipNorm`. */
export function createTrainer(vars: tf.Variable[], schedule: Schedule, clipNorm = 1): Trainer {
  const optimizer = tf.train.adam(schedule.lr);
  const losses: number[] = [];
  async function step(loss: () => tf.Scalar): Promise<number> {
    // tfjs keeps the learning rate in a protected field that Adam reads on every update.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(losses.length, schedule);
    const value = tf.tidy(() => {
      const { value: l, grads } = tf.variableGrads(loss, vars);
      // Global-norm clipping: the weighted losses of some weightings (x0-MSE at high noise) are huge.
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(clipNorm, tf.add(norm, 1e-12)));
      optimizer.applyGradients(Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) })));
      return l;
    });
    try {
      const [v] = await value.data();
      losses.push(v);
      return v;
    } finally {
      value.dispose();
    }
  }
  return {
    step,
    get steps() {
      return losses.length;
    },
    losses,
    dispose: () => optimizer.dispose(),
  };
}

export type Ema = {
  /** Moves every average one step towards its parameter: avg ← decay·avg + (1 − decay)·param. */
  update(): void;
  /** Copies the averages into the parameters (for evaluation or saving). */
  copyTo(params: Record<string, tf.Variable>): void;
  dispose(): void;
};

/**
 * An exponential moving average of the parameters (Polyak averaging, as diffusion models are evaluated and
 * sampled with: the raw weights of a short run carry step-to-step noise that shows as speckle in samples).
 */
export function createEma(params: Record<string, tf.Variable>, decay: number): Ema {
  const avg: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(params)) avg[k] = tf.tidy(() => tf.variable(v.clone(), false));
  return {
    update: () => tf.tidy(() => {
      for (const [k, v] of Object.entries(params)) avg[k].assign(tf.add(tf.mul(avg[k], decay), tf.mul(v, 1 - decay)));
    }),
    copyTo: (target) => tf.tidy(() => {
      for (const [k, v] of Object.entries(avg)) target[k].assign(v);
    }),
    dispose: () => Object.values(avg).forEach((v) => v.dispose()),
  };
}
