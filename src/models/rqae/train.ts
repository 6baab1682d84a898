// Training the RQ auto-encoder: one async step, and a trainer the worker and the script drive (pause/resume
// between steps, loss history for the live chart, warm-up + cosine learning rate, k-means codebook
// initialisation after a plain-auto-encoder warm-up, dead-code restarts; see codebookInit.ts).
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../core/random';
import { learningRateAt, type Schedule } from '../patchAR/train';
import { deadCodeRestarts, initialCodebook } from './codebookInit';
import { autoencoderLoss, codesOf, COMMITMENT_BETA, objectiveLoss, type Objective } from './losses';
import { encode, type Rqae } from './model';
import { residualCodes } from './quantize';

export { learningRateAt, type Schedule };

/** One Adam step on `f`; resolves to the loss as a plain number (await data(): WebGPU has no sync read-back). */
async function minimize(optimizer: tf.Optimizer, f: () => tf.Scalar, vars: tf.Variable[]): Promise<number> {
  const l = optimizer.minimize(f, true, vars);
  if (!l) throw new Error('optimizer.minimize returned no loss');
  try {
    return (await l.data())[0];
  } finally {
    l.dispose();
  }
}

/** One Adam step of `objective` on images [B, side, side, ch]. */
export async function trainStep(model: Rqae, optimizer: tf.Optimizer, images: tf.Tensor4D, objective: Objective, beta = COMMITMENT_BETA): Promise<number> {
  const codes = codesOf(model, images);
  try {
    return await minimize(optimizer, () => objectiveLoss(model, images, objective, beta, codes), Object.values(model.params));
  } finally {
    codes.dispose();
  }
}

/** Makes training images [batchSize · side · side · channels] in [0, 1], as plain floats. */
export type BatchSource = (batchSize: number) => Float32Array;

export type TrainerOptions = {
  objective: Objective;
  source: BatchSource;
  batchSize?: number;
  schedule?: Partial<Schedule>;
  /** Plain auto-encoder steps before k-means fits the codebook; 0 keeps the model's codebook (a trained one). */
  warmup?: number;
  /** Restart dead codewords every this many steps after the warm-up (0: never). */
  restartEvery?: number;
  beta?: number;
  seed?: number;
};

export type Trainer = {
  step(): Promise<number>;
  run(steps: number, onStep?: (step: number, loss: number) => void, signal?: AbortSignal): Promise<void>;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  readonly steps: number;
  /** Loss of every step (warm-up steps: the plain auto-encoder's MSE). */
  readonly losses: readonly number[];
  /** Dead codewords restarted so far. */
  readonly restarted: number;
  readonly optimizer: tf.Optimizer;
  dispose(): void;
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

export function createTrainer(model: Rqae, options: TrainerOptions): Trainer {
  const schedule = { ...DEFAULT_SCHEDULE, ...options.schedule };
  const batchSize = options.batchSize ?? 32;
  const warmup = options.warmup ?? 0;
  const restartEvery = options.restartEvery ?? 200;
  const seed = options.seed ?? 0;
  const rand = mulberry32(seed + 17);
  const optimizer = tf.train.adam(schedule.lr);
  const losses: number[] = [];
  // Always the same variable list: tfjs's Adam keeps its moments by position in it. During the warm-up the
  // codebook enters the loss times 0, so its gradient, moments and updates stay 0.
  const vars = Object.values(model.params);
  let paused = false;
  let restarted = 0;

  async function step(): Promise<number> {
    const n = losses.length;
    if (warmup > 0 && n === warmup) await fitCodebook(model, options.source(INIT_IMAGES), seed);
    if (restartEvery > 0 && n > warmup && (n - warmup) % restartEvery === 0) {
      restarted += await restartDeadCodes(model, options.source(RESTART_IMAGES), rand);
    }
    // tfjs keeps the learning rate in a protected field that Adam reads on every update.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(n, schedule);
    const batch = imagesTensor(model, options.source(batchSize));
    try {
      const value = n < warmup
        ? await minimize(optimizer, () => autoencoderLoss(model, batch).add(model.params.codebook.sum().mul(0)) as tf.Scalar, vars)
        : await trainStep(model, optimizer, batch, options.objective, options.beta);
      losses.push(value);
      return value;
    } finally {
      batch.dispose();
    }
  }

  return {
    step,
    async run(steps, onStep, signal) {
      paused = false;
      for (let i = 0; i < steps && !paused && !signal?.aborted; i++) {
        const value = await step();
        onStep?.(losses.length, value);
      }
    },
    pause: () => void (paused = true),
    resume: () => void (paused = false),
    get paused() {
      return paused;
    },
    get steps() {
      return losses.length;
    },
    get restarted() {
      return restarted;
    },
    losses,
    optimizer,
    dispose: () => optimizer.dispose(),
  };
}
