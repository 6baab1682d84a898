// Training the patch transformer: one async step, and a small trainer the worker drives in a loop
// (pause/resume between steps, loss history for the live chart, learning-rate warm-up and cosine decay).
import * as tf from '@tensorflow/tfjs';
import { loss, patchDim, type PatchAR } from './model';

/**
 * One Adam step on tokens [B, N, patchDim] (generation order). Resolves to the batch loss as a plain number
 * (read with await data(): WebGPU has no synchronous read-back).
 */
export async function trainStep(model: PatchAR, optimizer: tf.Optimizer, batch: tf.Tensor3D, order: Int32Array): Promise<number> {
  const l = optimizer.minimize(() => loss(model, batch, order), true, Object.values(model.params));
  if (!l) throw new Error('optimizer.minimize returned no loss');
  try {
    const [value] = await l.data();
    return value;
  } finally {
    l.dispose();
  }
}

export type Schedule = { lr: number; warmup: number; total: number; minLr: number };

/** Linear warm-up to `lr`, then cosine decay to `minLr` at step `total` (constant after). */
export function learningRateAt(step: number, s: Schedule): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  const t = Math.min(1, (step - s.warmup) / Math.max(1, s.total - s.warmup));
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * t));
}

/** Makes each training batch: tokens [batchSize · N · patchDim] in generation order, as plain floats. */
export type BatchSource = (batchSize: number) => Float32Array;

export type TrainerOptions = {
  order: Int32Array;
  source: BatchSource;
  batchSize?: number;
  schedule?: Partial<Schedule>;
};

export type Trainer = {
  /** Runs one step now (pause only stops `run`); resolves to its loss. */
  step(): Promise<number>;
  /** Runs steps until `steps` more are done, pause() is called or `signal` aborts; calls onStep after each. */
  run(steps: number, onStep?: (step: number, loss: number) => void, signal?: AbortSignal): Promise<void>;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Steps taken so far. */
  readonly steps: number;
  /** Loss of every step taken, for the live loss chart. */
  readonly losses: readonly number[];
  readonly optimizer: tf.Optimizer;
  /** Frees the optimizer's slots (the model stays). */
  dispose(): void;
};

const DEFAULT_SCHEDULE: Schedule = { lr: 2e-3, warmup: 100, total: 3000, minLr: 1e-4 };

/**
 * A trainer for `model` on batches from `source` in `order`. Pausing is cooperative: a running `run` stops
 * after the step in flight, so the weights are never read or saved mid-update.
 */
export function createTrainer(model: PatchAR, options: TrainerOptions): Trainer {
  const schedule = { ...DEFAULT_SCHEDULE, ...options.schedule };
  const batchSize = options.batchSize ?? 32;
  const n = options.order.length;
  const dim = patchDim(model.config);
  const optimizer = tf.train.adam(schedule.lr);
  const losses: number[] = [];
  let paused = false;

  async function step(): Promise<number> {
    // tfjs keeps the learning rate in a protected field that Adam reads on every update.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(losses.length, schedule);
    const data = options.source(batchSize);
    const batch = tf.tensor3d(data, [data.length / (n * dim), n, dim]);
    try {
      const value = await trainStep(model, optimizer, batch, options.order);
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
    losses,
    optimizer,
    dispose: () => optimizer.dispose(),
  };
}
