// The model worker's denoisers: the class-conditional digit denoiser (with the digit classifier that labels its
// samples) and the unconditional natural-patch denoiser, each loaded lazily (the copy saved in this browser →
// the shipped weights → fresh ones), evaluated on its shipped held-out set (the 50-bin λ loss profile), and
// predicted from, sampled, trained, reset, saved and forgotten on request. The dispatch (dispatch.ts)
// starts tfjs first and passes each request here. The shipped data is read in denoiserData.ts, the classifier
// and the sample quality are in denoiserQuality.ts.
import { pixelToModel } from '../../core/conventions';
import { seededNoise } from '../../core/diffusion/forward';
import { PARAMETERIZATIONS, SAMPLER_KINDS } from '../../core/diffusion/kinds';
import { sigmaOverAlpha, type NoiseLevel } from '../../core/diffusion/samplers';
import { logSnrFromAlphaSigma } from '../../core/diffusion/schedules';
import { mulberry32 } from '../../core/random';
import {
  batchLoss, classifyAsync, createDenoiser, createTrainer, denoiserOfAsync, disposeDenoiser, heldoutProfileAsync,
  indexedDbUrl, loadFrom, loadFromUrl, makeBatch, modelSpaceOfSet, paramCount, pixelsOfSet, PROFILE_IMAGES, PROFILE_SEED,
  randomIndices, sampleImages, saveTo, toPixels, type Denoiser, type DenoiserConfig, type Parameterization,
  type Trainer, type WeightsJson, type WeightsMeta,
} from '../../models/diffusion';
import { activeBackendName, savedModelStorage, type ModelStorage } from '../../models/savedModels';
import {
  isDigitDenoiser, type DenoiserId, type DenoiserPrediction, type DenoiserRequest, type DenoiserResults,
  type DenoiserRunSettings, type DenoiserSampleResult, type DenoiserStatus, type DenoiserTarget, type DenoiserTrainResult,
} from '../../protocol/denoiser';
import type { CheckpointStatus } from '../../protocol/checkpoint';
import { createModelStore, type HostedModel, type RunSpec } from './modelHost';
import {
  dispatcher, downloadProgress, earlyFetch, reportPhase, trainedStepsOf, trainingSize, yieldToQueue, type ModelContext, type ModelHostOptions,
} from './hostHelpers';
import { denoiserLabSubtasks, type DenoiserLabModel } from './denoiserLab';
import { checkModel, denoiserData, METRICS_KEY, SPECS, type RecordedProfile } from './denoiserData';
import { createDenoiserQuality } from './denoiserQuality';
import { runLab } from './lab';
import { checkLabSettings, type LabResult } from '../../protocol/lab';

/** Where saved denoisers live: IndexedDB through tf.io in the browser ('indexeddb://diffusion-<model>'), something in memory in tests. */
export type DenoiserStorage = ModelStorage<Denoiser, WeightsJson<'diffusion-denoiser'>, WeightsMeta>;

export const indexedDbStorage: DenoiserStorage = savedModelStorage(
  indexedDbUrl,
  (url) => loadFrom(url, 'diffusion-denoiser'),
  (url, model, meta) => saveTo(url, 'diffusion-denoiser', model, meta),
);

/** The loss profile reads at most 200 held-out images, whatever `heldoutLimit` allows. */
export type DenoiserHostOptions = ModelHostOptions<DenoiserStorage>;

export interface DenoiserHost {
  handle(req: DenoiserRequest, ctx: ModelContext): Promise<DenoiserResults[DenoiserRequest['kind']]>;
  clear(): void;
}

/** How the lab names each model. */
const LAB_NAMES: Record<DenoiserId, string> = { 'digits-unet': 'digit U-Net denoiser', digits: 'digit MLP denoiser', 'digits-early': 'digit MLP denoiser, early checkpoint (500 steps)', patches: 'natural-patch denoiser' };

/** Seed of a fresh model's weights (the training script's). */
const FRESH_SEED = 20241125;
const MAX_BATCH = 256;
const MAX_SAMPLES = 64;
const MAX_LEVELS = 1001;
/** Fine-tuning shipped weights wants a gentler learning rate than training fresh ones. */
const FINE_TUNE = { lr: 3e-4, warmup: 20, total: 5000, minLr: 3e-5 };
const FROM_SCRATCH = { lr: 1e-3, warmup: 100, total: 8000, minLr: 2e-5 };

type Entry = HostedModel<Denoiser, Trainer> & {
  id: DenoiserId;
  parameterization: Parameterization;
  evaluated: { version: number; lambda: number[]; loss: number[] } | null;
  /** Shipped weights: the held-out profile their training recorded (metrics.json). */
  recorded?: RecordedProfile;
};

const isParameterization = (p: unknown): p is Parameterization => (PARAMETERIZATIONS as readonly unknown[]).includes(p);

function checkLevel(level: NoiseLevel, what: string): void {
  const ok = level && Number.isFinite(level.alpha) && Number.isFinite(level.sigma) && level.alpha >= 0 && level.sigma >= 0 && level.alpha + level.sigma > 0;
  if (!ok) throw new RangeError(`${what} needs finite α, σ ≥ 0, not both 0; got ${JSON.stringify(level)}`);
}

const fits = (json: WeightsJson<'diffusion-denoiser'>, config: DenoiserConfig) =>
  json.config.side === config.side && json.config.channels === config.channels && json.config.classes === config.classes;

export function createDenoiserHost(options: DenoiserHostOptions = {}): DenoiserHost {
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const store = createModelStore<Entry, WeightsJson<'diffusion-denoiser'>, WeightsMeta>({
    storage: options.storage ?? indexedDbStorage,
    disposeModel: disposeDenoiser,
    unloaded: 'the denoiser was unloaded; try again',
    checkpoints: options.checkpoints,
    checkpointKey: (entry) => `diffusion-${entry.id}`,
  });

  const data = denoiserData(fetchFn, options.heldoutLimit);
  const { imageSet, heldout, shippedMetrics } = data;

  /** Shipped model files downloading since their load request arrived (each read once, then dropped). */
  const early = earlyFetch(fetchFn);
  const shippedFetch = early.fetch;
  /** A load's downloads start at once, while tfjs starts: the held-out set, the recorded numbers, the weights. */
  function prefetch(req: DenoiserRequest): void {
    const spec = req.kind === 'denoiser-load' ? SPECS[req.model] : undefined;
    if (!spec) return;
    heldout(req.baseUrl, spec).catch(() => undefined);
    void shippedMetrics(req.baseUrl);
    const dirs = [`${req.baseUrl}models/diffusion/${req.model}/`];
    // The classifier labels a digit model's samples: its files come down now, its tensors when first needed.
    if (isDigitDenoiser(req.model) && !quality.classifierLoaded()) dirs.push(`${req.baseUrl}models/diffusion/classifier/`);
    early.start(dirs.flatMap((dir) => [`${dir}model.json`, `${dir}weights.bin`]));
  }

  type Built = Pick<Entry, 'model' | 'parameterization' | 'source' | 'saved' | 'trainedSteps' | 'recorded'> & { storageNote?: string | null };

  const parameterizationOf = (json: WeightsJson<'diffusion-denoiser'>): Parameterization => (isParameterization(json.meta.parameterization) ? json.meta.parameterization : 'eps');

  /** The copy saved here (if preferred and readable), else the shipped weights, else fresh ones. */
  async function build(target: DenoiserTarget, ctx: ModelContext, preferSaved: boolean): Promise<Built> {
    const spec = checkModel(target);
    // An unreadable or foreign copy is deleted and the shipped weights load; the status's checkpoint note says so.
    const { saved, copy, note } = await store.savedCopy(target.model, preferSaved, ctx, (json) => fits(json, spec.config), 'another model');
    if (copy) return { model: copy.model, parameterization: parameterizationOf(copy.json), source: 'indexeddb', saved, trainedSteps: trainedStepsOf(copy.json) };
    const storageNote = note;
    const onBytes = downloadProgress(ctx);
    const recordedNumbers = shippedMetrics(target.baseUrl); // downloads beside the weights
    try {
      const { model, json } = await loadFromUrl('diffusion-denoiser', `${target.baseUrl}models/diffusion/${target.model}/`, onBytes, shippedFetch);
      if (fits(json, spec.config)) {
        const recorded = (await recordedNumbers)?.[METRICS_KEY[target.model]]?.heldout;
        return { model, parameterization: parameterizationOf(json), source: 'shipped', saved, trainedSteps: trainedStepsOf(json), recorded, storageNote };
      }
      disposeDenoiser(model);
    } catch {
      // no shipped weights (or unreadable ones): start fresh, so the panel can still train one here
    }
    return { model: createDenoiser(spec.config, FRESH_SEED), parameterization: 'eps', source: 'fresh', saved, trainedSteps: null, storageNote };
  }

  function entryFor(target: DenoiserTarget, ctx: ModelContext): Promise<Entry> {
    checkModel(target);
    return store.get(target.model, async () => ({ ...(await build(target, ctx, true)), id: target.model, evaluated: null }));
  }

  const quality = createDenoiserQuality({
    fetchFn, shippedFetch, data, entryFor, store,
  });

  async function status(entry: Entry, baseUrl: string, ctx: ModelContext): Promise<DenoiserStatus> {
    const spec = SPECS[entry.id];
    const set = await heldout(baseUrl, spec);
    const count = Math.min(set.count, PROFILE_IMAGES);
    const evaluated = await store.withLock(entry, async () => {
      if (entry.evaluated?.version === entry.version) return entry.evaluated;
      // Shipped weights not trained here: the profile their training recorded stands for an evaluation
      // (tests/unit/models/diffusion/shipped.test.ts recomputes it), when it was measured as this one would be.
      const r = entry.recorded;
      if (r && entry.trainer === null && entry.parameterization === 'eps' && r.images === count && r.seed === PROFILE_SEED && r.loss.length === r.lambda.length) {
        entry.evaluated = { version: entry.version, lambda: r.lambda, loss: r.loss };
        return entry.evaluated;
      }
      const profile = await heldoutProfileAsync(entry.model, entry.parameterization, set, {
        limit: count,
        seed: PROFILE_SEED,
        onChunk: async (f) => {
          reportPhase(ctx, 600 + Math.round(350 * f), `Evaluating on the held-out ${spec.noun}`, 'evaluating');
          await yieldToQueue();
        },
      });
      entry.evaluated = { version: entry.version, lambda: profile.lambda, loss: profile.loss };
      return entry.evaluated;
    });
    const accuracy = isDigitDenoiser(entry.id) ? await quality.accuracyFor(baseUrl).catch(() => null) : null;
    reportPhase(ctx, 1000, 'Ready', 'evaluating');
    const { side, channels, classes } = entry.model.config;
    return {
      model: entry.id, side, channels, classes, parameterization: entry.parameterization, source: entry.source, saved: entry.saved,
      paramCount: paramCount(entry.model.config), lambda: [...evaluated.lambda], loss: [...evaluated.loss], heldoutCount: count,
      classifierAccuracy: accuracy, version: entry.version, losses: entry.trainer ? [...entry.trainer.losses] : [], trainedSteps: entry.trainedSteps,
      checkpoint: (await store.checkpointStatus(entry)) as CheckpointStatus<DenoiserRunSettings>, backend: activeBackendName(),
    };
  }

  async function load(req: Extract<DenoiserRequest, { kind: 'denoiser-load' }>, ctx: ModelContext): Promise<DenoiserStatus> {
    const spec = checkModel(req);
    reportPhase(ctx, 100, `Downloading the held-out ${spec.noun}`, 'data');
    await heldout(req.baseUrl, spec);
    return status(await entryFor(req, ctx), req.baseUrl, ctx);
  }

  async function predict(req: Extract<DenoiserRequest, { kind: 'denoiser-predict' }>, ctx: ModelContext): Promise<DenoiserPrediction> {
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
    const x0 = clean.map(pixelToModel);
    const eps = seededNoise(size, Math.floor(req.seed) || 0);
    const { alpha, sigma } = req.level;
    const x = x0.map((v, i) => alpha * v + sigma * eps[i]);
    return store.withLock(entry, async () => {
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

  async function sampleRun(req: Extract<DenoiserRequest, { kind: 'denoiser-sample' }>, ctx: ModelContext): Promise<DenoiserSampleResult> {
    checkModel(req);
    const { levels } = req;
    if (!Array.isArray(levels) || levels.length < 2 || levels.length > MAX_LEVELS) throw new RangeError(`sampling needs 2…${MAX_LEVELS} noise levels, got ${levels?.length}`);
    levels.forEach((l, i) => checkLevel(l, `level ${i}`));
    const count = Math.floor(req.count);
    if (!(count >= 1 && count <= MAX_SAMPLES)) throw new RangeError(`sample 1…${MAX_SAMPLES} images, not ${req.count}`);
    if (!(SAMPLER_KINDS as readonly unknown[]).includes(req.sampler)) throw new Error(`unknown sampler '${String(req.sampler)}'`);
    const entry = await entryFor(req, ctx);
    const { side, channels, classes } = entry.model.config;
    const size = side * side * channels;
    const steps = levels.length - 1;
    const stripCount = Math.max(0, Math.min(steps, Math.floor(req.stripCount ?? 0)));
    const stripAt = new Set(Array.from({ length: stripCount }, (_, k) => Math.round(((k + 1) * steps) / stripCount) - 1));
    const labels = classes > 0 && req.label !== undefined ? new Array<number>(count).fill(req.label) : undefined;
    const classifierModel = isDigitDenoiser(req.model) ? await quality.classifierFor(req.baseUrl).catch(() => null) : null;
    return store.withLock(entry, async () => {
      const start = performance.now();
      const snaps: Float32Array[] = [];
      const stripSigma: number[] = [];
      const x = await sampleImages(entry.model, entry.parameterization, {
        sampler: req.sampler, levels, seed: Math.floor(req.seed) || 0, count, labels, guidance: req.guidance ?? 1, interval: req.interval,
        between: async (k) => {
          if (k > 0) ctx.progress(k, steps, 'Sampling');
          if (k % 4 === 3) {
            await yieldToQueue(); // lets a cancel in between steps
            if (ctx.cancelled()) throw new Error('sampling cancelled');
          }
        },
        onStep: (k, d) => {
          if (!stripAt.has(k)) return;
          snaps.push(toPixels(d.x0));
          stripSigma.push(sigmaOverAlpha(levels[k]));
        },
      });
      ctx.progress(steps, steps, 'Sampling');
      const images = toPixels(x);
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

  async function trainRun(req: Extract<DenoiserRequest, { kind: 'denoiser-train' }>, ctx: ModelContext): Promise<DenoiserTrainResult> {
    const spec = checkModel(req);
    const { steps, batch } = trainingSize(req, MAX_BATCH);
    if (!isParameterization(req.parameterization)) throw new Error(`unknown parameterization '${String(req.parameterization)}'`);
    const entry = await entryFor(req, ctx);
    const data = await imageSet(req.baseUrl, spec, spec.train);
    const settings: DenoiserRunSettings = { parameterization: req.parameterization, weighting: req.weighting, ...(req.weighting === 'min-snr' ? { gamma: req.gamma ?? 5 } : {}) };
    entry.runSpec = { batch, schedule: entry.runSpec?.schedule ?? (entry.source === 'fresh' ? FROM_SCRATCH : FINE_TUNE), settings };
    entry.trainer ??= trainerFor(entry, entry.runSpec);
    const trainer = entry.trainer;
    // The output head stays; from now on it is read as the chosen parameterization.
    entry.parameterization = req.parameterization;
    const objective = { parameterization: req.parameterization, weighting: req.weighting, options: { gamma: req.gamma ?? 5 } };
    const rand = mulberry32(FRESH_SEED + entry.version);
    const pixels = spec.config.side ** 2 * spec.config.channels;
    const nullLabel = spec.config.classes - 1;
    return store.train(entry, trainer, steps, ctx, () => {
      const idx = randomIndices(data.count, batch, rand);
      const labels = data.labels ? Array.from(idx, (k) => data.labels![k]) : null;
      const b = makeBatch(modelSpaceOfSet(data, idx), labels, pixels, objective, rand, nullLabel);
      return trainer.step(() => batchLoss(entry.model, b));
    });
  }

  async function reset(req: Extract<DenoiserRequest, { kind: 'denoiser-reset' }>, ctx: ModelContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    await store.reset(entry, async () => ({ ...(await build(req, ctx, false)), evaluated: null }));
    return status(entry, req.baseUrl, ctx);
  }

  const trainerFor = (entry: Entry, spec: RunSpec) => createTrainer(Object.values(entry.model.params), spec.schedule);

  async function resume(req: Extract<DenoiserRequest, { kind: 'denoiser-resume' }>, ctx: ModelContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    if (await store.resume(entry, (spec) => trainerFor(entry, spec))) {
      const p = (entry.runSpec?.settings as Partial<DenoiserRunSettings> | undefined)?.parameterization;
      if (isParameterization(p)) entry.parameterization = p;
    }
    return status(entry, req.baseUrl, ctx);
  }

  async function discard(req: Extract<DenoiserRequest, { kind: 'denoiser-discard' }>, ctx: ModelContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    await store.discard(entry);
    return status(entry, req.baseUrl, ctx);
  }

  async function save(req: Extract<DenoiserRequest, { kind: 'denoiser-save' }>, ctx: ModelContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    await store.save(entry, req.model, (training) => ({ parameterization: entry.parameterization, training }));
    return status(entry, req.baseUrl, ctx);
  }

  async function forget(req: Extract<DenoiserRequest, { kind: 'denoiser-forget' }>, ctx: ModelContext): Promise<DenoiserStatus> {
    const entry = await entryFor(req, ctx);
    await store.forget(entry, req.model);
    return status(entry, req.baseUrl, ctx);
  }

  /** The model as the lab sees it. */
  const labModel = (entry: Entry): DenoiserLabModel => ({
    model: entry.model, parameterization: entry.parameterization, version: entry.version,
    label: `${LAB_NAMES[entry.id]} (${entry.parameterization})`,
    source: entry.source, stepsTrainedHere: entry.trainer?.steps ?? 0,
  });

  async function lab(req: Extract<DenoiserRequest, { kind: 'denoiser-lab' }>, ctx: ModelContext): Promise<LabResult> {
    const spec = checkModel(req);
    checkLabSettings(req.settings);
    reportPhase(ctx, 100, `Downloading the ${spec.noun}`, 'data');
    const [held, train] = await Promise.all([heldout(req.baseUrl, spec), imageSet(req.baseUrl, spec, spec.train)]);
    const entry = await entryFor(req, ctx);
    return store.withLock(entry, () => runLab(req.settings, denoiserLabSubtasks(labModel(entry), req.settings, train, held), ctx));
  }

  return {
    handle: dispatcher<DenoiserRequest, DenoiserResults>({
      ready: options.ready,
      check: checkModel,
      announced: ['denoiser-load', 'denoiser-reset', 'denoiser-resume', 'denoiser-lab', 'denoiser-quality'],
      prefetch,
      handlers: {
        'denoiser-load': load,
        'denoiser-predict': predict,
        'denoiser-sample': sampleRun,
        'denoiser-train': trainRun,
        'denoiser-reset': reset,
        'denoiser-save': save,
        'denoiser-forget': forget,
        'denoiser-resume': resume,
        'denoiser-discard': discard,
        'denoiser-lab': lab,
        'denoiser-quality': quality.qualityRun,
      },
    }),
    /** Frees every model and the classifier (their tensors are gone with a lost backend anyway); the next request reloads. */
    clear(): void {
      store.clear();
      quality.clear();
    },
  };
}
