// The model worker's learned RQ auto-encoders: one model per (data, shipped key), loaded lazily, evaluated on
// held-out data (PSNR per depth, non-monotone fraction, codebook health), and trained, saved and reset on
// request. Digit models load the copy saved in this browser → the shipped weights; crop models start fresh,
// train on random 32×32 crops of the image sent with the request and are evaluated on a fixed seeded set of
// crops of it (session only). The handler (computeHandler.ts) starts tfjs first and passes each request here.
import type { RgbImage } from '../core/image';
import { mulberry32 } from '../core/random';
import { digitImages, randomCrops, readDigitFile, sampleIndices, type DigitSet } from '../models/patchAR/data';
import {
  createRqae, createTrainer, cropConfig, dispose, evaluateImages, healthPerDepth, increaseFractionPerStep, indexedDbUrl, LARGE_RISE,
  loadFrom, loadFromUrl, nonMonotoneFraction, paramCount, psnrPerDepth, reconstructionsOf, saveTo, SHIPPED_MODELS, shippedModel,
  type ModelJson, type Rqae, type RqaeMeta, type ShippedModel, type Trainer,
} from '../models/rqae';
import { activeBackendName, savedModelStorage, type ModelStorage } from '../models/savedModels';
import type { ImagePayload } from './patchModelProtocol';
import type {
  RqaeComparison, RqaeCurve, RqaeDataKind, RqaeLoadProgress, RqaeModelRequest, RqaeModelResults, RqaeModelSource, RqaeModelStatus,
  RqaeModelTarget, RqaeReconstruction, RqaeTrainProgress, RqaeTrainResult,
} from './rqaeModelProtocol';

const CROP_SIDE = 32;
const CROP_HELDOUT = 64;
const CROP_HELDOUT_SEED = 20240613;
/** Seed of a fresh model's initial weights (the training script's). */
const FRESH_SEED = 5;
const MAX_BATCH = 128;
const MAX_STEPS = 100_000;
export const CROPS_NOT_SAVED = 'Crop models live for this session only; they are not saved in this browser.';

/** Where saved models live: IndexedDB through tf.io in the browser, something in memory in tests. */
export type RqaeModelStorage = ModelStorage<Rqae, ModelJson, RqaeMeta>;

export const indexedDbStorage: RqaeModelStorage = savedModelStorage(indexedDbUrl, loadFrom, saveTo);

export interface RqaeModelHostOptions {
  fetch?: (url: string) => Promise<Response>;
  storage?: RqaeModelStorage;
  /** Evaluate on the first `heldoutLimit` held-out images only (tests); default all. */
  heldoutLimit?: number;
  /** Resolves once tfjs runs on a backend; awaited before any model work. */
  ready?: () => Promise<unknown>;
}

export interface RqaeModelContext {
  cancelled(): boolean;
  progress(done: number, total: number, label: string, data?: unknown): void;
}

type Evaluated = { version: number; heldout: string; curve: RqaeCurve; health: RqaeModelStatus['health'] };

type Entry = {
  key: string;
  data: RqaeDataKind;
  shipped: ShippedModel;
  model: Rqae;
  source: RqaeModelSource;
  note: string | null;
  trainedSteps: number | null;
  recorded: RqaeCurve | null;
  saved: boolean;
  trainer: Trainer | null;
  batch: number | null;
  version: number;
  evaluated: Evaluated | null;
  /** Weights are read and written one job at a time (an evaluation never sees half a training step). */
  lock: Promise<unknown>;
  /** Bumped to stop a running training loop (reset, clear). */
  run: number;
  disposed: boolean;
};

type HeldOut = { id: string; count: number; images: Float32Array };

function yieldToQueue(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const dataOf = (t: Pick<RqaeModelTarget, 'data'>): RqaeDataKind => t.data ?? 'digits';

function shippedOf(target: RqaeModelTarget): ShippedModel {
  const data = dataOf(target);
  if (data !== 'digits' && data !== 'crops') throw new Error(`unknown training data '${String(data)}'`);
  const m = shippedModel(target.model);
  if (!m) throw new Error(`unknown RQ auto-encoder '${target.model}' (one of ${SHIPPED_MODELS.map((s) => s.key).join(', ')})`);
  return m;
}

const perDepthOf = (t: RqaeModelTarget) => dataOf(t) === 'crops' && t.perDepthCodebooks === true;
const keyOf = (t: RqaeModelTarget) => (dataOf(t) === 'crops' ? `crops|${t.model}${perDepthOf(t) ? '|per-depth' : ''}` : t.model);

function trainedStepsOf(json: ModelJson | null): number | null {
  const steps = json?.meta.training?.steps;
  return typeof steps === 'number' && Number.isFinite(steps) ? steps : null;
}

/** The held-out curve the training script stored in model.json, if it is there and well formed. */
function recordedOf(json: ModelJson | null): RqaeCurve | null {
  const h = json?.meta.training?.heldout as Partial<RqaeCurve> | undefined;
  if (!h || !Array.isArray(h.psnrPerDepth) || typeof h.nonMonotoneFraction !== 'number') return null;
  return { psnrPerDepth: h.psnrPerDepth, nonMonotoneFraction: h.nonMonotoneFraction, increaseFractionPerStep: h.increaseFractionPerStep ?? [] };
}

const fitsShipped = (json: ModelJson, m: ShippedModel) =>
  json.format === 'rqae' && json.meta.objective === m.objective && json.config.depth === m.depth && json.config.side === 28 && json.config.channels === 1;

export function createRqaeModelHost(options: RqaeModelHostOptions = {}) {
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const storage = options.storage ?? indexedDbStorage;
  const entries = new Map<string, Promise<Entry>>();
  let heldout: Promise<{ set: DigitSet; images: Float32Array }> | null = null;
  let train: Promise<DigitSet> | null = null;
  let crops: { hash: string; image: RgbImage; heldout: HeldOut } | null = null;
  let versions = 0;

  async function fetchDigitSet(url: string): Promise<DigitSet> {
    const response = await fetchFn(url);
    if (!response.ok) throw new Error(`could not download the digits (${url}: HTTP ${response.status})`);
    return readDigitFile(await response.arrayBuffer());
  }

  function heldoutDigits(baseUrl: string) {
    heldout ??= fetchDigitSet(`${baseUrl}models/patch-ar/digits-heldout.bin`).then((set) => {
      const count = Math.min(set.count, options.heldoutLimit ?? set.count);
      const trimmed: DigitSet = { ...set, count, pixels: set.pixels.subarray(0, count * set.side * set.side) };
      return { set: trimmed, images: digitImages(trimmed, Int32Array.from({ length: count }, (_, i) => i)) };
    });
    heldout.catch(() => (heldout = null));
    return heldout;
  }

  function trainDigits(baseUrl: string): Promise<DigitSet> {
    train ??= fetchDigitSet(`${baseUrl}models/patch-ar/digits-train.bin`);
    train.catch(() => (train = null));
    return train;
  }

  function takeCropImage(payload: ImagePayload | undefined): void {
    if (!payload || !(payload.data instanceof Float32Array) || payload.data.length !== payload.width * payload.height * 3) {
      throw new Error('the crop model needs the current image with each request');
    }
    if (payload.width < CROP_SIDE || payload.height < CROP_SIDE) throw new Error(`the image (${payload.width}×${payload.height}) is smaller than a ${CROP_SIDE}×${CROP_SIDE} crop`);
    if (crops && crops.hash === payload.hash && payload.hash !== '') return;
    const image: RgbImage = { width: payload.width, height: payload.height, data: payload.data };
    const count = Math.min(CROP_HELDOUT, options.heldoutLimit ?? CROP_HELDOUT);
    crops = { hash: payload.hash, image, heldout: { id: `crops:${payload.hash}`, count, images: randomCrops(image, CROP_SIDE, count, mulberry32(CROP_HELDOUT_SEED)) } };
  }

  async function heldoutFor(entry: Entry, baseUrl: string): Promise<HeldOut> {
    if (entry.data === 'crops') {
      if (!crops) throw new Error('the crop model needs the current image with each request');
      return crops.heldout;
    }
    const d = await heldoutDigits(baseUrl);
    return { id: 'digits', count: d.set.count, images: d.images };
  }

  function withLock<T>(entry: Entry, job: () => Promise<T>): Promise<T> {
    const guarded = () => (entry.disposed ? Promise.reject(new Error('the model was unloaded; try again')) : job());
    const run = entry.lock.then(guarded, guarded);
    entry.lock = run.catch(() => undefined);
    return run;
  }

  type Built = Pick<Entry, 'model' | 'source' | 'note' | 'trainedSteps' | 'recorded' | 'saved'>;

  /** Digits: the copy saved here (when asked), else the shipped weights. Crops: fresh weights. */
  async function build(target: RqaeModelTarget, ctx: RqaeModelContext, preferSaved: boolean): Promise<Built> {
    const m = shippedOf(target);
    if (dataOf(target) === 'crops') {
      return { model: createRqae(cropConfig(m.depth, !perDepthOf(target)), FRESH_SEED), source: 'fresh', note: null, trainedSteps: null, recorded: null, saved: false };
    }
    const phase = (done: number, label: string) => ctx.progress(done, 1000, label, { phase: 'weights' } satisfies RqaeLoadProgress);
    const saved = await storage.has(m.key).catch(() => false);
    let note: string | null = null;
    if (saved && preferSaved) {
      phase(150, 'Reading the weights saved in this browser');
      try {
        const { model, json } = await storage.load(m.key);
        if (fitsShipped(json, m)) return { model, source: 'indexeddb', note: null, trainedSteps: trainedStepsOf(json), recorded: null, saved };
        dispose(model);
        note = 'The copy saved in this browser is for another model; using the shipped weights.';
      } catch (e) {
        note = `The copy saved in this browser could not be read (${errorMessage(e)}); using the shipped weights.`;
      }
    }
    phase(150, 'Downloading the weights');
    const dir = `${target.baseUrl}models/rqae/${m.key}/`;
    let got: { model: Rqae; json: ModelJson };
    try {
      got = await loadFromUrl(dir, (loaded, total) => phase(150 + Math.round(350 * (total ? loaded / total : 0.5)), 'Downloading the weights'), fetchFn);
    } catch (e) {
      throw new Error(`the shipped weights of ${m.key} could not be read: ${errorMessage(e)}`);
    }
    if (!fitsShipped(got.json, m)) {
      dispose(got.model);
      throw new Error(`the shipped file for ${m.key} holds another model`);
    }
    return { model: got.model, source: 'shipped', note, trainedSteps: trainedStepsOf(got.json), recorded: recordedOf(got.json), saved };
  }

  function disposeEntry(entry: Entry): void {
    entry.run++;
    try {
      entry.trainer?.dispose();
      dispose(entry.model);
    } catch {
      // the backend holding the tensors may be gone (a lost GPU context); they go with it
    }
    entry.trainer = null;
  }

  async function entryFor(target: RqaeModelTarget, ctx: RqaeModelContext): Promise<Entry> {
    const shipped = shippedOf(target);
    const key = keyOf(target);
    let pending = entries.get(key);
    if (!pending) {
      pending = build(target, ctx, true).then((b) => ({
        ...b, key, data: dataOf(target), shipped, trainer: null, batch: null, version: ++versions, evaluated: null, lock: Promise.resolve(), run: 0, disposed: false,
      }));
      entries.set(key, pending);
      pending.catch(() => entries.get(key) === pending && entries.delete(key));
    }
    return pending;
  }

  /** Held-out evaluation of the current weights (cached until they or the held-out set change). */
  function evaluate(entry: Entry, held: HeldOut, ctx: RqaeModelContext, from = 500, to = 1000): Promise<Evaluated> {
    return withLock(entry, async () => {
      if (entry.evaluated?.version === entry.version && entry.evaluated.heldout === held.id) return entry.evaluated;
      const noun = entry.data === 'crops' ? 'crops' : 'digits';
      const { errors, codes } = await evaluateImages(entry.model, held.images, 50, (done, total) => {
        ctx.progress(from + Math.round(((to - from) * done) / total), 1000, `Evaluating on the held-out ${noun}`, { phase: 'evaluating' } satisfies RqaeLoadProgress);
      });
      const curve: RqaeCurve = {
        psnrPerDepth: Array.from(psnrPerDepth(errors)),
        nonMonotoneFraction: nonMonotoneFraction(errors),
        largeRiseFraction: nonMonotoneFraction(errors, LARGE_RISE),
        increaseFractionPerStep: Array.from(increaseFractionPerStep(errors)),
      };
      const health = healthPerDepth(entry.model, codes).map((h) => ({ counts: Array.from(h.counts), perplexity: h.perplexity, dead: h.dead }));
      entry.evaluated = { version: entry.version, heldout: held.id, curve, health };
      return entry.evaluated;
    });
  }

  async function status(entry: Entry, baseUrl: string, ctx: RqaeModelContext): Promise<RqaeModelStatus> {
    const held = await heldoutFor(entry, baseUrl);
    const { curve, health } = await evaluate(entry, held, ctx);
    ctx.progress(1000, 1000, 'Ready', { phase: 'evaluating' } satisfies RqaeLoadProgress);
    const c = entry.model.config;
    return {
      key: entry.key, model: entry.shipped.key, data: entry.data, objective: entry.shipped.objective, depth: c.depth,
      codebookSize: c.codebookSize, sharedCodebook: c.sharedCodebook, latentDim: c.latentDim, side: c.side, channels: c.channels,
      source: entry.source, note: entry.note, saved: entry.saved, paramCount: paramCount(c), heldoutCount: held.count,
      ...curve, health, recorded: entry.recorded, version: entry.version, losses: entry.trainer ? [...entry.trainer.losses] : [],
      trainedSteps: entry.trainedSteps, backend: activeBackendName(),
    };
  }

  async function load(req: Extract<RqaeModelRequest, { kind: 'rqae-load' }>, ctx: RqaeModelContext): Promise<RqaeModelStatus> {
    if (dataOf(req) === 'digits') {
      ctx.progress(100, 1000, 'Downloading the held-out digits', { phase: 'data' } satisfies RqaeLoadProgress);
      await heldoutDigits(req.baseUrl);
    }
    return status(await entryFor(req, ctx), req.baseUrl, ctx);
  }

  async function reconstruct(req: Extract<RqaeModelRequest, { kind: 'rqae-reconstruct' }>, ctx: RqaeModelContext): Promise<RqaeReconstruction> {
    const entry = await entryFor(req, ctx);
    const held = await heldoutFor(entry, req.baseUrl);
    const noun = entry.data === 'crops' ? 'crop' : 'digit';
    if (!(Number.isInteger(req.digit) && req.digit >= 0 && req.digit < held.count)) {
      throw new RangeError(`${noun} ${req.digit} is not one of the ${held.count} held-out ${noun}s (0…${held.count - 1})`);
    }
    const { side, channels, depth } = entry.model.config;
    const size = side * side * channels;
    const truth = held.images.slice(req.digit * size, (req.digit + 1) * size);
    return withLock(entry, async () => {
      const reconstructions = await reconstructionsOf(entry.model, truth);
      const msePerDepth = Array.from({ length: depth }, (_, d) => {
        let e = 0;
        for (let i = 0; i < size; i++) e += (reconstructions[d * size + i] - truth[i]) ** 2;
        return e / size;
      });
      return { key: entry.key, version: entry.version, digit: req.digit, digitCount: held.count, truth, reconstructions, msePerDepth };
    });
  }

  async function compare(req: Extract<RqaeModelRequest, { kind: 'rqae-compare' }>, ctx: RqaeModelContext): Promise<RqaeComparison> {
    ctx.progress(0, 1000, 'Downloading the held-out digits', { phase: 'data' } satisfies RqaeLoadProgress);
    const d = await heldoutDigits(req.baseUrl);
    const models: RqaeComparison['models'] = [];
    const n = SHIPPED_MODELS.length;
    for (let i = 0; i < n; i++) {
      if (ctx.cancelled()) break;
      const m = SHIPPED_MODELS[i];
      const entry = await entryFor({ model: m.key, baseUrl: req.baseUrl }, { cancelled: ctx.cancelled, progress: () => {} });
      const { curve } = await evaluate(entry, { id: 'digits', count: d.set.count, images: d.images }, ctx, Math.round((1000 * i) / n), Math.round((1000 * (i + 1)) / n));
      models.push({ model: m.key, objective: m.objective, depth: m.depth, source: entry.source, ...curve });
    }
    return { models, heldoutCount: d.set.count };
  }

  async function trainRun(req: Extract<RqaeModelRequest, { kind: 'rqae-train' }>, ctx: RqaeModelContext): Promise<RqaeTrainResult> {
    const steps = Math.floor(req.steps);
    const batch = Math.floor(req.batch ?? 32);
    if (!(steps >= 1 && steps <= MAX_STEPS)) throw new RangeError(`train between 1 and ${MAX_STEPS} steps, not ${req.steps}`);
    if (!(batch >= 1 && batch <= MAX_BATCH)) throw new RangeError(`the batch size must be 1…${MAX_BATCH}, not ${req.batch}`);
    const entry = await entryFor(req, ctx);
    const digits = entry.data === 'digits' ? await trainDigits(req.baseUrl) : null;
    if (!entry.trainer) {
      const rand = mulberry32(FRESH_SEED + entry.version);
      const source = (b: number) => (digits ? digitImages(digits, sampleIndices(digits.count, b, rand)) : randomCrops(crops!.image, CROP_SIDE, b, rand));
      const fresh = entry.source === 'fresh';
      // A fresh model warms up as a plain auto-encoder, then k-means fits its codebook; trained ones fine-tune gently.
      entry.trainer = createTrainer(entry.model, {
        objective: entry.shipped.objective,
        batchSize: batch,
        warmup: fresh ? 100 : 0,
        restartEvery: 100,
        seed: FRESH_SEED,
        schedule: fresh ? { lr: 2e-3, warmup: 50, total: 2000, minLr: 1e-4 } : { lr: 3e-4, warmup: 20, total: 2000, minLr: 3e-5 },
        source: (b) => source(entry.batch ?? b),
      });
    }
    entry.batch = batch;
    const trainer = entry.trainer;
    const run = ++entry.run;
    const start = performance.now();
    let done = 0;
    const rate = () => (done > 0 ? done / Math.max(1e-3, (performance.now() - start) / 1000) : 0);
    while (done < steps) {
      await yieldToQueue(); // lets a cancel (pause) or another request in between steps
      if (ctx.cancelled() || entry.run !== run) break;
      const loss = await withLock(entry, () => trainer.step());
      if (entry.run !== run) break;
      entry.version = ++versions;
      done++;
      if (!Number.isFinite(loss)) throw new Error(`training diverged (the loss is ${loss}); reset the model to start again`);
      ctx.progress(done, steps, 'Training', { step: trainer.steps, loss, stepsPerSecond: rate() } satisfies RqaeTrainProgress);
    }
    return { losses: [...trainer.losses], stepsPerSecond: rate() };
  }

  async function reset(req: Extract<RqaeModelRequest, { kind: 'rqae-reset' }>, ctx: RqaeModelContext): Promise<RqaeModelStatus> {
    const entry = await entryFor(req, ctx);
    entry.run++;
    await withLock(entry, async () => {
      const b = await build(req, ctx, false);
      disposeEntry(entry);
      Object.assign(entry, b, { evaluated: null, version: ++versions });
    });
    return status(entry, req.baseUrl, ctx);
  }

  async function save(req: Extract<RqaeModelRequest, { kind: 'rqae-save' }>, ctx: RqaeModelContext): Promise<RqaeModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await withLock(entry, async () => {
      const trained = entry.trainer?.steps ?? 0;
      const meta: RqaeMeta = {
        objective: entry.shipped.objective,
        training: { steps: (entry.trainedSteps ?? 0) + trained, basedOn: entry.source, stepsInBrowser: trained, savedAt: new Date().toISOString() },
      };
      try {
        await storage.save(entry.shipped.key, entry.model, meta);
      } catch (e) {
        throw new Error(`saving in this browser failed: ${errorMessage(e)}`);
      }
      entry.saved = true;
    });
    return status(entry, req.baseUrl, ctx);
  }

  async function forget(req: Extract<RqaeModelRequest, { kind: 'rqae-forget' }>, ctx: RqaeModelContext): Promise<RqaeModelStatus> {
    if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
    const entry = await entryFor(req, ctx);
    await storage.remove(entry.shipped.key);
    entry.saved = false;
    return status(entry, req.baseUrl, ctx);
  }

  return {
    handle<K extends RqaeModelRequest['kind']>(req: Extract<RqaeModelRequest, { kind: K }>, ctx: RqaeModelContext): Promise<RqaeModelResults[K]> {
      const r = req as RqaeModelRequest;
      const run = async (): Promise<RqaeModelResults[RqaeModelRequest['kind']]> => {
        if (r.kind !== 'rqae-compare') {
          shippedOf(r);
          if (dataOf(r) === 'crops' && r.kind !== 'rqae-save' && r.kind !== 'rqae-forget') takeCropImage(r.image);
        }
        if (r.kind === 'rqae-load' || r.kind === 'rqae-reset' || r.kind === 'rqae-compare') {
          ctx.progress(0, 1000, 'Starting tfjs', { phase: 'backend' } satisfies RqaeLoadProgress);
        }
        await options.ready?.();
        switch (r.kind) {
          case 'rqae-load': return load(r, ctx);
          case 'rqae-reconstruct': return reconstruct(r, ctx);
          case 'rqae-compare': return compare(r, ctx);
          case 'rqae-train': return trainRun(r, ctx);
          case 'rqae-reset': return reset(r, ctx);
          case 'rqae-save': return save(r, ctx);
          case 'rqae-forget': return forget(r, ctx);
        }
      };
      return run() as Promise<RqaeModelResults[K]>;
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

export type RqaeModelHost = ReturnType<typeof createRqaeModelHost>;
