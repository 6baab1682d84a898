// The model worker's patch transformers: one model per (data, ordering), loaded lazily and evaluated on
// held-out data, and trained, sampled, saved and reset on request. Digit models load the saved copy in this
// browser → shipped weights → fresh ones, and are evaluated on the held-out digits; crop models start fresh,
// train on random 32×32 crops of the image sent with the request, are evaluated on a fixed seeded set of
// crops of that image and live for the session only. The handler (computeHandler.ts) starts tfjs first and
// passes each request here.
import { orderOf, specKey, type OrderingSpec } from '../core/patch/analysis';
import { mulberry32 } from '../core/random';
import type { RgbImage } from '../core/image';
import {
  createPatchAR, createTrainer, CROP_CONFIG, DIGIT_CONFIG, digitImages, dispose, generate, indexedDbUrl, loadFrom, loadFromUrl, paramCount, patchify,
  perStepMse, predictAll, randomCrops, readDigitFile, sampleIndices, saveTo, unpatchify,
  type DigitSet, type ImageShape, type ModelJson, type PatchAR, type PatchARConfig, type PatchARMeta, type Trainer,
} from '../models/patchAR';
import { contextPredictorCurves, digitGrid } from '../models/patchAR/baselines';
import { activeBackendName, savedModelStorage, type ModelStorage } from '../models/savedModels';
import type {
  ImagePayload, PatchBaselines, PatchDataKind, PatchGeneration, PatchModelRequest, PatchModelResults, PatchModelSource, PatchModelStatus,
  PatchModelTarget, PatchPrediction, PatchTrainProgress, PatchTrainResult, PatchLoadProgress,
} from './patchModelProtocol';

/** The sizes of one kind of model: its config, image side, steps, values per patch token, image shape. */
type Layout = { config: PatchARConfig; side: number; n: number; dim: number; shape: ImageShape };

function layoutOf(config: PatchARConfig): Layout {
  const side = config.rows * config.patch;
  return { config, side, n: config.rows * config.cols, dim: config.patch * config.patch * config.channels, shape: { height: side, width: side, channels: config.channels } };
}

const LAYOUTS: Record<PatchDataKind, Layout> = { digits: layoutOf(DIGIT_CONFIG), crops: layoutOf(CROP_CONFIG) };
const CONFIG = DIGIT_CONFIG;
/** Held-out crops per image, and the seed that places them (the same crops every time for one image). */
const CROP_HELDOUT = 64;
const CROP_HELDOUT_SEED = 20240612;
/** The orderings scripts/train-patch-ar.ts ships weights for; others start fresh without asking the server. */
const SHIPPED_KINDS = new Set(['raster', 'hilbert', 'random']);
/** Seed of a fresh model's initial weights (the training script's). */
const FRESH_SEED = 20240611;
const MAX_BATCH = 256;
const MAX_STEPS = 100_000;
export const NO_WEIGHTS = 'No pretrained weights for this order — train one here.';
export const CROPS_NOT_SAVED = 'Crop models live for this session only; they are not saved in this browser.';

/** Where saved models live: IndexedDB through tf.io in the browser ('indexeddb://patch-ar-<order>'), something in memory in tests. */
export type PatchModelStorage = ModelStorage<PatchAR, ModelJson, PatchARMeta>;

export const indexedDbStorage: PatchModelStorage = savedModelStorage(indexedDbUrl, loadFrom, saveTo);

export interface PatchModelHostOptions {
  fetch?: (url: string) => Promise<Response>;
  storage?: PatchModelStorage;
  /** Evaluate on the first `heldoutLimit` held-out digits only (tests); default all. */
  heldoutLimit?: number;
  /** Models kept in memory at once (least recently used ones beyond this are freed). */
  maxModels?: number;
  /** Resolves once tfjs runs on a backend; awaited before any model work. */
  ready?: () => Promise<unknown>;
}

/** What a request may do while it runs: see whether it was cancelled, and report progress. */
export interface PatchModelContext {
  cancelled(): boolean;
  progress(done: number, total: number, label: string, data?: unknown): void;
}

type Entry = {
  key: string;
  data: PatchDataKind;
  layout: Layout;
  /** The IndexedDB name part: the key with characters safe in any store name. */
  name: string;
  spec: OrderingSpec;
  order: Int32Array;
  model: PatchAR;
  source: PatchModelSource;
  note: string | null;
  /** The steps the loaded weights were trained for, per their file. */
  trainedSteps: number | null;
  saved: boolean;
  trainer: Trainer | null;
  /** The batch size of the newest training request (the trainer's source reads it at every step). */
  batch: number | null;
  version: number;
  /** The held-out evaluation of weights `version` on held-out set `heldout` (HeldOut.id). */
  evaluated: { version: number; heldout: string; perStep: number[] } | null;
  /** Weights are read and written one job at a time (an evaluation never sees half a training step). */
  lock: Promise<unknown>;
  /** Bumped to stop a running training loop (reset, eviction). */
  run: number;
  training: boolean;
  /** Freed (evicted or cleared): jobs still queued on its lock fail instead of touching freed tensors. */
  disposed: boolean;
  lastUsed: number;
};

/** What loading settles; the rest of an Entry is session state. */
type Built = Pick<Entry, 'key' | 'data' | 'layout' | 'name' | 'spec' | 'order' | 'model' | 'source' | 'note' | 'trainedSteps' | 'saved'>;

type Digits = { set: DigitSet; images: Float32Array };

/** A held-out set: `count` images in the layout's shape; `id` names it ('digits', or 'crops:' + image hash). */
type HeldOut = { id: string; count: number; images: Float32Array };

/** The image crop models currently train on, and its held-out crops. */
type CropData = { hash: string; image: RgbImage; heldout: HeldOut };

function yieldToQueue(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function dataOf(target: Pick<PatchModelTarget, 'data'>): PatchDataKind {
  return target.data ?? 'digits';
}

function checkTarget(target: PatchModelTarget): void {
  const data = dataOf(target);
  if (data !== 'digits' && data !== 'crops') throw new Error(`unknown training data '${String(data)}'`);
  if (target.ordering.kind === 'custom') {
    throw new Error(data === 'crops'
      ? 'Custom orders apply to the image grid; the crop model uses an 8×8 grid of patches, so pick another ordering for it.'
      : 'Custom orders apply to the image grid; the digit model uses a 7×7 grid of patches, so pick another ordering for it.');
  }
}

/** A model's key: the ordering's specKey for digit models (as before crops existed), prefixed for crop models. */
function keyOf(target: PatchModelTarget): string {
  const key = specKey(target.ordering);
  return dataOf(target) === 'crops' ? `crops|${key}` : key;
}

const sameCells = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
const fitsDigits = (json: ModelJson) =>
  json.config.rows === CONFIG.rows && json.config.cols === CONFIG.cols && json.config.patch === CONFIG.patch && json.config.channels === CONFIG.channels;

function trainedStepsOf(json: ModelJson | null): number | null {
  const steps = json?.meta.training?.steps;
  return typeof steps === 'number' && Number.isFinite(steps) ? steps : null;
}

export function createPatchModelHost(options: PatchModelHostOptions = {}) {
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const storage = options.storage ?? indexedDbStorage;
  const maxModels = options.maxModels ?? 4;
  const entries = new Map<string, Promise<Entry>>();
  const baselineCache = new Map<string, PatchBaselines>();
  let heldout: Promise<Digits> | null = null;
  let crops: CropData | null = null;
  let train: Promise<DigitSet> | null = null;
  let useCounter = 0;
  let versions = 0; // host-wide, so a reloaded model never reuses an old version number

  async function fetchDigitSet(url: string): Promise<DigitSet> {
    const response = await fetchFn(url);
    if (!response.ok) throw new Error(`could not download the digits (${url}: HTTP ${response.status})`);
    return readDigitFile(await response.arrayBuffer());
  }

  function heldoutDigits(baseUrl: string): Promise<Digits> {
    heldout ??= fetchDigitSet(`${baseUrl}models/patch-ar/digits-heldout.bin`).then((set) => {
      const count = Math.min(set.count, options.heldoutLimit ?? set.count);
      const trimmed: DigitSet = { ...set, count, pixels: set.pixels.subarray(0, count * set.side * set.side) };
      return { set: trimmed, images: digitImages(trimmed, Int32Array.from({ length: count }, (_, i) => i)) };
    });
    heldout.catch(() => (heldout = null)); // a failed download may work next time
    return heldout;
  }

  function trainDigits(baseUrl: string): Promise<DigitSet> {
    train ??= fetchDigitSet(`${baseUrl}models/patch-ar/digits-train.bin`);
    train.catch(() => (train = null));
    return train;
  }

  /** Makes the request's image the one crop models train and are evaluated on (its held-out crops cut once). */
  function takeCropImage(payload: ImagePayload | undefined): CropData {
    if (!payload || !(payload.data instanceof Float32Array) || payload.data.length !== payload.width * payload.height * 3) {
      throw new Error('the crop model needs the current image with each request');
    }
    const side = LAYOUTS.crops.side;
    if (payload.width < side || payload.height < side) throw new Error(`the image (${payload.width}×${payload.height}) is smaller than a ${side}×${side} crop`);
    if (crops && crops.hash === payload.hash && payload.hash !== '') return crops;
    const image: RgbImage = { width: payload.width, height: payload.height, data: payload.data };
    const count = Math.min(CROP_HELDOUT, options.heldoutLimit ?? CROP_HELDOUT);
    const images = randomCrops(image, side, count, mulberry32(CROP_HELDOUT_SEED));
    crops = { hash: payload.hash, image, heldout: { id: `crops:${payload.hash}`, count, images } };
    return crops;
  }

  async function heldoutFor(entry: Entry, baseUrl: string): Promise<HeldOut> {
    if (entry.data === 'crops') {
      if (!crops) throw new Error('the crop model needs the current image with each request');
      return crops.heldout;
    }
    const digits = await heldoutDigits(baseUrl);
    return { id: 'digits', count: digits.set.count, images: digits.images };
  }

  function withLock<T>(entry: Entry, job: () => Promise<T>): Promise<T> {
    const guarded = () => (entry.disposed ? Promise.reject(new Error('the model was unloaded to free memory; try again')) : job());
    const run = entry.lock.then(guarded, guarded);
    entry.lock = run.catch(() => undefined);
    return run;
  }

  /** The shipped weights for an order, or why there are none (a missing file, another random seed). */
  async function shipped(spec: OrderingSpec, order: Int32Array, baseUrl: string, onBytes: (fraction: number) => void): Promise<{ model: PatchAR; json: ModelJson } | { note: string }> {
    if (!SHIPPED_KINDS.has(spec.kind)) return { note: NO_WEIGHTS };
    const dir = `${baseUrl}models/patch-ar/${spec.kind}/`;
    const response = await fetchFn(`${dir}model.json`);
    if (!response.ok) return { note: NO_WEIGHTS };
    let json: ModelJson;
    try {
      json = (await response.json()) as ModelJson;
    } catch {
      return { note: NO_WEIGHTS }; // a server's fallback page instead of a model file
    }
    if (json?.format !== 'patch-ar' || !fitsDigits(json)) return { note: NO_WEIGHTS };
    if (!sameCells(json.meta.order.cells, order)) {
      const seed = json.meta.order.seed;
      return {
        note: spec.kind === 'random' && seed !== undefined
          ? `No pretrained weights for this order — the shipped random-order model was trained for seed ${seed}: set the seed to ${seed} to use it, or train one here.`
          : NO_WEIGHTS,
      };
    }
    try {
      return await loadFromUrl(
        dir,
        (loaded, total) => onBytes(total ? loaded / total : 0.5),
        // model.json is already here; only the weights travel.
        (url) => (url === `${dir}model.json` ? Promise.resolve(new Response(JSON.stringify(json))) : fetchFn(url)),
      );
    } catch (e) {
      throw new Error(`the shipped weights for ${spec.kind} could not be read: ${errorMessage(e)}`);
    }
  }

  function fresh(config: PatchARConfig = CONFIG): PatchAR {
    return createPatchAR(config, FRESH_SEED);
  }

  /**
   * Loads weights into a new entry: for digits the copy saved here, else the shipped ones, else fresh ones;
   * crop models always start fresh.
   */
  async function build(target: PatchModelTarget, ctx: PatchModelContext, preferSaved: boolean): Promise<Built> {
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
    const phase = (done: number, label: string, p: PatchLoadProgress['phase']) => ctx.progress(done, 1000, label, { phase: p } satisfies PatchLoadProgress);
    const saved = await storage.has(name).catch(() => false);
    let note: string | null = null;
    if (saved && preferSaved) {
      phase(150, 'Reading the weights saved in this browser', 'weights');
      try {
        const { model, json } = await storage.load(name);
        if (fitsDigits(json) && sameCells(json.meta.order.cells, order)) {
          return { key, data, layout, name, spec, order, model, source: 'indexeddb', note: null, trainedSteps: trainedStepsOf(json), saved };
        }
        dispose(model);
        note = 'The copy saved in this browser is for another model shape or order; using the shipped weights.';
      } catch (e) {
        note = `The copy saved in this browser could not be read (${errorMessage(e)}); using the shipped weights.`;
      }
    }
    phase(150, 'Downloading the weights', 'weights');
    const got = await shipped(spec, order, target.baseUrl, (f) => phase(150 + Math.round(350 * f), 'Downloading the weights', 'weights'));
    if ('model' in got) {
      return { key, data, layout, name, spec, order, model: got.model, source: 'shipped', note, trainedSteps: trainedStepsOf(got.json), saved };
    }
    return { key, data, layout, name, spec, order, model: fresh(), source: 'fresh', note: note ? `${note} ${got.note}` : got.note, trainedSteps: null, saved };
  }

  function disposeEntry(entry: Entry): void {
    entry.run++;
    entry.training = false;
    try {
      entry.trainer?.dispose();
      dispose(entry.model);
    } catch {
      // the backend holding the tensors may be gone (a lost GPU context); they go with it
    }
    entry.trainer = null;
  }

  /** Frees the least recently used models beyond maxModels (never one that is training). */
  async function evict(): Promise<void> {
    if (entries.size <= maxModels) return;
    const settled = (await Promise.all([...entries.values()].map((p) => p.catch(() => null)))).filter((e): e is Entry => e !== null);
    settled.sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of settled) {
      if (entries.size <= maxModels) break;
      if (e.training) continue;
      entries.delete(e.key);
      void withLock(e, async () => {
        disposeEntry(e);
        e.disposed = true;
      });
    }
  }

  async function entryFor(target: PatchModelTarget, ctx: PatchModelContext): Promise<Entry> {
    checkTarget(target);
    const key = keyOf(target);
    let pending = entries.get(key);
    if (!pending) {
      pending = build(target, ctx, true).then((b) => ({
        ...b, trainer: null, batch: null, version: ++versions, evaluated: null, lock: Promise.resolve(), run: 0, training: false, disposed: false, lastUsed: ++useCounter,
      }));
      entries.set(key, pending);
      pending.catch(() => entries.get(key) === pending && entries.delete(key));
      void pending.then(evict, () => undefined);
    }
    const entry = await pending;
    entry.lastUsed = ++useCounter;
    return entry;
  }

  function baselinesFor(entry: Entry, held: HeldOut): PatchBaselines {
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
  async function evaluate(entry: Entry, held: HeldOut, ctx: PatchModelContext): Promise<number[]> {
    return withLock(entry, async () => {
      if (entry.evaluated?.version === entry.version && entry.evaluated.heldout === held.id) return entry.evaluated.perStep;
      const { n, dim, shape, config } = entry.layout;
      const tokens = patchify(held.images, shape, config.patch, entry.order);
      const count = held.count;
      const chunk = 100;
      const sum = new Float64Array(n);
      for (let start = 0; start < count; start += chunk) {
        ctx.progress(600 + Math.round((400 * start) / count), 1000, `Evaluating on the held-out ${nounOf(entry)}`, { phase: 'evaluating' } satisfies PatchLoadProgress);
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

  async function status(entry: Entry, baseUrl: string, ctx: PatchModelContext): Promise<PatchModelStatus> {
    const held = await heldoutFor(entry, baseUrl);
    ctx.progress(500, 1000, 'Scoring the simple predictors', { phase: 'evaluating' } satisfies PatchLoadProgress);
    const baselines = baselinesFor(entry, held);
    const perStepMse = await evaluate(entry, held, ctx);
    ctx.progress(1000, 1000, 'Ready', { phase: 'evaluating' } satisfies PatchLoadProgress);
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
      backend: activeBackendName(),
    };
  }

  async function load(req: Extract<PatchModelRequest, { kind: 'patch-model-load' }>, ctx: PatchModelContext): Promise<PatchModelStatus> {
    if (dataOf(req) === 'crops') {
      ctx.progress(100, 1000, 'Cutting the held-out crops', { phase: 'data' } satisfies PatchLoadProgress);
    } else {
      ctx.progress(100, 1000, 'Downloading the held-out digits', { phase: 'data' } satisfies PatchLoadProgress);
      await heldoutDigits(req.baseUrl);
    }
    const entry = await entryFor(req, ctx);
    return status(entry, req.baseUrl, ctx);
  }

  async function predict(req: Extract<PatchModelRequest, { kind: 'patch-model-predict' }>, ctx: PatchModelContext): Promise<PatchPrediction> {
    const entry = await entryFor(req, ctx);
    const held = await heldoutFor(entry, req.baseUrl);
    const count = held.count;
    const noun = entry.data === 'crops' ? 'crop' : 'digit';
    if (!(Number.isInteger(req.digit) && req.digit >= 0 && req.digit < count)) throw new RangeError(`${noun} ${req.digit} is not one of the ${count} held-out ${noun}s (0…${count - 1})`);
    const { side, n, dim, shape, config } = entry.layout;
    const size = side * side * config.channels;
    const truth = held.images.slice(req.digit * size, (req.digit + 1) * size);
    const tokens = patchify(truth, shape, config.patch, entry.order);
    return withLock(entry, async () => {
      const predictions = await predictAll(entry.model, tokens, entry.order);
      const perStep = Array.from({ length: n }, (_, s) => {
        let e = 0;
        for (let p = 0; p < dim; p++) e += (predictions[s * dim + p] - tokens[s * dim + p]) ** 2;
        return e / dim;
      });
      return { key: entry.key, version: entry.version, digit: req.digit, digitCount: count, truth, predictions, perStepMse: perStep };
    });
  }

  async function sample(req: Extract<PatchModelRequest, { kind: 'patch-model-generate' }>, ctx: PatchModelContext): Promise<PatchGeneration> {
    const entry = await entryFor(req, ctx);
    const mode = req.mode ?? (entry.data === 'crops' ? 'gaussian' : 'bernoulli');
    const seed = Number.isFinite(req.seed) ? Math.floor(req.seed) : 0;
    const { n, shape, config } = entry.layout;
    return withLock(entry, async () => {
      const tokens = await generate(entry.model, entry.order, { seed, mode, onStep: (s) => ctx.progress(s + 1, n, 'Sampling patch by patch') });
      return { seed, mode, tokens, image: unpatchify(tokens, shape, config.patch, entry.order) };
    });
  }

  async function trainRun(req: Extract<PatchModelRequest, { kind: 'patch-model-train' }>, ctx: PatchModelContext): Promise<PatchTrainResult> {
    const steps = Math.floor(req.steps);
    const batch = Math.floor(req.batch ?? 32);
    if (!(steps >= 1 && steps <= MAX_STEPS)) throw new RangeError(`train between 1 and ${MAX_STEPS} steps, not ${req.steps}`);
    if (!(batch >= 1 && batch <= MAX_BATCH)) throw new RangeError(`the batch size must be 1…${MAX_BATCH}, not ${req.batch}`);
    const entry = await entryFor(req, ctx);
    const digits = entry.data === 'digits' ? await trainDigits(req.baseUrl) : null;
    if (!entry.trainer) {
      const rand = mulberry32(FRESH_SEED + entry.version);
      const order = entry.order;
      const { shape, config, side } = entry.layout;
      // Crops come from the newest image a request brought (read at every step).
      const source = (b: number) => {
        const images = digits ? digitImages(digits, sampleIndices(digits.count, b, rand)) : randomCrops(crops!.image, side, b, rand);
        return patchify(images, shape, config.patch, order);
      };
      // Fine-tuning trained weights wants a gentler start than training fresh ones.
      const schedule = entry.source === 'fresh' ? { lr: 2e-3, warmup: 100, total: 3000, minLr: 1e-4 } : { lr: 5e-4, warmup: 20, total: 3000, minLr: 5e-5 };
      entry.trainer = createTrainer(entry.model, { order, batchSize: batch, schedule, source: (b) => source(entry.batch ?? b) });
    }
    entry.batch = batch;
    const trainer = entry.trainer;
    const run = ++entry.run; // a newer run (or a reset) stops this one
    entry.training = true;
    const start = performance.now();
    let done = 0;
    const rate = () => (done > 0 ? done / Math.max(1e-3, (performance.now() - start) / 1000) : 0);
    try {
      while (done < steps) {
        await yieldToQueue(); // lets a cancel (pause) or another request in between steps
        if (ctx.cancelled() || entry.run !== run) break;
        const loss = await withLock(entry, () => trainer.step());
        if (entry.run !== run) break; // reset while this step ran: its result belongs to discarded weights
        entry.version = ++versions;
        done++;
        if (!Number.isFinite(loss)) throw new Error(`training diverged (the loss is ${loss}); reset the model to start again`);
        ctx.progress(done, steps, 'Training', { step: trainer.steps, loss, stepsPerSecond: rate() } satisfies PatchTrainProgress);
      }
    } finally {
      if (entry.run === run) entry.training = false;
    }
    return { losses: [...trainer.losses], stepsPerSecond: rate() };
  }

  async function reset(req: Extract<PatchModelRequest, { kind: 'patch-model-reset' }>, ctx: PatchModelContext): Promise<PatchModelStatus> {
    const entry = await entryFor(req, ctx);
    entry.run++; // stops a training run after its current step
    entry.training = false;
    await withLock(entry, async () => {
      const b = await build(req, ctx, false);
      disposeEntry(entry);
      Object.assign(entry, { model: b.model, source: b.source, note: b.note, trainedSteps: b.trainedSteps, saved: b.saved, evaluated: null });
      entry.version = ++versions;
    });
    return status(entry, req.baseUrl, ctx);
  }

  async function save(req: Extract<PatchModelRequest, { kind: 'patch-model-save' }>, ctx: PatchModelContext): Promise<PatchModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await withLock(entry, async () => {
      const trained = entry.trainer?.steps ?? 0;
      const meta: PatchARMeta = {
        order: { kind: entry.spec.kind, ...(entry.spec.kind === 'random' ? { seed: entry.spec.seed ?? 0 } : {}), cells: Array.from(entry.order) },
        training: { steps: (entry.trainedSteps ?? 0) + trained, basedOn: entry.source, stepsInBrowser: trained, savedAt: new Date().toISOString() },
      };
      try {
        await storage.save(entry.name, entry.model, meta);
      } catch (e) {
        throw new Error(`saving in this browser failed: ${errorMessage(e)}`);
      }
      entry.saved = true;
    });
    return status(entry, req.baseUrl, ctx);
  }

  async function forget(req: Extract<PatchModelRequest, { kind: 'patch-model-forget' }>, ctx: PatchModelContext): Promise<PatchModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await storage.remove(entry.name);
    entry.saved = false;
    return status(entry, req.baseUrl, ctx);
  }

  return {
    handle<K extends PatchModelRequest['kind']>(req: Extract<PatchModelRequest, { kind: K }>, ctx: PatchModelContext): Promise<PatchModelResults[K]> {
      const r = req as PatchModelRequest;
      const run = async (): Promise<PatchModelResults[PatchModelRequest['kind']]> => {
        checkTarget(r);
        if (dataOf(r) === 'crops' && r.kind !== 'patch-model-save' && r.kind !== 'patch-model-forget') takeCropImage(r.image);
        if (r.kind === 'patch-model-load' || r.kind === 'patch-model-reset') {
          ctx.progress(0, 1000, 'Starting tfjs', { phase: 'backend' } satisfies PatchLoadProgress);
        }
        await options.ready?.();
        switch (r.kind) {
          case 'patch-model-load': return load(r, ctx);
          case 'patch-model-predict': return predict(r, ctx);
          case 'patch-model-generate': return sample(r, ctx);
          case 'patch-model-train': return trainRun(r, ctx);
          case 'patch-model-reset': return reset(r, ctx);
          case 'patch-model-save': return save(r, ctx);
          case 'patch-model-forget': return forget(r, ctx);
        }
      };
      return run() as Promise<PatchModelResults[K]>;
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
    },
    /** Keys of the models in memory (tests). */
    loaded: () => [...entries.keys()],
  };
}

export type PatchModelHost = ReturnType<typeof createPatchModelHost>;
