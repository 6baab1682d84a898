// The model worker's patch transformers: one model per (data, ordering), loaded lazily and evaluated on
// held-out data, and trained, sampled, saved and reset on request. Digit models load the saved copy in this
// browser → shipped weights → fresh ones, and are evaluated on the held-out digits; crop models start fresh,
// train on random 32×32 crops of the image sent with the request, are evaluated on a fixed seeded set of
// crops of that image and live for the session only. The dispatch (dispatch.ts) starts tfjs first and
// passes each request here.
import { orderOf, specKey, type OrderingSpec } from '../../core/patch/analysis';
import { mulberry32 } from '../../core/random';
import {
  createPatchAR, createTrainer, CROP_CONFIG, DIGIT_CONFIG, dispose, generate, indexedDbUrl, loadFrom, paramCount, patchify,
  perStepMse, predictAll, saveTo, unpatchify,
  type ImageShape, type ModelJson, type PatchAR, type PatchARConfig, type PatchARMeta, type Trainer,
} from '../../models/patchAR';
import { contextPredictorCurves, digitGrid } from '../../models/patchAR/baselines';
import { activeBackendName, savedModelStorage, type ModelStorage } from '../../models/savedModels';
import { createModelStore, type HostedModel, type RunSpec } from './modelHost';
import {
  checkpointHandlers, CROPS_NOT_SAVED, dispatcher, downloadProgress, earlyFetch, reportPhase, trainedStepsOf, trainingSize, yieldToQueue,
  type ModelContext, type ModelHostOptions,
} from './hostHelpers';
import { checkData, dataOf, digitsAndCrops, type HeldOut } from './digitsAndCrops';
import { runLab } from './lab';
import { patchLabSubtasks } from './patchLab';
import { fitsDigits, NO_WEIGHTS, sameCells, SHIPPED_KINDS, shippedPatchModels } from './patchShipped';
import { checkLabSettings, type LabResult } from '../../protocol/lab';
import type {
  PatchBaselines, PatchDataKind, PatchGeneration, PatchModelRequest, PatchModelResults, PatchModelStatus, PatchModelTarget, PatchPrediction,
  PatchTrainResult,
} from '../../protocol/patchModel';

export { CROPS_NOT_SAVED, NO_WEIGHTS };

/** The sizes of one kind of model: its config, image side, steps, values per patch token, image shape. */
type Layout = { config: PatchARConfig; side: number; n: number; dim: number; shape: ImageShape };

function layoutOf(config: PatchARConfig): Layout {
  const side = config.rows * config.patch;
  return { config, side, n: config.rows * config.cols, dim: config.patch * config.patch * config.channels, shape: { height: side, width: side, channels: config.channels } };
}

const LAYOUTS: Record<PatchDataKind, Layout> = { digits: layoutOf(DIGIT_CONFIG), crops: layoutOf(CROP_CONFIG) };
const CONFIG = DIGIT_CONFIG;
/** The seed that places the held-out crops (the same crops every time for one image). */
const CROP_HELDOUT_SEED = 20240612;
/** Seed of a fresh model's initial weights (the training script's). */
const FRESH_SEED = 20240611;
const MAX_BATCH = 256;
/** Kinds a crop model's request may send without the image (they refuse crop models). */
const NO_IMAGE = new Set<PatchModelRequest['kind']>(['patch-model-save', 'patch-model-forget', 'patch-model-resume', 'patch-model-discard']);

/** Where saved models live: IndexedDB through tf.io in the browser ('indexeddb://patch-ar-<order>'), something in memory in tests. */
export type PatchModelStorage = ModelStorage<PatchAR, ModelJson, PatchARMeta>;

export const indexedDbStorage: PatchModelStorage = savedModelStorage(indexedDbUrl, loadFrom, saveTo);

export interface PatchModelHostOptions extends ModelHostOptions<PatchModelStorage> {
  /** Models kept in memory at once (least recently used ones beyond this are freed). */
  maxModels?: number;
}

type Entry = HostedModel<PatchAR, Trainer> & {
  key: string;
  data: PatchDataKind;
  layout: Layout;
  /** The IndexedDB name part: the key with characters safe in any store name. */
  name: string;
  spec: OrderingSpec;
  order: Int32Array;
  note: string | null;
  /** The batch size of the newest training request (the trainer's source reads it at every step). */
  batch: number | null;
  /** The held-out evaluation of weights `version` on held-out set `heldout` (HeldOut.id). */
  evaluated: { version: number; heldout: string; perStep: number[] } | null;
  /**
   * Shipped weights: the held-out per-step MSE the training script recorded for them, on all `count` held-out
   * digits, and the simple predictors' curves in the same order.
   */
  recorded?: { count: number; perStep: number[]; baselines?: PatchBaselines };
};

/** What loading settles; the rest of an Entry is session state. */
type Built = Pick<Entry, 'key' | 'data' | 'layout' | 'name' | 'spec' | 'order' | 'model' | 'source' | 'note' | 'trainedSteps' | 'saved' | 'recorded'>;

function checkTarget(target: PatchModelTarget): void {
  checkData(target);
  if (target.ordering.kind === 'custom') {
    throw new Error(dataOf(target) === 'crops'
      ? 'Custom orders apply to the image grid; the crop model uses an 8×8 grid of patches, so pick another ordering for it.'
      : 'Custom orders apply to the image grid; the digit model uses a 7×7 grid of patches, so pick another ordering for it.');
  }
}

/** A model's key: the ordering's specKey for digit models (as before crops existed), prefixed for crop models. */
function keyOf(target: PatchModelTarget): string {
  const key = specKey(target.ordering);
  return dataOf(target) === 'crops' ? `crops|${key}` : key;
}

export function createPatchModelHost(options: PatchModelHostOptions = {}) {
  // A load's files (the held-out digits, the weights, the recorded curves) download while tfjs starts.
  const early = earlyFetch(options.fetch ?? ((url: string) => fetch(url)));
  const fetchFn = early.fetch;
  const store = createModelStore<Entry, ModelJson, PatchARMeta>({
    storage: options.storage ?? indexedDbStorage,
    disposeModel: dispose,
    unloaded: 'the model was unloaded to free memory; try again',
    maxModels: options.maxModels ?? 4,
    checkpoints: options.checkpoints,
    // Crop models train on the current image and live for the session only.
    checkpointKey: (entry) => (entry.data === 'crops' ? null : `patch-ar-${entry.name}`),
  });
  const { shippedMetrics, shipped } = shippedPatchModels(fetchFn);
  const images = digitsAndCrops({ fetch: fetchFn, heldoutLimit: options.heldoutLimit, cropSide: LAYOUTS.crops.side, cropSeed: CROP_HELDOUT_SEED });
  const baselineCache = new Map<string, PatchBaselines>();

  function fresh(config: PatchARConfig = CONFIG): PatchAR {
    return createPatchAR(config, FRESH_SEED);
  }

  /**
   * Loads weights into a new entry: for digits the copy saved here, else the shipped ones, else fresh ones;
   * crop models always start fresh.
   */
  async function build(target: PatchModelTarget, ctx: ModelContext, preferSaved: boolean): Promise<Built> {
    const spec = target.ordering;
    const key = keyOf(target);
    const name = key.replace(/[^a-z0-9-]/gi, '-');
    const data = dataOf(target);
    const layout = LAYOUTS[data];
    if (data === 'crops') {
      const order = orderOf(spec, layout.config.rows, layout.config.cols);
      return { key, data, layout, name, spec, order, model: fresh(layout.config), source: 'fresh', note: null, trainedSteps: null, saved: false };
    }
    const order = orderOf(spec, CONFIG.rows, CONFIG.cols);
    const { saved, copy, note } = await store.savedCopy(name, preferSaved, ctx, (json) => fitsDigits(json) && sameCells(json.meta.order.cells, order), 'another model shape or order');
    if (copy) return { key, data, layout, name, spec, order, model: copy.model, source: 'indexeddb', note: null, trainedSteps: trainedStepsOf(copy.json), saved };
    const recordedCurves = shippedMetrics(target.baseUrl); // downloads beside the weights
    const got = await shipped(spec, order, target.baseUrl, downloadProgress(ctx));
    if ('model' in got) {
      const m = await recordedCurves;
      const perStep = m?.orders[spec.kind]?.heldout?.perStep;
      const base = m?.orders[spec.kind]?.baselinePerStep;
      const baselines = base && [base.copy, base.mean, base.linear].every((c) => c?.length === order.length) ? { copy: base.copy, mean: base.mean, linear: base.linear } : undefined;
      const recorded = m && perStep?.length === order.length ? { count: m.data.heldout, perStep, baselines } : undefined;
      return { key, data, layout, name, spec, order, model: got.model, source: 'shipped', note, trainedSteps: trainedStepsOf(got.json), saved, recorded };
    }
    return { key, data, layout, name, spec, order, model: fresh(), source: 'fresh', note: note ? `${note} ${got.note}` : got.note, trainedSteps: null, saved };
  }

  function entryFor(target: PatchModelTarget, ctx: ModelContext): Promise<Entry> {
    checkTarget(target);
    return store.get(keyOf(target), async () => ({ ...(await build(target, ctx, true)), batch: null, evaluated: null })).then(async (entry) => {
      // Shipped weights as the training script left them: its recorded held-out curve stands for an evaluation
      // (tests/unit/models/patchAR/shipped.test.ts recomputes it), unless fewer held-out digits are in use here.
      const { recorded } = entry;
      if (recorded && entry.evaluated === null && entry.trainer === null) {
        const held = await images.heldoutOf(entry.data, target.baseUrl);
        if (held.count === recorded.count) entry.evaluated = { version: entry.version, heldout: held.id, perStep: recorded.perStep };
      }
      return entry;
    });
  }

  function baselinesFor(entry: Entry, held: HeldOut): PatchBaselines {
    // The predictors do not depend on the weights: a shipped order's recorded curves hold through training here.
    if (entry.recorded?.baselines && held.count === entry.recorded.count) return entry.recorded.baselines;
    const cacheKey = entry.data === 'digits' ? entry.key : `${entry.key}|${held.id}`;
    let hit = baselineCache.get(cacheKey);
    if (!hit) {
      const { side, config } = entry.layout;
      const c = contextPredictorCurves(held.images, digitGrid(side, config.patch), entry.order, config.channels);
      hit = { copy: Array.from(c.copy), mean: Array.from(c.mean), linear: Array.from(c.linear) };
      if (entry.data === 'crops') {
        // One image's crops at a time: forget the curves of the images before it.
        for (const k of baselineCache.keys()) if (k.startsWith(`${entry.key}|`)) baselineCache.delete(k);
      }
      baselineCache.set(cacheKey, hit);
    }
    return hit;
  }

  const nounOf = (entry: Entry) => (entry.data === 'crops' ? 'crops' : 'digits');

  /** Held-out per-step MSE of the current weights (cached until they or the held-out set change), in chunks with progress. */
  async function evaluate(entry: Entry, held: HeldOut, ctx: ModelContext): Promise<number[]> {
    return store.withLock(entry, async () => {
      if (entry.evaluated?.version === entry.version && entry.evaluated.heldout === held.id) return entry.evaluated.perStep;
      const { n, dim, shape, config } = entry.layout;
      const tokens = patchify(held.images, shape, config.patch, entry.order);
      const count = held.count;
      const chunk = 100;
      const sum = new Float64Array(n);
      for (let start = 0; start < count; start += chunk) {
        reportPhase(ctx, 600 + Math.round((400 * start) / count), `Evaluating on the held-out ${nounOf(entry)}`, 'evaluating');
        await yieldToQueue();
        const size = Math.min(chunk, count - start);
        const curve = await perStepMse(entry.model, tokens.subarray(start * n * dim, (start + size) * n * dim), entry.order, chunk);
        for (let s = 0; s < n; s++) sum[s] += (curve[s] * size) / count;
      }
      const perStep = Array.from(sum);
      entry.evaluated = { version: entry.version, heldout: held.id, perStep };
      return perStep;
    });
  }

  async function status(entry: Entry, baseUrl: string, ctx: ModelContext): Promise<PatchModelStatus> {
    const held = await images.heldoutOf(entry.data, baseUrl);
    reportPhase(ctx, 500, 'Scoring the simple predictors', 'evaluating');
    const baselines = baselinesFor(entry, held);
    const perStepMse = await evaluate(entry, held, ctx);
    reportPhase(ctx, 1000, 'Ready', 'evaluating');
    const { config, side, n } = entry.layout;
    return {
      key: entry.key,
      data: entry.data,
      order: Array.from(entry.order),
      rows: config.rows,
      cols: config.cols,
      patch: config.patch,
      side,
      channels: config.channels,
      source: entry.source,
      note: entry.note,
      saved: entry.saved,
      paramCount: paramCount(config),
      perStepMse,
      meanMse: perStepMse.reduce((a, b) => a + b, 0) / n,
      baselines,
      heldoutCount: held.count,
      version: entry.version,
      losses: entry.trainer ? [...entry.trainer.losses] : [],
      trainedSteps: entry.trainedSteps,
      checkpoint: await store.checkpointStatus(entry),
      backend: activeBackendName(),
    };
  }

  /** A digit model's load starts its downloads at once, before tfjs is up: held-out digits, weights, recorded curves. */
  function prefetch(req: PatchModelRequest): void {
    if (req.kind !== 'patch-model-load' || dataOf(req) === 'crops') return;
    images.heldoutDigits(req.baseUrl).catch(() => undefined);
    void shippedMetrics(req.baseUrl);
    if (!SHIPPED_KINDS.has(req.ordering.kind)) return;
    const dir = `${req.baseUrl}models/patch-ar/${req.ordering.kind}/`;
    early.start([`${dir}model.json`, `${dir}weights.bin`]);
  }

  async function load(req: Extract<PatchModelRequest, { kind: 'patch-model-load' }>, ctx: ModelContext): Promise<PatchModelStatus> {
    if (dataOf(req) === 'crops') {
      reportPhase(ctx, 100, 'Cutting the held-out crops', 'data');
    } else {
      reportPhase(ctx, 100, 'Downloading the held-out digits', 'data');
      await images.heldoutDigits(req.baseUrl);
    }
    const entry = await entryFor(req, ctx);
    return status(entry, req.baseUrl, ctx);
  }

  async function predict(req: Extract<PatchModelRequest, { kind: 'patch-model-predict' }>, ctx: ModelContext): Promise<PatchPrediction> {
    const entry = await entryFor(req, ctx);
    const held = await images.heldoutOf(entry.data, req.baseUrl);
    const count = held.count;
    const noun = entry.data === 'crops' ? 'crop' : 'digit';
    if (!(Number.isInteger(req.digit) && req.digit >= 0 && req.digit < count)) throw new RangeError(`${noun} ${req.digit} is not one of the ${count} held-out ${noun}s (0…${count - 1})`);
    const { side, n, dim, shape, config } = entry.layout;
    const size = side * side * config.channels;
    const truth = held.images.slice(req.digit * size, (req.digit + 1) * size);
    const tokens = patchify(truth, shape, config.patch, entry.order);
    return store.withLock(entry, async () => {
      const predictions = await predictAll(entry.model, tokens, entry.order);
      const perStep = Array.from({ length: n }, (_, s) => {
        let e = 0;
        for (let p = 0; p < dim; p++) e += (predictions[s * dim + p] - tokens[s * dim + p]) ** 2;
        return e / dim;
      });
      return { key: entry.key, version: entry.version, digit: req.digit, digitCount: count, truth, predictions, perStepMse: perStep };
    });
  }

  async function sample(req: Extract<PatchModelRequest, { kind: 'patch-model-generate' }>, ctx: ModelContext): Promise<PatchGeneration> {
    const entry = await entryFor(req, ctx);
    const mode = req.mode ?? (entry.data === 'crops' ? 'gaussian' : 'bernoulli');
    const seed = Number.isFinite(req.seed) ? Math.floor(req.seed) : 0;
    const { n, shape, config } = entry.layout;
    return store.withLock(entry, async () => {
      const tokens = await generate(entry.model, entry.order, { seed, mode, onStep: (s) => ctx.progress(s + 1, n, 'Sampling patch by patch') });
      return { seed, mode, tokens, image: unpatchify(tokens, shape, config.patch, entry.order) };
    });
  }

  async function trainRun(req: Extract<PatchModelRequest, { kind: 'patch-model-train' }>, ctx: ModelContext): Promise<PatchTrainResult> {
    const { steps, batch } = trainingSize(req, MAX_BATCH);
    const entry = await entryFor(req, ctx);
    const digits = entry.data === 'digits' ? await images.trainDigits(req.baseUrl) : null;
    // Fine-tuning trained weights wants a gentler start than training fresh ones.
    const schedule = entry.runSpec?.schedule ?? (entry.source === 'fresh' ? { lr: 2e-3, warmup: 100, total: 3000, minLr: 1e-4 } : { lr: 5e-4, warmup: 20, total: 3000, minLr: 5e-5 });
    entry.runSpec = { batch, schedule, settings: {} };
    entry.trainer ??= trainerFor(entry, digits, entry.runSpec);
    entry.batch = batch;
    const trainer = entry.trainer;
    return store.train(entry, trainer, steps, ctx, () => trainer.step());
  }

  function trainerFor(entry: Entry, digits: Parameters<typeof images.batchSource>[0], spec: RunSpec): Trainer {
    const order = entry.order;
    const { shape, config } = entry.layout;
    // Crops come from the newest image a request brought (read at every step).
    const batchOf = images.batchSource(digits, mulberry32(FRESH_SEED + entry.version));
    const source = (b: number) => patchify(batchOf(b), shape, config.patch, order);
    return createTrainer(entry.model, { order, batchSize: spec.batch, schedule: spec.schedule, source: (b) => source(entry.batch ?? b) });
  }

  const { resume, discard } = checkpointHandlers({ entryFor, status, store, trainerFor, trainDigits: images.trainDigits, dataOf });

  async function reset(req: Extract<PatchModelRequest, { kind: 'patch-model-reset' }>, ctx: ModelContext): Promise<PatchModelStatus> {
    const entry = await entryFor(req, ctx);
    await store.reset(entry, async () => {
      const b = await build(req, ctx, false);
      return { model: b.model, source: b.source, note: b.note, trainedSteps: b.trainedSteps, saved: b.saved, evaluated: null };
    });
    return status(entry, req.baseUrl, ctx);
  }

  async function save(req: Extract<PatchModelRequest, { kind: 'patch-model-save' }>, ctx: ModelContext): Promise<PatchModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await store.save(entry, entry.name, (training) => ({
      order: { kind: entry.spec.kind, ...(entry.spec.kind === 'random' ? { seed: entry.spec.seed ?? 0 } : {}), cells: Array.from(entry.order) },
      training,
    }));
    return status(entry, req.baseUrl, ctx);
  }

  async function forget(req: Extract<PatchModelRequest, { kind: 'patch-model-forget' }>, ctx: ModelContext): Promise<PatchModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await store.forget(entry, entry.name);
    return status(entry, req.baseUrl, ctx);
  }

  async function lab(req: Extract<PatchModelRequest, { kind: 'patch-model-lab' }>, ctx: ModelContext): Promise<LabResult> {
    checkLabSettings(req.settings);
    const entry = await entryFor(req, ctx);
    const data = await images.labData(entry.data, req.baseUrl);
    const { config, shape } = entry.layout;
    const info = { label: `${entry.spec.kind} patch transformer (${nounOf(entry)})`, source: entry.source, stepsTrainedHere: entry.trainer?.steps ?? 0, paramCount: paramCount(config) };
    return store.withLock(entry, () => runLab(req.settings, patchLabSubtasks({ model: entry.model, order: entry.order, config, shape, info, ...data }, req.settings), ctx));
  }

  return {
    handle: dispatcher<PatchModelRequest, PatchModelResults>({
      ready: options.ready,
      check(r) {
        checkTarget(r);
        if (dataOf(r) === 'crops' && !NO_IMAGE.has(r.kind)) images.takeCropImage(r.image);
      },
      announced: ['patch-model-load', 'patch-model-reset', 'patch-model-resume', 'patch-model-lab'],
      prefetch,
      handlers: {
        'patch-model-load': load,
        'patch-model-predict': predict,
        'patch-model-generate': sample,
        'patch-model-train': trainRun,
        'patch-model-reset': reset,
        'patch-model-save': save,
        'patch-model-forget': forget,
        'patch-model-resume': resume,
        'patch-model-discard': discard,
        'patch-model-lab': lab,
      },
    }),
    clear: store.clear,
    /** Keys of the models in memory (tests). */
    loaded: store.keys,
  };
}

export type PatchModelHost = ReturnType<typeof createPatchModelHost>;
