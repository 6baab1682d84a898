// The model worker's patch transformers: one digit model per ordering, loaded lazily (saved copy in this
// browser → shipped weights → fresh), evaluated on the held-out digits, and trained, sampled, saved and reset
// on request. The handler (computeHandler.ts) starts tfjs first and passes each request here.
import { orderOf, specKey, type OrderingSpec } from '../core/patch/analysis';
import { mulberry32 } from '../core/random';
import {
  createPatchAR, createTrainer, DIGIT_CONFIG, digitImages, dispose, generate, indexedDbUrl, loadFrom, loadFromUrl, paramCount, patchify,
  perStepMse, predictAll, readDigitFile, sampleIndices, saveTo, unpatchify,
  type DigitSet, type ModelJson, type PatchAR, type PatchARMeta, type Trainer,
} from '../models/patchAR';
import { contextPredictorCurves, digitGrid } from '../models/patchAR/baselines';
import { activeBackendName, listSavedModels, removeSavedModel } from '../models/savedModels';
import type {
  PatchBaselines, PatchGeneration, PatchModelRequest, PatchModelResults, PatchModelSource, PatchModelStatus, PatchPrediction,
  PatchTrainProgress, PatchTrainResult, PatchLoadProgress,
} from './patchModelProtocol';

const CONFIG = DIGIT_CONFIG;
const SIDE = CONFIG.rows * CONFIG.patch; // 28
const N = CONFIG.rows * CONFIG.cols; // 49
const DIM = CONFIG.patch * CONFIG.patch * CONFIG.channels; // 16
const SHAPE = { height: SIDE, width: SIDE, channels: 1 };
/** The orderings scripts/train-patch-ar.ts ships weights for; others start fresh without asking the server. */
const SHIPPED_KINDS = new Set(['raster', 'hilbert', 'random']);
/** Seed of a fresh model's initial weights (the training script's). */
const FRESH_SEED = 20240611;
const MAX_BATCH = 256;
const MAX_STEPS = 100_000;
export const NO_WEIGHTS = 'No pretrained weights for this order — train one here.';

/** Where saved models live: IndexedDB through tf.io in the browser, something in memory in tests. */
export interface PatchModelStorage {
  has(name: string): Promise<boolean>;
  load(name: string): Promise<{ model: PatchAR; json: ModelJson }>;
  save(name: string, model: PatchAR, meta: PatchARMeta): Promise<void>;
  remove(name: string): Promise<void>;
}

/** tf.io's IndexedDB store ('indexeddb://patch-ar-<order>'), which works in workers. */
export const indexedDbStorage: PatchModelStorage = {
  has: async (name) => (await listSavedModels()).includes(indexedDbUrl(name)),
  load: (name) => loadFrom(indexedDbUrl(name)),
  save: (name, model, meta) => saveTo(indexedDbUrl(name), model, meta),
  remove: (name) => removeSavedModel(indexedDbUrl(name)),
};

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
  evaluated: { version: number; perStep: number[] } | null;
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
type Built = Pick<Entry, 'key' | 'name' | 'spec' | 'order' | 'model' | 'source' | 'note' | 'trainedSteps' | 'saved'>;

type Digits = { set: DigitSet; images: Float32Array };

function yieldToQueue(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkTarget(spec: OrderingSpec): void {
  if (spec.kind === 'custom') {
    throw new Error('Custom orders apply to the image grid; the digit model uses a 7×7 grid of patches, so pick another ordering for it.');
  }
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

  function fresh(): PatchAR {
    return createPatchAR(CONFIG, FRESH_SEED);
  }

  /** Loads weights into a new entry: the copy saved here, else the shipped ones, else fresh ones. */
  async function build(target: { ordering: OrderingSpec; baseUrl: string }, ctx: PatchModelContext, preferSaved: boolean): Promise<Built> {
    const spec = target.ordering;
    const key = specKey(spec);
    const name = key.replace(/[^a-z0-9-]/gi, '-');
    const order = orderOf(spec, CONFIG.rows, CONFIG.cols);
    const phase = (done: number, label: string, p: PatchLoadProgress['phase']) => ctx.progress(done, 1000, label, { phase: p } satisfies PatchLoadProgress);
    const saved = await storage.has(name).catch(() => false);
    let note: string | null = null;
    if (saved && preferSaved) {
      phase(150, 'Reading the weights saved in this browser', 'weights');
      try {
        const { model, json } = await storage.load(name);
        if (fitsDigits(json) && sameCells(json.meta.order.cells, order)) {
          return { key, name, spec, order, model, source: 'indexeddb', note: null, trainedSteps: trainedStepsOf(json), saved };
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
      return { key, name, spec, order, model: got.model, source: 'shipped', note, trainedSteps: trainedStepsOf(got.json), saved };
    }
    return { key, name, spec, order, model: fresh(), source: 'fresh', note: note ? `${note} ${got.note}` : got.note, trainedSteps: null, saved };
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

  async function entryFor(target: { ordering: OrderingSpec; baseUrl: string }, ctx: PatchModelContext): Promise<Entry> {
    checkTarget(target.ordering);
    const key = specKey(target.ordering);
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

  function baselinesFor(entry: Entry, digits: Digits): PatchBaselines {
    let hit = baselineCache.get(entry.key);
    if (!hit) {
      const c = contextPredictorCurves(digits.images, digitGrid(SIDE, CONFIG.patch), entry.order);
      hit = { copy: Array.from(c.copy), mean: Array.from(c.mean), linear: Array.from(c.linear) };
      baselineCache.set(entry.key, hit);
    }
    return hit;
  }

  /** Held-out per-step MSE of the current weights (cached until they change), in chunks with progress. */
  async function evaluate(entry: Entry, digits: Digits, ctx: PatchModelContext): Promise<number[]> {
    return withLock(entry, async () => {
      if (entry.evaluated?.version === entry.version) return entry.evaluated.perStep;
      const tokens = patchify(digits.images, SHAPE, CONFIG.patch, entry.order);
      const count = digits.set.count;
      const chunk = 100;
      const sum = new Float64Array(N);
      for (let start = 0; start < count; start += chunk) {
        ctx.progress(600 + Math.round((400 * start) / count), 1000, 'Evaluating on the held-out digits', { phase: 'evaluating' } satisfies PatchLoadProgress);
        await yieldToQueue();
        const size = Math.min(chunk, count - start);
        const curve = await perStepMse(entry.model, tokens.subarray(start * N * DIM, (start + size) * N * DIM), entry.order, chunk);
        for (let s = 0; s < N; s++) sum[s] += (curve[s] * size) / count;
      }
      const perStep = Array.from(sum);
      entry.evaluated = { version: entry.version, perStep };
      return perStep;
    });
  }

  async function status(entry: Entry, baseUrl: string, ctx: PatchModelContext): Promise<PatchModelStatus> {
    const digits = await heldoutDigits(baseUrl);
    ctx.progress(500, 1000, 'Scoring the simple predictors', { phase: 'evaluating' } satisfies PatchLoadProgress);
    const baselines = baselinesFor(entry, digits);
    const perStepMse = await evaluate(entry, digits, ctx);
    ctx.progress(1000, 1000, 'Ready', { phase: 'evaluating' } satisfies PatchLoadProgress);
    return {
      key: entry.key,
      order: Array.from(entry.order),
      rows: CONFIG.rows,
      cols: CONFIG.cols,
      patch: CONFIG.patch,
      side: SIDE,
      source: entry.source,
      note: entry.note,
      saved: entry.saved,
      paramCount: paramCount(CONFIG),
      perStepMse,
      meanMse: perStepMse.reduce((a, b) => a + b, 0) / N,
      baselines,
      heldoutCount: digits.set.count,
      version: entry.version,
      losses: entry.trainer ? [...entry.trainer.losses] : [],
      trainedSteps: entry.trainedSteps,
      backend: activeBackendName(),
    };
  }

  async function load(req: Extract<PatchModelRequest, { kind: 'patch-model-load' }>, ctx: PatchModelContext): Promise<PatchModelStatus> {
    ctx.progress(100, 1000, 'Downloading the held-out digits', { phase: 'data' } satisfies PatchLoadProgress);
    await heldoutDigits(req.baseUrl);
    const entry = await entryFor(req, ctx);
    return status(entry, req.baseUrl, ctx);
  }

  async function predict(req: Extract<PatchModelRequest, { kind: 'patch-model-predict' }>, ctx: PatchModelContext): Promise<PatchPrediction> {
    const entry = await entryFor(req, ctx);
    const digits = await heldoutDigits(req.baseUrl);
    const count = digits.set.count;
    if (!(Number.isInteger(req.digit) && req.digit >= 0 && req.digit < count)) throw new RangeError(`digit ${req.digit} is not one of the ${count} held-out digits (0…${count - 1})`);
    const size = SIDE * SIDE;
    const truth = digits.images.slice(req.digit * size, (req.digit + 1) * size);
    const tokens = patchify(truth, SHAPE, CONFIG.patch, entry.order);
    return withLock(entry, async () => {
      const predictions = await predictAll(entry.model, tokens, entry.order);
      const perStep = Array.from({ length: N }, (_, s) => {
        let e = 0;
        for (let p = 0; p < DIM; p++) e += (predictions[s * DIM + p] - tokens[s * DIM + p]) ** 2;
        return e / DIM;
      });
      return { key: entry.key, version: entry.version, digit: req.digit, digitCount: count, truth, predictions, perStepMse: perStep };
    });
  }

  async function sample(req: Extract<PatchModelRequest, { kind: 'patch-model-generate' }>, ctx: PatchModelContext): Promise<PatchGeneration> {
    const entry = await entryFor(req, ctx);
    const mode = req.mode ?? 'bernoulli';
    const seed = Number.isFinite(req.seed) ? Math.floor(req.seed) : 0;
    return withLock(entry, async () => {
      const tokens = await generate(entry.model, entry.order, { seed, mode, onStep: (s) => ctx.progress(s + 1, N, 'Sampling patch by patch') });
      return { seed, mode, tokens, image: unpatchify(tokens, SHAPE, CONFIG.patch, entry.order) };
    });
  }

  async function trainRun(req: Extract<PatchModelRequest, { kind: 'patch-model-train' }>, ctx: PatchModelContext): Promise<PatchTrainResult> {
    const steps = Math.floor(req.steps);
    const batch = Math.floor(req.batch ?? 32);
    if (!(steps >= 1 && steps <= MAX_STEPS)) throw new RangeError(`train between 1 and ${MAX_STEPS} steps, not ${req.steps}`);
    if (!(batch >= 1 && batch <= MAX_BATCH)) throw new RangeError(`the batch size must be 1…${MAX_BATCH}, not ${req.batch}`);
    const entry = await entryFor(req, ctx);
    const digits = await trainDigits(req.baseUrl);
    if (!entry.trainer) {
      const rand = mulberry32(FRESH_SEED + entry.version);
      const order = entry.order;
      const source = (b: number) => patchify(digitImages(digits, sampleIndices(digits.count, b, rand)), SHAPE, CONFIG.patch, order);
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
    const entry = await entryFor(req, ctx);
    await storage.remove(entry.name);
    entry.saved = false;
    return status(entry, req.baseUrl, ctx);
  }

  return {
    handle<K extends PatchModelRequest['kind']>(req: Extract<PatchModelRequest, { kind: K }>, ctx: PatchModelContext): Promise<PatchModelResults[K]> {
      const r = req as PatchModelRequest;
      const run = async (): Promise<PatchModelResults[PatchModelRequest['kind']]> => {
        checkTarget(r.ordering);
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
