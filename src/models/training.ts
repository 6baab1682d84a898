// What every model's training shares: one optimizer step that resolves to the loss as a plain number (read
// with await data(): WebGPU has no synchronous read-back), optionally with global-norm gradient clipping;
// the learning-rate schedule (linear warm-up, cosine decay); Adam that follows it step by step and records
// each step's loss; and the pausable loop the workers and the scripts drive.
import * as tf from '@tensorflow/tfjs-core';

export type Schedule = { lr: number; warmup: number; total: number; minLr: number };

/** Linear warm-up to `lr`, then cosine decay to `minLr` at step `total` (constant after). */
export function learningRateAt(step: number, s: Schedule): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  const t = Math.min(1, (step - s.warmup) / Math.max(1, s.total - s.warmup));
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * t));
}

/** Sets the learning rate the optimizer's next update uses. */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  // tfjs keeps the learning rate in a protected field that its optimizers read on every update.
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

/** Reads a scalar as a plain number and frees it. */
export async function readScalar(value: tf.Scalar): Promise<number> {
  try {
    const [v] = await value.data();
    return v;
  } finally {
    value.dispose();
  }
}

/**
 * One step of `optimizer` on the loss `loss()` builds (called under the gradient tape) over `vars`; resolves
 * to the loss before the update. With `clipNorm`, the gradients are scaled by min(1, clipNorm / ‖g‖), ‖g‖ the
 * global norm over all of them.
 */
export async function minimizeStep(optimizer: tf.Optimizer, loss: () => tf.Scalar, vars: tf.Variable[], clipNorm?: number): Promise<number> {
  if (clipNorm === undefined) {
    const l = optimizer.minimize(loss, true, vars);
    if (!l) throw new Error('optimizer.minimize returned no loss');
    return readScalar(l);
  }
  const value = tf.tidy(() => {
    const { value: l, grads } = tf.variableGrads(loss, vars);
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(clipNorm, tf.add(norm, 1e-12)));
    optimizer.applyGradients(Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) })));
    return l;
  });
  return readScalar(value);
}

/** Steps between two copies of the weights (and Adam's state) that a diverged run falls back to. */
export const CHECKPOINT_EVERY = 10;
/** A loss this many times the first loss of the run counts as exploding (no loss of these models rises so far while learning). */
export const EXPLODING_FACTOR = 1e6;

/** Training stopped because the loss became NaN, infinite or exploded; the weights are back at `restoredStep`. */
export class DivergenceError extends Error {
  constructor(readonly step: number, readonly restoredStep: number, what: string) {
    super(`the loss ${what} at step ${step}, so the weights of step ${restoredStep} (the last checkpoint before it) were restored; the training up to there is kept`);
  }
}

/** Adam's own state, which a checkpoint keeps with the weights (tfjs keeps it in protected fields). */
type AdamState = { accBeta1: tf.Variable; accBeta2: tf.Variable; accumulatedFirstMoment: { variable: tf.Variable }[]; accumulatedSecondMoment: { variable: tf.Variable }[] };

function adamVariables(optimizer: tf.Optimizer): tf.Variable[] {
  const s = optimizer as unknown as AdamState;
  return [s.accBeta1, s.accBeta2, ...s.accumulatedFirstMoment.map((m) => m.variable), ...s.accumulatedSecondMoment.map((m) => m.variable)];
}

/** Copies of the weights and Adam's state before step `step`. */
type Checkpoint = { step: number; values: tf.Tensor[] };

/** Why `loss` means the run diverged, or null. */
function divergence(loss: number, first: number | null): string | null {
  if (Number.isNaN(loss)) return 'became NaN';
  if (!Number.isFinite(loss)) return 'became infinite';
  if (first !== null && first > 0 && loss > EXPLODING_FACTOR * first) return `exploded to ${loss.toPrecision(3)} (from ${first.toPrecision(3)} at the start)`;
  return null;
}

/**
 * Everything a trainer carries from one step to the next besides the weights: the loss of every step taken (so
 * the step count) and Adam's state, its running products β₁ᵗ, β₂ᵗ and the first and second moment of every
 * trained variable, in the optimizer's order (first moments, then second moments). Plain arrays, so it can be
 * stored (src/models/trainingCheckpoint.ts).
 */
export type TrainerState = {
  losses: number[];
  accBeta: [number, number];
  moments: { shape: number[]; values: Float32Array }[];
};

/** Adam whose learning rate follows a schedule, with the loss of every step taken. */
export type ScheduledAdam = {
  readonly optimizer: tf.Optimizer;
  /** Loss of every step taken, for the live loss chart. */
  readonly losses: number[];
  /**
   * Sets the learning rate of step `losses.length`, runs `update` (one step with the optimizer) and records
   * the loss it resolves to.
   */
  step(update: (optimizer: tf.Optimizer, step: number) => Promise<number>): Promise<number>;
  /** Reads the losses and Adam's state (no step may run meanwhile). */
  readState(): Promise<TrainerState>;
  /**
   * Puts back a state readState gave, for variables of the same shapes: the next step is step
   * `state.losses.length` with the same moments. Throws, changing nothing, when the moments do not fit.
   */
  writeState(state: TrainerState): void;
  /** Frees the optimizer's slots (the parameters stay). */
  dispose(): void;
};

/**
 * Scheduled Adam. Given the variables it trains (`guard`), it also keeps the run from diverging: every
 * CHECKPOINT_EVERY steps it copies them and its own state, and a step whose loss is NaN, infinite or
 * EXPLODING_FACTOR times the first one puts back the newest copy whose weights gave a finite loss, shortens the
 * loss history to match and throws a DivergenceError; the trainer can go on from there.
 */
export function createScheduledAdam(schedule: Schedule, guard?: tf.Variable[]): ScheduledAdam {
  const optimizer = tf.train.adam(schedule.lr);
  const losses: number[] = [];
  /** The newest copy whose weights were seen to give a finite loss, and one taken since, not yet checked. */
  let good: Checkpoint | null = null;
  let pending: Checkpoint | null = null;
  const free = (c: Checkpoint | null) => c?.values.forEach((t) => t.dispose());
  const tracked = () => [...(guard ?? []), ...adamVariables(optimizer)];
  const restore = (c: Checkpoint) => {
    // Adam's moments do not exist before its first update: a copy from then restores them as zeros.
    tf.tidy(() => tracked().forEach((v, i) => v.assign(c.values[i] ?? tf.zerosLike(v))));
    losses.length = c.step;
  };
  return {
    optimizer,
    losses,
    async step(update) {
      const n = losses.length;
      if (guard && (good === null || n - good.step >= CHECKPOINT_EVERY) && pending === null) pending = { step: n, values: tracked().map((v) => v.clone()) };
      setLearningRate(optimizer, learningRateAt(n, schedule));
      const value = await update(optimizer, n);
      const why = guard ? divergence(value, losses.length > 0 ? losses[0] : null) : null;
      if (why !== null) {
        const back = (good ?? pending)!;
        restore(back);
        if (back !== pending) free(pending);
        pending = null;
        throw new DivergenceError(n + 1, back.step, why);
      }
      if (pending?.step === n) {
        // The weights copied before this step gave a finite loss: the newest safe copy.
        if (good !== pending) free(good);
        good = pending;
        pending = null;
      }
      losses.push(value);
      return value;
    },
    async readState() {
      const s = optimizer as unknown as AdamState;
      const moments = [...s.accumulatedFirstMoment, ...s.accumulatedSecondMoment].map((m) => m.variable);
      const [b1, b2, ...values] = await Promise.all([s.accBeta1, s.accBeta2, ...moments].map((v) => v.data() as Promise<Float32Array>));
      return { losses: [...losses], accBeta: [b1[0], b2[0]], moments: moments.map((m, i) => ({ shape: [...m.shape], values: Float32Array.from(values[i]) })) };
    },
    writeState(state) {
      const vars = guard ?? [];
      const { moments } = state;
      const fits = moments.length === 2 * vars.length
        && moments.every((m, i) => m.shape.join() === vars[i % vars.length].shape.join() && m.values.length === vars[i % vars.length].size);
      if (!fits) throw new Error(`the optimizer state holds ${moments.length / 2} moments that do not fit the ${vars.length} trained variables`);
      free(good);
      free(pending);
      good = pending = null;
      const s = optimizer as unknown as AdamState;
      const old = [...s.accumulatedFirstMoment, ...s.accumulatedSecondMoment].map((m) => m.variable);
      // The moments become variables of their own, by position as tfjs's Adam keeps them.
      const fresh = moments.map((m, i) => ({ originalName: `${vars[i % vars.length].name}/${i < vars.length ? 'm' : 'v'}`, variable: tf.tidy(() => tf.variable(tf.tensor(m.values, m.shape), false)) }));
      s.accumulatedFirstMoment = fresh.slice(0, vars.length);
      s.accumulatedSecondMoment = fresh.slice(vars.length);
      old.forEach((v) => v.dispose());
      tf.tidy(() => {
        s.accBeta1.assign(tf.scalar(state.accBeta[0]));
        s.accBeta2.assign(tf.scalar(state.accBeta[1]));
      });
      losses.length = 0;
      losses.push(...state.losses);
    },
    dispose: () => {
      free(good);
      free(pending);
      good = pending = null;
      optimizer.dispose();
    },
  };
}

/** What every loop trainer is given besides its model: where batches come from, their size, the schedule. */
export type LoopTrainerOptions = {
  /** Makes one training batch of `batchSize` examples, as plain floats. */
  source: (batchSize: number) => Float32Array;
  batchSize?: number;
  /** Overrides of the model's default learning-rate schedule. */
  schedule?: Partial<Schedule>;
};

export type LoopTrainer = {
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
  /** The losses and Adam's state, to store and put back (ScheduledAdam). */
  readState(): Promise<TrainerState>;
  writeState(state: TrainerState): void;
  /** Frees the optimizer's slots (the model stays). */
  dispose(): void;
};

/**
 * A trainer whose every step is `update` with scheduled Adam (kept from diverging over `guard`, see
 * createScheduledAdam). Pausing is cooperative: a running `run` stops
 * after the step in flight, so the weights are never read or saved mid-update.
 */
export function createLoopTrainer(schedule: Schedule, update: (optimizer: tf.Optimizer, step: number) => Promise<number>, guard?: tf.Variable[]): LoopTrainer {
  const adam = createScheduledAdam(schedule, guard);
  const { losses } = adam;
  const step = () => adam.step(update);
  let paused = false;
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
    optimizer: adam.optimizer,
    readState: () => adam.readState(),
    writeState: (state) => adam.writeState(state),
    dispose: () => adam.dispose(),
  };
}

/**
 * Runs `trainer` for `steps` steps in chunks of at most `chunk`; after each chunk calls `after` with the steps
 * done so far and the mean loss of that chunk's steps.
 */
export async function runInChunks(
  trainer: Pick<LoopTrainer, 'run' | 'losses'>,
  steps: number,
  chunk: number,
  after: (done: number, meanLoss: number) => Promise<void> | void,
): Promise<void> {
  for (let done = 0; done < steps; ) {
    const size = Math.min(chunk, steps - done);
    await trainer.run(size);
    done += size;
    const recent = trainer.losses.slice(-size);
    await after(done, recent.reduce((a, b) => a + b, 0) / recent.length);
  }
}
