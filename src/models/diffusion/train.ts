// Training a denoiser or the classifier: one async Adam step that resolves to the loss as a plain number
// (await data(): WebGPU has no synchronous read-back), and a trainer the worker and the script drive in a
// loop (loss history for the live chart, warm-up and cosine decay of the learning rate, gradient clipping).
import * as tf from '@tensorflow/tfjs-core';
import { createScheduledAdam, learningRateAt, minimizeStep, type Schedule, type TrainerState } from '../training';

export { learningRateAt, type Schedule };

export type Trainer = {
  /** One step on the loss `loss()` builds (called inside the optimizer's tape); resolves to its value. */
  step(loss: () => tf.Scalar): Promise<number>;
  readonly steps: number;
  readonly losses: number[];
  /** The losses and Adam's state, to store and put back (ScheduledAdam). */
  readState(): Promise<TrainerState>;
  writeState(state: TrainerState): void;
  /** Frees the optimizer's slots (the parameters stay). */
  dispose(): void;
};

/**
 * An Adam trainer of `vars` with the learning-rate schedule; gradients clipped to global norm `clipNorm`. A step
 * whose loss diverges puts back the last checkpoint and throws (training.ts, createScheduledAdam).
 */
export function createTrainer(vars: tf.Variable[], schedule: Schedule, clipNorm = 1): Trainer {
  const adam = createScheduledAdam(schedule, vars);
  return {
    // Clipped: the weighted losses of some weightings (x0-MSE at high noise) are huge.
    step: (loss) => adam.step((optimizer) => minimizeStep(optimizer, loss, vars, clipNorm)),
    get steps() {
      return adam.losses.length;
    },
    losses: adam.losses,
    readState: () => adam.readState(),
    writeState: (state) => adam.writeState(state),
    dispose: () => adam.dispose(),
  };
}

export type Ema = {
  /** Moves every average one step towards its parameter: avg ← decay·avg + (1 − decay)·param. */
  update(): void;
  /** The averaged parameters themselves (same names as the model's), e.g. to save a checkpoint of them. */
  readonly averages: Record<string, tf.Variable>;
  /** Copies the averages into the parameters (for evaluation or saving). */
  copyTo(params: Record<string, tf.Variable>): void;
  dispose(): void;
};

/**
 * An exponential moving average of the parameters (Polyak averaging, as diffusion models are evaluated and
 * sampled with: the raw weights of a short run carry step-to-step noise that shows as speckle in samples).
 * With `warmup`, update t (1, 2, …) uses the decay min(decay, (1 + t)/(10 + t)) (the warm-up of common DDPM
 * code): a run of a few hundred steps is then averaged over its recent steps, not held near the initial weights.
 */
export function createEma(params: Record<string, tf.Variable>, decay: number, { warmup = false } = {}): Ema {
  const avg: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(params)) avg[k] = tf.tidy(() => tf.variable(v.clone(), false));
  let t = 0;
  return {
    averages: avg,
    update: () => tf.tidy(() => {
      t++;
      const d = warmup ? Math.min(decay, (1 + t) / (10 + t)) : decay;
      for (const [k, v] of Object.entries(params)) avg[k].assign(tf.add(tf.mul(avg[k], d), tf.mul(v, 1 - d)));
    }),
    copyTo: (target) => tf.tidy(() => {
      for (const [k, v] of Object.entries(avg)) target[k].assign(v);
    }),
    dispose: () => Object.values(avg).forEach((v) => v.dispose()),
  };
}
