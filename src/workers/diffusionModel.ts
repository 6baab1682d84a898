// The model worker's denoisers: the class-conditional digit denoiser (with the digit classifier that labels its
// samples) and the unconditional natural-patch denoiser, each loaded lazily (the copy saved in this browser →
// the shipped weights → fresh ones), evaluated on its shipped held-out set (the 50-bin λ loss profile), and
// predicted from, sampled, trained, reset, saved and forgotten on request. The handler (computeHandler.ts)
// starts tfjs first and passes each request here.
import { seededNoise } from '../core/diffusion/forward';
import { clipDenoised, ddimStep, ddpmStep, eulerFlowStep, sigmaOverAlpha, type NoiseLevel } from '../core/diffusion/samplers';
import { logSnrFromAlphaSigma } from '../core/diffusion/schedules';
import { TRAINING_LAMBDA_LIMIT } from '../core/diffusion/trainingNoise';
import { gaussian, mulberry32 } from '../core/random';
import {
  batchLoss, classifyAsync, createDenoiser, createTrainer, denoiserOfAsync, DIGIT_DENOISER, disposeClassifier, disposeDenoiser, firstOf, heldoutProfileAsync,
  indexedDbUrl, loadFrom, loadFromUrl, makeBatch, modelSpaceOfSet, PATCH_DENOISER, paramCount, pixelsOfSet, PROFILE_IMAGES, PROFILE_SEED,
  randomIndices, readImageSet, saveTo, toPixels, type Classifier, type Denoiser, type DenoiserConfig, type ImageSet, type Parameterization,
  type Trainer, type WeightsJson, type WeightsMeta,
} from '../models/diffusion';
import { activeBackendName, savedModelStorage, type ModelStorage } from '../models/savedModels';
import type {
  DenoiserId, DenoiserLoadProgress, DenoiserPrediction, DenoiserRequest, DenoiserResults, DenoiserSampleResult, DenoiserSource, DenoiserStatus,
  DenoiserTarget, DenoiserTrainProgress, DenoiserTrainResult,
} from './diffusionModelProtocol';

/** Where saved denoisers live: IndexedDB through tf.io in the browser ('indexeddb://diffusion-<model>'), something in memory in tests. */
export type DenoiserStorage = ModelStorage<Denoiser, WeightsJson<'diffusion-denoiser'>, WeightsMeta>;

export const indexedDbStorage: DenoiserStorage = savedModelStorage(
  indexedDbUrl,
  (url) => loadFrom(url, 'diffusion-denoiser'),
  (url, model, meta) => saveTo(url, 'diffusion-denoiser', model, meta),
);

export interface DenoiserHostOptions {
  fetch?: (url: string) => Promise<Response>;
  storage?: DenoiserStorage;
  /** Use only the first `heldoutLimit` held-out images (tests); default all (the loss profile uses ≤ 200). */
  heldoutLimit?: number;
  /** Resolves once tfjs runs on a backend; awaited before any model work. */
  ready?: () => Promise<unknown>;
}

export interface DenoiserContext {
  cancelled(): boolean;
  progress(done: number, total: number, label: string, data?: unknown): void;
}

export interface DenoiserHost {
  handle(req: DenoiserRequest, ctx: DenoiserContext): Promise<DenoiserResults[DenoiserRequest['kind']]>;
  clear(): void;
}

type Spec = { config: DenoiserConfig; heldout: string; labels: boolean; train: string; noun: string };

const SPECS: Record<DenoiserId, Spec> = {
  digits: { config: DIGIT_DENOISER, heldout: 'digits-heldout', labels: true, train: 'digits-train', noun: 'digits' },
  patches: { config: PATCH_DENOISER, heldout: 'patches-heldout', labels: false, train: 'patches-train', noun: 'patches' },
};

/** Seed of a fresh model's weights (the training script's). */
const FRESH_SEED = 20241125;
const MAX_BATCH = 256;
const MAX_STEPS = 100_000;
const MAX_SAMPLES = 64;
const MAX_LEVELS = 1001;
/** Fine-tuning shipped weights wants a gentler learning rate than training fresh ones. */
const FINE_TUNE = { lr: 3e-4, warmup: 20, total: 5000, minLr: 3e-5 };
const FROM_SCRATCH = { lr: 1e-3, warmup: 100, total: 8000, minLr: 2e-5 };

type Entry = {
  id: DenoiserId;
  model: Denoiser;
  parameterization: Parameterization;
  source: DenoiserSource;
  saved: boolean;
  trainedSteps: number | null;
  trainer: Trainer | null;
  version: number;
  evaluated: { version: number; lambda: number[]; loss: number[] } | null;
  lock: Promise<unknown>;
  run: number;
  disposed: boolean;
};

function yieldToQueue(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const isParameterization = (p: unknown): p is Parameterization => p === 'eps' || p === 'x0' || p === 'v' || p === 'velocity';

function checkModel(target: DenoiserTarget): Spec {
  const spec = SPECS[target.model];
  if (!spec) throw new Error(`unknown denoiser '${String(target.model)}'`);
  return spec;
}

function checkLevel(level: NoiseLevel, what: string): void {
  const ok = level && Number.isFinite(level.alpha) && Number.isFinite(level.sigma) && level.alpha >= 0 && level.sigma >= 0 && level.alpha + level.sigma > 0;
  if (!ok) throw new RangeError(`${what} needs finite α, σ ≥ 0, not both 0; got ${JSON.stringify(level)}`);
}

/**
 * Below the trained λ range (a schedule's very end, e.g. cosine at t = 1 where α ≈ 5e-5) x_t is noise to the
 * network, and an ε-prediction's x̂0 = (x − σ·ε̂)/α amplifies its error 10⁴-fold into a random ±1 pattern
 * after clipping, which DDIM then carries into the sample as speckle. There x̂0 is taken as the centre of the
 * data range, 0, and ε̂ = x/σ: the step keeps the noise and adds no fake signal.
 */
function priorCentre(x: Float32Array, level: NoiseLevel): { x0: Float32Array; eps: Float32Array } {
  return { x0: new Float32Array(x.length), eps: x.map((v) => v / level.sigma) };
}

const fits = (json: WeightsJson<'diffusion-denoiser'>, config: DenoiserConfig) =>
  json.config.side === config.side && json.config.channels === config.channels && json.config.classes === config.classes;

export function createDenoiserHost(options: DenoiserHostOptions = {}): DenoiserHost {
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const storage = options.storage ?? indexedDbStorage;
  const entries = new Map<DenoiserId, Promise<Entry>>();
  const sets = new Map<string, Promise<ImageSet>>();
  let classifier: Promise<{ model: Classifier; accuracy: number }> | null = null;
  let versions = 0;

  async function fetchBytes(url: string): Promise<ArrayBuffer> {
    const response = await fetchFn(url);
    if (!response.ok) throw new Error(`could not download ${url} (HTTP ${response.status})`);
    return response.arrayBuffer();
  }

  /** A shipped image set (held-out or training), with labels for digits; cached, retried after a failure. */
  function imageSet(baseUrl: string, spec: Spec, name: string): Promise<ImageSet> {
    const key = `${baseUrl}|${name}`;
    let hit = sets.get(key);
    if (!hit) {
      const dir = `${baseUrl}models/diffusion/`;
      const { side, channels } = spec.config;
      hit = Promise.all([fetchBytes(`${dir}${name}.bin`), spec.labels ? fetchBytes(`${dir}${name}-labels.bin`) : Promise.resolve(undefined)])
        .then(([pixels, labels]) => readImageSet(pixels, side, channels, labels));
      sets.set(key, hit);
      hit.catch(() => sets.delete(key));
    }
    return hit;
  }

  async function heldout(baseUrl: string, spec: Spec): Promise<ImageSet> {
    const set = await imageSet(baseUrl, spec, spec.heldout);
    return firstOf(set, options.heldoutLimit ?? set.count);
  }

  /** The digit classifier and its accuracy on the whole shipped held-out set (digits only). */
  function classifierFor(baseUrl: string): Promise<{ model: Classifier; accuracy: number }> {
    classifier ??= (async () => {
      const { model } = await loadFromUrl('digit-classifier', `${baseUrl}models/diffusion/classifier/`, undefined, fetchFn);
      const set = await imageSet(baseUrl, SPECS.digits, SPECS.digits.heldout);
      const { label } = await classifyAsync(model, pixelsOfSet(set, Int32Array.from({ length: set.count }, (_, i) => i)));
      let right = 0;
      for (let i = 0; i < set.count; i++) if (label[i] === set.labels![i]) right++;
      return { model, accuracy: right / set.count };
    })();
    classifier.catch(() => (classifier = null));
    return classifier;
  }

  function withLock<T>(entry: Entry, job: () => Promise<T>): Promise<T> {
    const guarded = () => (entry.disposed ? Promise.reject(new Error('the denoiser was unloaded; try again')) : job());
    const run = entry.lock.then(guarded, guarded);
    entry.lock = run.catch(() => undefined);
    return run;
  }

  type Built = Pick<Entry, 'model' | 'parameterization' | 'source' | 'saved' | 'trainedSteps'>;

  const stepsOf = (json: WeightsJson<'diffusion-denoiser'>) => {
    const s = json.meta.training?.steps;
    return typeof s === 'number' && Number.isFinite(s) ? s : null;
  };
  const parameterizationOf = (json: WeightsJson<'diffusion-denoiser'>): Parameterization => (isParameterization(json.meta.parameterization) ? json.meta.parameterization : 'eps');

  /** The copy saved here (if preferred and readable), else the shipped weights, else fresh ones. */
  async function build(target: DenoiserTarget, ctx: DenoiserContext, preferSaved: boolean): Promise<Built> {
    const spec = checkModel(target);
    const phase = (done: number, label: string) => ctx.progress(done, 1000, label, { phase: 'weights' } satisfies DenoiserLoadProgress);
    const saved = await storage.has(target.model).catch(() => false);
    if (saved && preferSaved) {
      phase(150, 'Reading the weights saved in this browser');
      try {
        const { model, json } = await storage.load(target.model);
        if (fits(json, spec.config)) return { model, parameterization: parameterizationOf(json), source: 'indexeddb', saved, trainedSteps: stepsOf(json) };
        disposeDenoiser(model);
      } catch {
        // an unreadable or foreign copy: fall back to the shipped weights
      }
    }
    phase(150, 'Downloading the weights');
    try {
      const { model, json } = await loadFromUrl('diffusion-denoiser', `${target.baseUrl}models/diffusion/${target.model}/`, (loaded, total) => phase(150 + Math.round(350 * (total ? loaded / total : 0.5)), 'Downloading the weights'), fetchFn);
      if (fits(json, spec.config)) return { model, parameterization: parameterizationOf(json), source: 'shipped', saved, trainedSteps: stepsOf(json) };
      disposeDenoiser(model);
    } catch {
      // no shipped weights (or unreadable ones): start fresh, so the panel can still train one here
    }
    return { model: createDenoiser(spec.config, FRESH_SEED), parameterization: 'eps', source: 'fresh', saved, trainedSteps: null };
  }

  async function entryFor(target: DenoiserTarget, ctx: DenoiserContext): Promise<Entry> {
    checkModel(target);
    let pending = entries.get(target.model);
    if (!pending) {
      pending = build(target, ctx, true).then((b) => ({ ...b, id: target.model, trainer: null, version: ++versions, evaluated: null, lock: Promise.resolve(), run: 0, disposed: false }));
      entries.set(target.model, pending);
      pending.catch(() => entries.get(target.model) === pending && entries.delete(target.model));
    }
    return pending;
  }

  function disposeEntry(entry: Entry): void {
    entry.run++;
    try {
      entry.trainer?.dispose();
      disposeDenoiser(entry.model);
    } catch {
      // the backend holding the tensors may be gone (a lost GPU context); they go with it
    }
    entry.trainer = null;
  }

  async function status(entry: Entry, baseUrl: string, ctx: DenoiserContext): Promise<DenoiserStatus> {
    const spec = SPECS[entry.id];
    const set = await heldout(baseUrl, spec);
    const count = Math.min(set.count, PROFILE_IMAGES);
    const evaluated = await withLock(entry, async () => {
      if (entry.evaluated?.version === entry.version) return entry.evaluated;
      const profile = await heldoutProfileAsync(entry.model, entry.parameterization, set, {
        limit: count,
        seed: PROFILE_SEED,
        onChunk: async (f) => {
          ctx.progress(600 + Math.round(350 * f), 1000, `Evaluating on the held-out ${spec.noun}`, { phase: 'evaluating' } satisfies DenoiserLoadProgress);
          await yieldToQueue();
        },
      });
      entry.evaluated = { version: entry.version, lambda: profile.lambda, loss: profile.loss };
      return entry.evaluated;
    });
    const accuracy = entry.id === 'digits' ? (await classifierFor(baseUrl).catch(() => null))?.accuracy ?? null : null;
    ctx.progress(1000, 1000, 'Ready', { phase: 'evaluating' } satisfies DenoiserLoadProgress);
    const { side, channels, classes } = entry.model.config;
    return {
      model: entry.id, side, channels, classes, parameterization: entry.parameterization, source: entry.source, saved: entry.saved,
      paramCount: paramCount(entry.model.config), lambda: [...evaluated.lambda], loss: [...evaluated.loss], heldoutCount: count,
      classifierAccuracy: accuracy, version: entry.version, losses: entry.trainer ? [...entry.trainer.losses] : [], trainedSteps: entry.trainedSteps,
      backend: activeBackendName(),
    };
  }

  async function load(req: Extract<DenoiserRequest, { kind: 'denoiser-load' }>, ctx: DenoiserContext): Promise<DenoiserStatus> {
    const spec = checkModel(req);
    ctx.progress(100, 1000, `Downloading the held-out ${spec.noun}`, { phase: 'data' } satisfies DenoiserLoadProgress);
    await heldout(req.baseUrl, spec);
    return status(await entryFor(req, ctx), req.baseUrl, ctx);
  }

  async function predict(req: Extract<DenoiserRequest, { kind: 'denoiser-predict' }>, ctx: DenoiserContext): Promise<DenoiserPrediction> {
    const spec = checkModel(req);
    checkLevel(req.level, 'the noise level');
    const entry = await entryFor(req, ctx);
    const { side, channels, classes } = entry.model.config;
    const size = side * side * channels;
    let clean: Float32Array;
    let label: number | null = null;
    if (req.pixels) {
      if (req.pixels.length !== size) throw new RangeError(`the ${req.model} denoiser takes ${side}×${side}×${channels} pixels, got ${req.pixels.length} values`);
      clean = Float32Array.from(req.pixels, (p) => Math.min(1, Math.max(0, p)));
    } else {
      const set = await heldout(req.baseUrl, spec);
      const i = req.heldout ?? 0;
      if (!(Number.isInteger(i) && i >= 0 && i < set.count)) throw new RangeError(`${i} is not one of the ${set.count} held-out ${spec.noun} (0…${set.count - 1})`);
      clean = pixelsOfSet(set, [i]);
      label = set.labels ? set.labels[i] : null;
    }
    const condition = classes > 0 ? (req.label ?? label ?? classes - 1) : undefined;
    const x0 = clean.map((p) => 2 * p - 1);
    const eps = seededNoise(size, Math.floor(req.seed) || 0);
    const { alpha, sigma } = req.level;
    const x = x0.map((v, i) => alpha * v + sigma * eps[i]);
    return withLock(entry, async () => {
      const d = await denoiserOfAsync(entry.model, entry.parameterization, { labels: condition === undefined ? undefined : [condition] })(x, req.level);
      const r = Math.hypot(alpha, sigma);
      const x0hat = toPixels(d.x0);
      const error = new Float32Array(size);
      let mse = 0;
      for (let i = 0; i < size; i++) {
        error[i] = Math.abs(x0hat[i] - clean[i]);
        mse += error[i] ** 2 / size;
      }
      return { model: req.model, version: entry.version, clean, label, noisy: toPixels(x.map((v) => v / r)), x0hat, error, mse, lambda: logSnrFromAlphaSigma(alpha, sigma) };
    });
  }

  async function sampleRun(req: Extract<DenoiserRequest, { kind: 'denoiser-sample' }>, ctx: DenoiserContext): Promise<DenoiserSampleResult> {
    checkModel(req);
    const { levels } = req;
    if (!Array.isArray(levels) || levels.length < 2 || levels.length > MAX_LEVELS) throw new RangeError(`sampling needs 2…${MAX_LEVELS} noise levels, got ${levels?.length}`);
    levels.forEach((l, i) => checkLevel(l, `level ${i}`));
    const count = Math.floor(req.count);
    if (!(count >= 1 && count <= MAX_SAMPLES)) throw new RangeError(`sample 1…${MAX_SAMPLES} images, not ${req.count}`);
    if (req.sampler !== 'ddpm' && req.sampler !== 'ddim' && req.sampler !== 'euler') throw new Error(`unknown sampler '${String(req.sampler)}'`);
    const entry = await entryFor(req, ctx);
    const { side, channels, classes } = entry.model.config;
    const size = side * side * channels;
    const steps = levels.length - 1;
    const stripCount = Math.max(0, Math.min(steps, Math.floor(req.stripCount ?? 0)));
    const stripAt = new Set(Array.from({ length: stripCount }, (_, k) => Math.round(((k + 1) * steps) / stripCount) - 1));
    const labels = classes > 0 && req.label !== undefined ? new Array<number>(count).fill(req.label) : undefined;
    const classifierModel = req.model === 'digits' ? await classifierFor(req.baseUrl).catch(() => null) : null;
    return withLock(entry, async () => {
      const start = performance.now();
      const denoise = denoiserOfAsync(entry.model, entry.parameterization, { labels, guidance: req.guidance ?? 1, interval: req.interval });
      const seed = Math.floor(req.seed) || 0;
      const g = gaussian(mulberry32(seed));
      const scale = Math.hypot(levels[0].alpha, levels[0].sigma);
      let x: Float32Array = Float32Array.from({ length: count * size }, () => scale * g());
      const noise = gaussian(mulberry32(seed ^ 0x5bd1e995));
      const snaps: Float32Array[] = [];
      const stripSigma: number[] = [];
      for (let k = 0; k < steps; k++) {
        if (k % 4 === 3) {
          await yieldToQueue(); // lets a cancel in between steps
          if (ctx.cancelled()) throw new Error('sampling cancelled');
        }
        const from = levels[k];
        const to = levels[k + 1];
        const d = logSnrFromAlphaSigma(from.alpha, from.sigma) < -TRAINING_LAMBDA_LIMIT ? priorCentre(x, from) : clipDenoised(await denoise(x, from), x, from);
        if (stripAt.has(k)) {
          snaps.push(toPixels(d.x0));
          stripSigma.push(sigmaOverAlpha(from));
        }
        x = req.sampler === 'ddim' ? ddimStep(d, to) : req.sampler === 'euler' ? eulerFlowStep(x, d, from, to) : ddpmStep(x, d, from, to, Float32Array.from({ length: x.length }, () => noise()));
        ctx.progress(k + 1, steps, 'Sampling', { step: k + 1 });
      }
      // The last level is normally clean; if not, show the model's x̂0 there.
      const last = levels[steps];
      const images = toPixels(last.sigma > 0 ? clipDenoised(await denoise(x, last), x, last).x0 : x);
      const strip = new Float32Array(count * stripCount * size);
      for (let i = 0; i < count; i++) for (let s = 0; s < stripCount; s++) strip.set(snaps[s].subarray(i * size, (i + 1) * size), (i * stripCount + s) * size);
      let predictedClass: number[] | null = null;
      let confidence: number[] | null = null;
      if (classifierModel) {
        const c = await classifyAsync(classifierModel.model, images);
        predictedClass = Array.from(c.label);
        confidence = Array.from(c.confidence);
      }
      return { model: req.model, images, strip, stripSigma, predictedClass, confidence, milliseconds: performance.now() - start };
    });
  }

  async function trainRun(req: Extract<DenoiserRequest, { kind: 'denoiser-train' }>, ctx: DenoiserContext): Promise<DenoiserTrainResult> {
    const spec = checkModel(req);
    const steps = Math.floor(req.steps);
    const batch = Math.floor(req.batch ?? 32);
    if (!(steps >= 1 && steps <= MAX_STEPS)) throw new RangeError(`train between 1 and ${MAX_STEPS} steps, not ${req.steps}`);
    if (!(batch >= 1 && batch <= MAX_BATCH)) throw new RangeError(`the batch size must be 1…${MAX_BATCH}, not ${req.batch}`);
    if (!isParameterization(req.parameterization)) throw new Error(`unknown parameterization '${String(req.parameterization)}'`);
    const entry = await entryFor(req, ctx);
    const data = await imageSet(req.baseUrl, spec, spec.train);
    entry.trainer ??= createTrainer(Object.values(entry.model.params), entry.source === 'fresh' ? FROM_SCRATCH : FINE_TUNE);
    const trainer = entry.trainer;
    // The output head stays; from now on it is read as the chosen parameterization.
    entry.parameterization = req.parameterization;
    const objective = { parameterization: req.parameterization, weighting: req.weighting, options: { gamma: req.gamma ?? 5 } };
    const rand = mulberry32(FRESH_SEED + entry.version);
    const pixels = spec.config.side ** 2 * spec.config.channels;
    const nullLabel = spec.config.classes - 1;
    const run = ++entry.run;
    const start = performance.now();
    let done = 0;
    const rate = () => (done > 0 ? done / Math.max(1e-3, (performance.now() - start) / 1000) : 0);
    while (done < steps) {
      await yieldToQueue(); // lets a cancel (pause) or another request in between steps
      if (ctx.cancelled() || entry.run !== run) break;
      const idx = randomIndices(data.count, batch, rand);
      const labels = data.labels ? Array.from(idx, (k) => data.labels![k]) : null;
      const b = makeBatch(modelSpaceOfSet(data, idx), labels, pixels, objective, rand, nullLabel);
      const loss = await withLock(entry, () => trainer.step(() => batchLoss(entry.model, b)));
      if (entry.run !== run) break; // reset while this step ran
      entry.version = ++versions;
      done++;
      if (!Number.isFinite(loss)) throw new Error(`training diverged (the loss is ${loss}); reset the model to start again`);
      ctx.progress(done, steps, 'Training', { step: trainer.steps, loss, stepsPerSecond: rate() } satisfies DenoiserTrainProgress);
    }
    return { losses: [...trainer.losses], stepsPerSecond: rate() };
  }

  async function reset(req: Extract<DenoiserRequest, { kind: 'denoiser-reset' }>, ctx: DenoiserContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    entry.run++; // stops a training run after its current step
    await withLock(entry, async () => {
      const b = await build(req, ctx, false);
      disposeEntry(entry);
      Object.assign(entry, b, { evaluated: null, version: ++versions });
    });
    return status(entry, req.baseUrl, ctx);
  }

  async function save(req: Extract<DenoiserRequest, { kind: 'denoiser-save' }>, ctx: DenoiserContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    await withLock(entry, async () => {
      const trained = entry.trainer?.steps ?? 0;
      const meta: WeightsMeta = {
        parameterization: entry.parameterization,
        training: { steps: (entry.trainedSteps ?? 0) + trained, basedOn: entry.source, stepsInBrowser: trained, savedAt: new Date().toISOString() },
      };
      try {
        await storage.save(req.model, entry.model, meta);
      } catch (e) {
        throw new Error(`saving in this browser failed: ${errorMessage(e)}`);
      }
      entry.saved = true;
    });
    return status(entry, req.baseUrl, ctx);
  }

  async function forget(req: Extract<DenoiserRequest, { kind: 'denoiser-forget' }>, ctx: DenoiserContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    await storage.remove(req.model);
    entry.saved = false;
    return status(entry, req.baseUrl, ctx);
  }

  return {
    async handle(req, ctx) {
      checkModel(req);
      if (req.kind === 'denoiser-load' || req.kind === 'denoiser-reset') ctx.progress(0, 1000, 'Starting tfjs', { phase: 'backend' } satisfies DenoiserLoadProgress);
      await options.ready?.();
      switch (req.kind) {
        case 'denoiser-load': return load(req, ctx);
        case 'denoiser-predict': return predict(req, ctx);
        case 'denoiser-sample': return sampleRun(req, ctx);
        case 'denoiser-train': return trainRun(req, ctx);
        case 'denoiser-reset': return reset(req, ctx);
        case 'denoiser-save': return save(req, ctx);
        case 'denoiser-forget': return forget(req, ctx);
      }
    },
    /** Frees every model (their tensors are gone with a lost backend anyway); the next request reloads. */
    clear(): void {
      const all = [...entries.values()];
      entries.clear();
      for (const p of all) {
        void p.then((e) => {
          disposeEntry(e);
          e.disposed = true;
        }, () => undefined);
      }
      const c = classifier;
      classifier = null;
      void c?.then((x) => {
        try {
          disposeClassifier(x.model);
        } catch {
          // gone with the backend
        }
      }, () => undefined);
    },
  };
}
