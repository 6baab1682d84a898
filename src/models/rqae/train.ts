// Training the RQ auto-encoder: one async step, and a trainer the worker and the script drive (pause/resume
// between steps, loss history for the live chart, warm-up + cosine learning rate, k-means codebook
// initialisation after a plain-auto-encoder warm-up, dead-code restarts for either objective; see
// codebookInit.ts).
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../../core/random';
import { createLoopTrainer, learningRateAt, minimizeStep, setLearningRate, type LoopTrainer, type LoopTrainerOptions, type Schedule } from '../training';
import { deadCodeRestarts, initialCodebook } from './codebookInit';
import { autoencoderLoss, codesOf, COMMITMENT_BETA, objectiveLoss, type Objective } from './losses';
import { encode, type Rqae } from './model';
import { residualCodes } from './quantize';

export { learningRateAt, type Schedule };

/** One Adam step of `objective` on images [B, side, side, ch]; resolves to the loss as a plain number. */
export async function trainStep(model: Rqae, optimizer: tf.Optimizer, images: tf.Tensor4D, objective: Objective, beta = COMMITMENT_BETA): Promise<number> {
  const codes = codesOf(model, images);
  try {
    return await minimizeStep(optimizer, () => objectiveLoss(model, images, objective, beta, codes), Object.values(model.params));
  } finally {
    codes.dispose();
  }
}

/** Makes training images [batchSize · side · side · channels] in [0, 1], as plain floats. */
export type BatchSource = (batchSize: number) => Float32Array;

export type TrainerOptions = LoopTrainerOptions & {
  objective: Objective;
  source: BatchSource;
  /** Plain auto-encoder steps before k-means fits the codebook; 0 keeps the model's codebook (a trained one). */
  warmup?: number;
  /** Restart dead codewords every this many steps after the warm-up (0: never). */
  restartEvery?: number;
  beta?: number;
  seed?: number;
};

export type Trainer = LoopTrainer & {
  /** Dead codewords restarted so far. */
  readonly restarted: number;
  /** Multiplies the scheduled learning rate of every later step (1 at the start; a reduce-on-plateau lowers it). */
  lrScale: number;
};

const DEFAULT_SCHEDULE: Schedule = { lr: 2e-3, warmup: 50, total: 2000, minLr: 1e-4 };
/** Images encoded for the k-means initialisation (×(side/4)² latent vectors) and for dead-code checks. */
const INIT_IMAGES = 96;
const RESTART_IMAGES = 64;

function imagesTensor(model: Rqae, data: Float32Array): tf.Tensor4D {
  const { side, channels } = model.config;
  return tf.tensor4d(data, [data.length / (side * side * channels), side, side, channels]);
}

/** Fits the codebook by k-means on the encoder's outputs for `images` (see codebookInit.ts). */
export async function fitCodebook(model: Rqae, images: Float32Array, seed: number): Promise<void> {
  const z = tf.tidy(() => encode(model, imagesTensor(model, images)));
  const latents = (await z.data()) as Float32Array;
  z.dispose();
  const rows = initialCodebook(latents, model.config, seed);
  const cb = model.params.codebook;
  tf.tidy(() => cb.assign(tf.tensor(rows, cb.shape)));
}

/** Replaces codewords that no latent vector of `images` chooses; resolves to how many. */
export async function restartDeadCodes(model: Rqae, images: Float32Array, rand: () => number): Promise<number> {
  const { codes, residuals } = tf.tidy(() => residualCodes(model, encode(model, imagesTensor(model, images))));
  const [c, r] = await Promise.all([codes.data(), residuals.data()]);
  tf.dispose([codes, residuals]);
  const { rows, values } = deadCodeRestarts(c as Int32Array, r as Float32Array, model.config, rand);
  if (rows.length === 0) return 0;
  const cb = model.params.codebook;
  const dim = model.config.latentDim;
  tf.tidy(() => {
    const mask = new Float32Array(cb.shape[0]);
    const replacement = new Float32Array(cb.shape[0] * dim);
    rows.forEach((row, j) => {
      mask[row] = 1;
      replacement.set(values.subarray(j * dim, (j + 1) * dim), row * dim);
    });
    const m = tf.tensor2d(mask, [cb.shape[0], 1]);
    cb.assign(cb.mul(tf.scalar(1).sub(m)).add(tf.tensor2d(replacement, cb.shape as [number, number]).mul(m)));
  });
  return rows.length;
}

/**
 * A trainer for `model` on images from `source`: plain auto-encoder steps for the warm-up, then the k-means
 * codebook fit and steps of the objective with periodic dead-code restarts. Pausing is cooperative.
 */
export function createTrainer(model: Rqae, options: TrainerOptions): Trainer {
  const batchSize = options.batchSize ?? 32;
  const warmup = options.warmup ?? 0;
  const restartEvery = options.restartEvery ?? 200;
  const seed = options.seed ?? 0;
  const rand = mulberry32(seed + 17);
  // Always the same variable list: tfjs's Adam keeps its moments by position in it. During the warm-up the
  // codebook enters the loss times 0, so its gradient, moments and updates stay 0.
  const vars = Object.values(model.params);
  let restarted = 0;
  let lrScale = 1;
  const schedule: Schedule = { ...DEFAULT_SCHEDULE, ...options.schedule };

  const trainer = createLoopTrainer(schedule, async (optimizer, n) => {
    if (lrScale !== 1) setLearningRate(optimizer, learningRateAt(n, schedule) * lrScale);
    if (warmup > 0 && n === warmup) await fitCodebook(model, options.source(INIT_IMAGES), seed);
    if (restartEvery > 0 && n > warmup && (n - warmup) % restartEvery === 0) {
      restarted += await restartDeadCodes(model, options.source(RESTART_IMAGES), rand);
    }
    const batch = imagesTensor(model, options.source(batchSize));
    try {
      return n < warmup
        ? await minimizeStep(optimizer, () => autoencoderLoss(model, batch).add(model.params.codebook.sum().mul(0)) as tf.Scalar, vars)
        : await trainStep(model, optimizer, batch, options.objective, options.beta);
    } finally {
      batch.dispose();
    }
  }, vars);
  return Object.defineProperties(trainer, {
    restarted: { get: () => restarted, enumerable: true },
    lrScale: {
      get: () => lrScale,
      set: (v: number) => {
        if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`a learning-rate scale must be positive, got ${v}`);
        lrScale = v;
      },
      enumerable: true,
    },
  }) as Trainer;
}
