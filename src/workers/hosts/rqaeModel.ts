// The model worker's learned RQ auto-encoders: one model per (data, shipped key), loaded lazily, evaluated on
// held-out data (PSNR per depth, non-monotone fraction, codebook health), and trained, saved and reset on
// request. Digit models load the copy saved in this browser → the shipped weights; crop models start fresh,
// train on random 32×32 crops of the image sent with the request and are evaluated on a fixed seeded set of
// crops of it (session only). The dispatch (dispatch.ts) starts tfjs first and passes each request here.
import { nonMonotoneByThreshold } from '../../core/depth/nonMonotone';
import { mulberry32 } from '../../core/random';
import {
  createRqae, createTrainer, cropConfig, dispose, evaluateImages, healthPerDepth, increaseFractionPerStep, indexedDbUrl, LARGE_RISE,
  loadFrom, loadFromUrl, nonMonotoneFraction, paramCount, psnrPerDepth, reconstructionsOf, saveTo, SHIPPED_MODELS, shippedModel,
  type ModelJson, type Rqae, type RqaeMeta, type ShippedModel, type Trainer,
} from '../../models/rqae';
import { activeBackendName, savedModelStorage, type ModelStorage } from '../../models/savedModels';
import { createModelStore, type HostedModel, type RunSpec } from './modelHost';
import {
  checkpointHandlers, CROPS_NOT_SAVED, dispatcher, downloadProgress, errorMessage, reportPhase, trainedStepsOf, trainingSize,
  type ModelContext, type ModelHostOptions,
} from './hostHelpers';
import { checkData, dataOf, digitsAndCrops, type HeldOut } from './digitsAndCrops';
import { runLab } from './lab';
import { rqaeLabSubtasks } from './rqaeLab';
import { checkLabSettings, type LabResult } from '../../protocol/lab';
import type {
  RqaeCheckpoint, RqaeComparison, RqaeCurve, RqaeDataKind, RqaeModelRequest, RqaeModelResults, RqaeModelStatus, RqaeModelTarget, RqaeReconstruction,
  RqaeTrainResult,
} from '../../protocol/rqaeModel';

export { CROPS_NOT_SAVED };

const CROP_SIDE = 32;
const CROP_HELDOUT_SEED = 20240613;
/** Seed of a fresh model's initial weights (the training script's). */
const FRESH_SEED = 5;
const MAX_BATCH = 128;
/** Kinds a crop model's request may send without the image (they refuse crop models). */
const NO_IMAGE = new Set<RqaeModelRequest['kind']>(['rqae-save', 'rqae-forget', 'rqae-resume', 'rqae-discard']);

/** Where saved models live: IndexedDB through tf.io in the browser, something in memory in tests. */
export type RqaeModelStorage = ModelStorage<Rqae, ModelJson, RqaeMeta>;

export const indexedDbStorage: RqaeModelStorage = savedModelStorage(indexedDbUrl, loadFrom, saveTo);

export type RqaeModelHostOptions = ModelHostOptions<RqaeModelStorage>;

type Evaluated = { version: number; heldout: string; curve: RqaeCurve; health: RqaeModelStatus['health'] };

type Entry = HostedModel<Rqae, Trainer> & {
  key: string;
  data: RqaeDataKind;
  shipped: ShippedModel;
  note: string | null;
  recorded: RqaeCurve | null;
  batch: number | null;
  evaluated: Evaluated | null;
};

function shippedOf(target: RqaeModelTarget): ShippedModel {
  checkData(target);
  const m = shippedModel(target.model);
  if (!m) throw new Error(`unknown RQ auto-encoder '${target.model}' (one of ${SHIPPED_MODELS.map((s) => s.key).join(', ')})`);
  return m;
}

const perDepthOf = (t: RqaeModelTarget) => dataOf(t) === 'crops' && t.perDepthCodebooks === true;
const keyOf = (t: RqaeModelTarget) => (dataOf(t) === 'crops' ? `crops|${t.model}${perDepthOf(t) ? '|per-depth' : ''}` : t.model);

const isCheckpoint = (c: unknown): c is RqaeCheckpoint => {
  const x = c as Partial<RqaeCheckpoint> | null;
  return typeof x === 'object' && x !== null && [x.step, x.nonMonotoneFraction, x.fullDepthPsnr].every((v) => typeof v === 'number' && Number.isFinite(v));
};

/** The held-out curve (and checkpoints) the training script stored in model.json, if there and well formed. */
function recordedOf(json: ModelJson | null): RqaeCurve | null {
  const training = json?.meta.training;
  const h = training?.heldout as Partial<RqaeCurve> | undefined;
  if (!h || !Array.isArray(h.psnrPerDepth) || typeof h.nonMonotoneFraction !== 'number') return null;
  const checkpoints = training?.checkpoints;
  return {
    psnrPerDepth: h.psnrPerDepth, nonMonotoneFraction: h.nonMonotoneFraction, increaseFractionPerStep: h.increaseFractionPerStep ?? [],
    ...(Array.isArray(checkpoints) && checkpoints.length > 0 && checkpoints.every(isCheckpoint) ? { checkpoints } : {}),
  };
}

const fitsShipped = (json: ModelJson, m: ShippedModel) =>
  json.format === 'rqae' && json.meta.objective === m.objective && json.config.depth === m.depth && json.config.sharedCodebook === m.sharedCodebook
  && json.config.side === 28 && json.config.channels === 1;

const EARLIER_FULL = 'These shipped weights were trained (1000 steps) with an earlier form of objective (a) that pulled every codeword of each partial sum toward z, as (b) does; weights trained with RQ-VAE’s objective come with the next run of the training script.';

export function createRqaeModelHost(options: RqaeModelHostOptions = {}) {
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const store = createModelStore<Entry, ModelJson, RqaeMeta>({
    storage: options.storage ?? indexedDbStorage,
    disposeModel: dispose,
    unloaded: 'the model was unloaded; try again',
    checkpoints: options.checkpoints,
    // Crop models train on the current image and live for the session only.
    checkpointKey: (entry) => (entry.data === 'crops' ? null : `rqae-${entry.shipped.key}`),
  });
  const images = digitsAndCrops({ fetch: fetchFn, heldoutLimit: options.heldoutLimit, cropSide: CROP_SIDE, cropSeed: CROP_HELDOUT_SEED });

  type Built = Pick<Entry, 'model' | 'source' | 'note' | 'trainedSteps' | 'recorded' | 'saved'>;

  /** Digits: the copy saved here (when asked), else the shipped weights. Crops: fresh weights. */
  async function build(target: RqaeModelTarget, ctx: ModelContext, preferSaved: boolean): Promise<Built> {
    const m = shippedOf(target);
    if (dataOf(target) === 'crops') {
      const shared = m.sharedCodebook && !perDepthOf(target);
      return { model: createRqae(cropConfig(m.depth, shared), FRESH_SEED), source: 'fresh', note: null, trainedSteps: null, recorded: null, saved: false };
    }
    const { saved, copy, note } = await store.savedCopy(m.key, preferSaved, ctx, (json) => fitsShipped(json, m), 'another model');
    if (copy) return { model: copy.model, source: 'indexeddb', note: null, trainedSteps: trainedStepsOf(copy.json), recorded: null, saved };
    const onBytes = downloadProgress(ctx);
    let got: { model: Rqae; json: ModelJson };
    try {
      got = await loadFromUrl(`${target.baseUrl}models/rqae/${m.key}/`, onBytes, fetchFn);
    } catch (e) {
      throw new Error(`the shipped weights of ${m.key} could not be read: ${errorMessage(e)}`);
    }
    if (!fitsShipped(got.json, m)) {
      dispose(got.model);
      throw new Error(`the shipped file for ${m.key} holds another model`);
    }
    // Weights from before training to the plateau ('stopReason' absent) were made with the earlier form of (a).
    const earlier = m.objective === 'full' && got.json.meta.training?.stopReason === undefined ? EARLIER_FULL : null;
    return { model: got.model, source: 'shipped', note: [note, earlier].filter(Boolean).join(' ') || null, trainedSteps: trainedStepsOf(got.json), recorded: recordedOf(got.json), saved };
  }

  function entryFor(target: RqaeModelTarget, ctx: ModelContext): Promise<Entry> {
    const shipped = shippedOf(target);
    return store.get(keyOf(target), async () => ({
      ...(await build(target, ctx, true)), key: keyOf(target), data: dataOf(target), shipped, batch: null, evaluated: null,
    }));
  }

  /** Held-out evaluation of the current weights (cached until they or the held-out set change). */
  function evaluate(entry: Entry, held: HeldOut, ctx: ModelContext, from = 500, to = 1000): Promise<Evaluated> {
    return store.withLock(entry, async () => {
      if (entry.evaluated?.version === entry.version && entry.evaluated.heldout === held.id) return entry.evaluated;
      const noun = entry.data === 'crops' ? 'crops' : 'digits';
      const { errors, codes } = await evaluateImages(entry.model, held.images, 50, (done, total) => {
        reportPhase(ctx, from + Math.round(((to - from) * done) / total), `Evaluating on the held-out ${noun}`, 'evaluating');
      });
      const curve: RqaeCurve = {
        psnrPerDepth: Array.from(psnrPerDepth(errors)),
        nonMonotoneFraction: nonMonotoneFraction(errors),
        largeRiseFraction: nonMonotoneFraction(errors, LARGE_RISE),
        increaseFractionPerStep: Array.from(increaseFractionPerStep(errors)),
        nonMonotoneByThreshold: nonMonotoneByThreshold(errors.mse, errors.count, errors.depth),
      };
      const health = healthPerDepth(entry.model, codes).map((h) => ({ counts: Array.from(h.counts), perplexity: h.perplexity, dead: h.dead }));
      entry.evaluated = { version: entry.version, heldout: held.id, curve, health };
      return entry.evaluated;
    });
  }

  async function status(entry: Entry, baseUrl: string, ctx: ModelContext): Promise<RqaeModelStatus> {
    const held = await images.heldoutOf(entry.data, baseUrl);
    const { curve, health } = await evaluate(entry, held, ctx);
    reportPhase(ctx, 1000, 'Ready', 'evaluating');
    const c = entry.model.config;
    return {
      key: entry.key, model: entry.shipped.key, data: entry.data, objective: entry.shipped.objective, depth: c.depth,
      codebookSize: c.codebookSize, sharedCodebook: c.sharedCodebook, latentDim: c.latentDim, side: c.side, channels: c.channels,
      source: entry.source, note: entry.note, saved: entry.saved, paramCount: paramCount(c), heldoutCount: held.count,
      ...curve, health, recorded: entry.recorded, version: entry.version, losses: entry.trainer ? [...entry.trainer.losses] : [],
      trainedSteps: entry.trainedSteps, checkpoint: await store.checkpointStatus(entry), backend: activeBackendName(),
    };
  }

  async function load(req: Extract<RqaeModelRequest, { kind: 'rqae-load' }>, ctx: ModelContext): Promise<RqaeModelStatus> {
    if (dataOf(req) === 'digits') {
      reportPhase(ctx, 100, 'Downloading the held-out digits', 'data');
      await images.heldoutDigits(req.baseUrl);
    }
    return status(await entryFor(req, ctx), req.baseUrl, ctx);
  }

  async function reconstruct(req: Extract<RqaeModelRequest, { kind: 'rqae-reconstruct' }>, ctx: ModelContext): Promise<RqaeReconstruction> {
    const entry = await entryFor(req, ctx);
    const held = await images.heldoutOf(entry.data, req.baseUrl);
    const noun = entry.data === 'crops' ? 'crop' : 'digit';
    if (!(Number.isInteger(req.digit) && req.digit >= 0 && req.digit < held.count)) {
      throw new RangeError(`${noun} ${req.digit} is not one of the ${held.count} held-out ${noun}s (0…${held.count - 1})`);
    }
    const { side, channels, depth } = entry.model.config;
    const size = side * side * channels;
    const truth = held.images.slice(req.digit * size, (req.digit + 1) * size);
    return store.withLock(entry, async () => {
      const reconstructions = await reconstructionsOf(entry.model, truth);
      const msePerDepth = Array.from({ length: depth }, (_, d) => {
        let e = 0;
        for (let i = 0; i < size; i++) e += (reconstructions[d * size + i] - truth[i]) ** 2;
        return e / size;
      });
      return { key: entry.key, version: entry.version, digit: req.digit, digitCount: held.count, truth, reconstructions, msePerDepth };
    });
  }

  async function compare(req: Extract<RqaeModelRequest, { kind: 'rqae-compare' }>, ctx: ModelContext): Promise<RqaeComparison> {
    reportPhase(ctx, 0, 'Downloading the held-out digits', 'data');
    const d = await images.heldoutDigits(req.baseUrl);
    const models: RqaeComparison['models'] = [];
    const n = SHIPPED_MODELS.length;
    for (let i = 0; i < n; i++) {
      if (ctx.cancelled()) break;
      const m = SHIPPED_MODELS[i];
      const entry = await entryFor({ model: m.key, baseUrl: req.baseUrl }, { cancelled: ctx.cancelled, progress: () => {} });
      const { curve } = await evaluate(entry, { id: 'digits', count: d.set.count, images: d.images }, ctx, Math.round((1000 * i) / n), Math.round((1000 * (i + 1)) / n));
      const checkpoints = entry.source === 'shipped' ? entry.recorded?.checkpoints : undefined;
      models.push({ model: m.key, objective: m.objective, depth: m.depth, source: entry.source, ...curve, ...(checkpoints ? { checkpoints } : {}) });
    }
    return { models, heldoutCount: d.set.count };
  }

  async function trainRun(req: Extract<RqaeModelRequest, { kind: 'rqae-train' }>, ctx: ModelContext): Promise<RqaeTrainResult> {
    const { steps, batch } = trainingSize(req, MAX_BATCH);
    const entry = await entryFor(req, ctx);
    const digits = entry.data === 'digits' ? await images.trainDigits(req.baseUrl) : null;
    // A fresh model warms up as a plain auto-encoder, then k-means fits its codebook; trained ones fine-tune gently.
    const fresh = entry.source === 'fresh';
    entry.runSpec = entry.runSpec
      ? { ...entry.runSpec, batch }
      : { batch, schedule: fresh ? { lr: 2e-3, warmup: 50, total: 2000, minLr: 1e-4 } : { lr: 3e-4, warmup: 20, total: 2000, minLr: 3e-5 }, settings: { warmup: fresh ? 100 : 0 } };
    entry.trainer ??= trainerFor(entry, digits, entry.runSpec);
    entry.batch = batch;
    const trainer = entry.trainer;
    return store.train(entry, trainer, steps, ctx, () => trainer.step());
  }

  function trainerFor(entry: Entry, digits: Parameters<typeof images.batchSource>[0], spec: RunSpec): Trainer {
    const source = images.batchSource(digits, mulberry32(FRESH_SEED + entry.version));
    const { warmup } = spec.settings as { warmup?: number };
    return createTrainer(entry.model, {
      objective: entry.shipped.objective, batchSize: spec.batch, warmup: warmup ?? 0, restartEvery: 100, seed: FRESH_SEED, schedule: spec.schedule,
      source: (b) => source(entry.batch ?? b),
    });
  }

  const { resume, discard } = checkpointHandlers({ entryFor, status, store, trainerFor, trainDigits: images.trainDigits, dataOf });

  async function reset(req: Extract<RqaeModelRequest, { kind: 'rqae-reset' }>, ctx: ModelContext): Promise<RqaeModelStatus> {
    const entry = await entryFor(req, ctx);
    await store.reset(entry, async () => ({ ...(await build(req, ctx, false)), evaluated: null }));
    return status(entry, req.baseUrl, ctx);
  }

  async function save(req: Extract<RqaeModelRequest, { kind: 'rqae-save' }>, ctx: ModelContext): Promise<RqaeModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await store.save(entry, entry.shipped.key, (training) => ({ objective: entry.shipped.objective, training }));
    return status(entry, req.baseUrl, ctx);
  }

  async function forget(req: Extract<RqaeModelRequest, { kind: 'rqae-forget' }>, ctx: ModelContext): Promise<RqaeModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await store.forget(entry, entry.shipped.key);
    return status(entry, req.baseUrl, ctx);
  }

  async function lab(req: Extract<RqaeModelRequest, { kind: 'rqae-lab' }>, ctx: ModelContext): Promise<LabResult> {
    checkLabSettings(req.settings);
    const entry = await entryFor(req, ctx);
    const data = await images.labData(entry.data, req.baseUrl);
    const noun = entry.data === 'crops' ? 'crops' : 'digits';
    const info = { label: `RQ auto-encoder ${entry.shipped.key} (${noun})`, source: entry.source, stepsTrainedHere: entry.trainer?.steps ?? 0, paramCount: paramCount(entry.model.config) };
    return store.withLock(entry, () => runLab(req.settings, rqaeLabSubtasks({ model: entry.model, info, ...data }, req.settings), ctx));
  }

  return {
    handle: dispatcher<RqaeModelRequest, RqaeModelResults>({
      ready: options.ready,
      check(r) {
        if (r.kind === 'rqae-compare') return;
        shippedOf(r);
        if (dataOf(r) === 'crops' && !NO_IMAGE.has(r.kind)) images.takeCropImage(r.image);
      },
      announced: ['rqae-load', 'rqae-reset', 'rqae-resume', 'rqae-compare', 'rqae-lab'],
      handlers: {
        'rqae-load': load,
        'rqae-reconstruct': reconstruct,
        'rqae-compare': compare,
        'rqae-train': trainRun,
        'rqae-reset': reset,
        'rqae-save': save,
        'rqae-forget': forget,
        'rqae-resume': resume,
        'rqae-discard': discard,
        'rqae-lab': lab,
      },
    }),
    clear: store.clear,
    /** Keys of the models in memory (tests). */
    loaded: store.keys,
  };
}

export type RqaeModelHost = ReturnType<typeof createRqaeModelHost>;
