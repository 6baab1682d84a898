// What the model worker's hosts (patchModel.ts, rqaeModel.ts, denoiser.ts) share: the models kept in memory
// (one lock each, loaded once, freed on reset, eviction or a lost backend), training runs that a cancel pauses
// and that are checkpointed in this browser for a resume after a reload, and saving in this browser. Answering
// requests once tfjs runs and the progress of loading weights are in hostHelpers.ts.
import type { ModelStorage } from '../../models/savedModels';
import type { Schedule, TrainerState } from '../../models/training';
import {
  captureCheckpoint, CheckpointMismatchError, indexedDbCheckpoints, mismatch, restoreCheckpoint, shapesOf, storageFailure, StorageUnavailableError,
  type CheckpointStore,
} from '../../models/trainingCheckpoint';
import type { CheckpointProgress, CheckpointStatus } from '../../protocol/checkpoint';
import type { DenoiserSource, DenoiserTrainProgress, DenoiserTrainResult } from '../../protocol/denoiser';
import type { PatchModelSource, PatchTrainProgress, PatchTrainResult } from '../../protocol/patchModel';
import type { RqaeModelSource, RqaeTrainProgress, RqaeTrainResult } from '../../protocol/rqaeModel';
import { errorMessage, reportPhase, yieldToQueue, type ModelContext } from './hostHelpers';

/** The IndexedDB store of training runs every host shares by default. */
let sharedCheckpoints: CheckpointStore | null = null;
export const defaultCheckpoints = (): CheckpointStore => (sharedCheckpoints ??= indexedDbCheckpoints());

// The shapes every host sends, which each protocol names for its own kinds.
type TrainProgress = PatchTrainProgress & RqaeTrainProgress & DenoiserTrainProgress;
type TrainResult = PatchTrainResult & RqaeTrainResult & DenoiserTrainResult;
type Params = Parameters<typeof shapesOf>[0];
export type WeightsSource = PatchModelSource & RqaeModelSource & DenoiserSource;

/** A trainer as the hosts drive it. */
export interface ModelTrainer {
  readonly steps: number;
  readonly losses: readonly number[];
  /** The losses and optimizer state a checkpoint stores, and putting them back (models/training.ts). */
  readState(): Promise<TrainerState>;
  writeState(state: TrainerState): void;
  /** Frees the optimizer's slots (the model stays). */
  dispose(): void;
}

/** What loading settles about any model's weights. */
export interface LoadedWeights<M> {
  model: M;
  source: WeightsSource;
  /** Whether this browser holds a saved copy. */
  saved: boolean;
  /** The steps the loaded weights were trained for, per their file. */
  trainedSteps: number | null;
}

/** The state the store keeps for each model in memory. */
export interface Session<T> {
  trainer: T | null;
  /** Changes whenever the weights change; host-wide, so a reloaded model never reuses an old number. */
  version: number;
  /** Weights are read and written one job at a time (an evaluation never sees half a training step). */
  lock: Promise<unknown>;
  /** Bumped to stop a running training loop (reset, eviction, clear). */
  run: number;
  /** A training run is under way (eviction passes it over). */
  training: boolean;
  /** Freed (evicted or cleared): jobs still queued on its lock fail instead of touching freed tensors. */
  disposed: boolean;
  lastUsed: number;
  /** The settings of the current training run, which its checkpoints store (set with its trainer). */
  runSpec: RunSpec | null;
  /** What went wrong with storage for this model (a checkpoint not saved, a stored copy deleted), or null. */
  storageNote: string | null;
}

/** A training run's settings: batch size, learning-rate schedule and the host's own (the denoiser's target…). */
export type RunSpec = { batch: number; schedule: Schedule; settings: object };

/**
 * Training runs are checkpointed every STORE_EVERY steps, and whenever a run stops. A checkpoint holds 12 bytes
 * per parameter (the weights and Adam's two moments): 0.3 MB for an RQ auto-encoder, 14 MB for the digit MLP
 * denoiser. Measured in Chromium on 2 cores: reading it back from the backend holds training for 30 ms and 215 ms,
 * against 0.3–0.6 s and 0.14 s per training step, so at 50 steps it holds training for under 0.2 % and 3 % of
 * its time; the IndexedDB write then goes on beside training (0.1–0.9 s and 1.1–1.7 s). Counting the whole save,
 * a save that took longer than STORE_BUDGET of the time trained since the previous one makes the next wait until
 * that share is back under it: after the first, saving costs at most 5 % of training time however slow the disk.
 */
export const STORE_EVERY = 50;
export const STORE_BUDGET = 0.05;

export type HostedModel<M, T> = LoadedWeights<M> & Session<T>;

/** What a saved file records about its weights' training. */
export type TrainingRecord = { steps: number; basedOn: WeightsSource; stepsInBrowser: number; savedAt: string };

/**
 * The models of one host in memory, by key: each loaded once (concurrent requests share the load; a failed
 * one is retried by the next request), its weights read and written under its lock, and freed on reset, on
 * `clear` (a lost backend) and, beyond `maxModels`, least recently used first.
 */
export function createModelStore<E extends HostedModel<{ params: Params }, ModelTrainer>, J, Meta>(options: {
  storage: ModelStorage<E['model'], J, Meta>;
  disposeModel: (model: E['model']) => void;
  /** The error of a job that reaches a model freed before it ran. */
  unloaded: string;
  /** Models kept at once (never freeing one that is training); default all. */
  maxModels?: number;
  /** Where training runs are checkpointed. */
  checkpoints?: CheckpointStore;
  /** The name a model's training runs are stored under; null where they are not (crop models). */
  checkpointKey: (entry: E) => string | null;
}) {
  const { storage, disposeModel, unloaded, maxModels = Infinity, checkpointKey } = options;
  const checkpoints = options.checkpoints ?? defaultCheckpoints();
  /** Why runs cannot be stored in this browser, once a store call found out (then no checkpoint is even read). */
  let unavailable: string | null = null;
  /** Checkpoint writes under way, by key: a discard waits for them, so a stored run it deletes never comes back. */
  const writes = new Map<string, Promise<unknown>>();
  const entries = new Map<string, Promise<E>>();
  let versions = 0;
  let useCounter = 0;

  function withLock<R>(entry: E, job: () => Promise<R>): Promise<R> {
    const guarded = () => (entry.disposed ? Promise.reject(new Error(unloaded)) : job());
    const run = entry.lock.then(guarded, guarded);
    entry.lock = run.catch(() => undefined);
    return run;
  }

  function dispose(entry: E): void {
    entry.run++;
    entry.training = false;
    try {
      entry.trainer?.dispose();
      disposeModel(entry.model);
    } catch {
      // the backend holding the tensors may be gone (a lost GPU context); they go with it
    }
    entry.trainer = null;
  }

  async function evict(): Promise<void> {
    if (entries.size <= maxModels) return;
    const settled = await Promise.all([...entries].map(([key, p]) => p.then((entry) => ({ key, entry }), () => null)));
    const loaded = settled.filter((s) => s !== null).sort((a, b) => a.entry.lastUsed - b.entry.lastUsed);
    for (const { key, entry } of loaded) {
      if (entries.size <= maxModels) break;
      if (entry.training) continue;
      entries.delete(key);
      void withLock(entry, async () => {
        dispose(entry);
        entry.disposed = true;
      });
    }
  }

  /** Deletes the model's stored training run (the weights in memory stay). */
  async function discard(entry: E): Promise<void> {
    const key = checkpointKey(entry);
    if (key !== null) {
      await writes.get(key)?.catch(() => undefined);
      await checkpoints.remove(key).catch((e: unknown) => {
        if (!(e instanceof StorageUnavailableError)) throw e;
      });
    }
    entry.storageNote = null;
  }

  /**
   * Checkpoints one run of `trainer`: `tick` after each step stores one when due (the write goes on while
   * training does), `stop` stores the run as it stands; `progress` is what the step's progress says about it.
   */
  function checkpointer(entry: E, trainer: ModelTrainer, run: number) {
    const key = checkpointKey(entry);
    let stored: number | null = null;
    let error: string | null = null;
    let writing: Promise<void> | null = null;
    let since = { steps: 0, at: performance.now() };
    let cost = 0;
    const save = async () => {
      if (key === null || unavailable !== null || entry.runSpec === null) return;
      const started = performance.now();
      try {
        const checkpoint = await withLock(entry, () => captureCheckpoint({ key: key!, ...entry.runSpec! }, entry.model.params, trainer));
        if (entry.run !== run) return; // reset (or resumed elsewhere) meanwhile: this run is over
        const write = checkpoints.put(checkpoint);
        writes.set(key, write);
        await write.finally(() => writes.get(key) === write && writes.delete(key));
        stored = checkpoint.step;
        error = null;
        if (entry.storageNote?.startsWith('The checkpoint of step')) entry.storageNote = null;
      } catch (e) {
        if (e instanceof StorageUnavailableError) {
          unavailable = e.message; // nothing is stored in this browser; the status says so
          return;
        }
        const lost = stored === null ? 'since it started' : `since step ${stored}`;
        error = `The checkpoint of step ${trainer.steps} was not saved: ${storageFailure(e)}. Training goes on, but a reload would lose the run ${lost}.`;
        entry.storageNote = error;
      } finally {
        cost = performance.now() - started;
        since = { steps: 0, at: performance.now() };
      }
    };
    return {
      tick() {
        since.steps++;
        const due = since.steps >= STORE_EVERY && cost <= STORE_BUDGET * (performance.now() - since.at);
        if (due && writing === null) writing = save().finally(() => (writing = null));
      },
      async stop() {
        await writing;
        if (trainer.steps > 0 && stored !== trainer.steps) await save();
      },
      progress: (): CheckpointProgress => ({ ...(stored !== null ? { checkpointStep: stored } : {}), ...(error !== null ? { checkpointError: error } : {}) }),
    };
  }

  return {
    withLock,

    /** The model under `key`, loaded by `load` if it is not in memory. */
    async get(key: string, load: () => Promise<Omit<E, keyof Session<unknown>>>): Promise<E> {
      let pending = entries.get(key);
      if (!pending) {
        const created = load().then((loaded) => ({
          runSpec: null, storageNote: null,
          ...loaded, trainer: null, version: ++versions, lock: Promise.resolve(), run: 0, training: false, disposed: false, lastUsed: ++useCounter,
        }) as E);
        entries.set(key, created);
        created.catch(() => entries.get(key) === created && entries.delete(key));
        void created.then(evict, () => undefined);
        pending = created;
      }
      const entry = await pending;
      entry.lastUsed = ++useCounter;
      return entry;
    },

    /**
     * Whether this browser holds a copy saved as `name` and, when `preferSaved`, that copy if it `fits`; else
     * `note` says why it was passed over (`other`: what the copy is for when it does not fit).
     */
    async savedCopy(name: string, preferSaved: boolean, ctx: ModelContext, fits: (json: J) => boolean, other: string) {
      const saved = await storage.has(name).catch(() => false);
      let note: string | null = null;
      if (saved && preferSaved) {
        reportPhase(ctx, 150, 'Reading the weights saved in this browser', 'weights');
        try {
          const copy = await storage.load(name);
          if (fits(copy.json)) return { saved, copy, note };
          disposeModel(copy.model);
          note = `The copy saved in this browser is for ${other}`;
        } catch (e) {
          note = `The copy saved in this browser no longer matches the model (${errorMessage(e)})`;
        }
        // A copy that cannot be used now never will be: it goes, and the shipped weights load.
        const gone = await storage.remove(name).then(() => true, () => false);
        note += gone ? '; it was deleted, and the shipped weights are loaded.' : '; the shipped weights are loaded.';
        return { saved: !gone, copy: null, note };
      }
      return { saved, copy: null, note };
    },

    /** Stops its training, then swaps in what `rebuild` loads (under the lock) and frees the old weights. */
    async reset(entry: E, rebuild: () => Promise<Partial<E>>): Promise<void> {
      entry.run++; // stops a training run after its current step
      entry.training = false;
      await withLock(entry, async () => {
        const rebuilt = await rebuild();
        dispose(entry);
        Object.assign(entry, rebuilt);
        entry.runSpec = null;
        entry.version = ++versions;
      });
      await discard(entry); // training done here is forgotten, its stored run too
    },

    /**
     * Runs `steps` steps of `trainer` (each `step` under the lock) with live progress. A cancel pauses it
     * between steps, and a newer run or a reset stops it; trainer, weights and losses stay for the next run.
     * The run is checkpointed in this browser every STORE_EVERY steps (within STORE_BUDGET) and when it stops.
     */
    async train(entry: E, trainer: ModelTrainer, steps: number, ctx: ModelContext, step: () => Promise<number>): Promise<TrainResult> {
      const run = ++entry.run; // a newer run (or a reset) stops this one
      entry.training = true;
      const start = performance.now();
      let done = 0;
      const rate = () => (done > 0 ? done / Math.max(1e-3, (performance.now() - start) / 1000) : 0);
      const saver = checkpointer(entry, trainer, run);
      try {
        while (done < steps) {
          await yieldToQueue(); // lets a cancel (pause) or another request in between steps
          if (ctx.cancelled() || entry.run !== run) break;
          const loss = await withLock(entry, step);
          if (entry.run !== run) break; // reset while this step ran: its result belongs to discarded weights
          entry.version = ++versions;
          done++;
          if (!Number.isFinite(loss)) throw new Error(`training diverged (the loss is ${loss}); reset the model to start again`);
          saver.tick();
          ctx.progress(done, steps, 'Training', { step: trainer.steps, loss, stepsPerSecond: rate(), ...saver.progress() } satisfies TrainProgress);
        }
        if (entry.run === run) await saver.stop(); // paused or done: the run as it stands is what a reload resumes
      } finally {
        if (entry.run === run) entry.training = false;
      }
      return { losses: [...trainer.losses], stepsPerSecond: rate() };
    },

    /** What this browser holds of the model's training runs: the stored one, if it fits the model (else deleted). */
    async checkpointStatus(entry: E): Promise<CheckpointStatus<object>> {
      const key = checkpointKey(entry);
      const none = (unavailable: string | null) => ({ stored: null, unavailable, note: entry.storageNote });
      if (key === null || unavailable !== null) return none(unavailable);
      let summary;
      try {
        summary = await checkpoints.summary(key);
      } catch (e) {
        if (e instanceof StorageUnavailableError) return none((unavailable = e.message));
        entry.storageNote = `The training run stored in this browser could not be read (${storageFailure(e)}).`;
        return none(null);
      }
      if (!summary) return none(null);
      const why = mismatch(summary.shapes, shapesOf(entry.model.params));
      if (why) {
        await checkpoints.remove(key).catch(() => undefined);
        entry.storageNote = `The training run stored in this browser (step ${summary.step}) no longer fits this model (${why}); it was deleted, and the model keeps the weights it loaded.`;
        return none(null);
      }
      return { stored: { step: summary.step, savedAt: summary.savedAt, batch: summary.batch, settings: summary.settings }, unavailable: null, note: entry.storageNote };
    },

    /**
     * Puts the stored run back: its weights, and a trainer `make` builds for its settings with its losses and
     * optimizer state. A run that no longer fits is deleted and the model keeps its weights (storageNote says so).
     */
    async resume(entry: E, make: (spec: RunSpec) => E['trainer']): Promise<boolean> {
      const key = checkpointKey(entry);
      if (key === null) throw new Error('training runs of this model are not stored in this browser');
      entry.run++; // stops a training run after its current step
      entry.training = false;
      return withLock(entry, async () => {
        const checkpoint = await checkpoints.get(key);
        if (!checkpoint) throw new Error('this browser holds no stored training run of this model (it may have been deleted)');
        const spec: RunSpec = { batch: checkpoint.batch, schedule: checkpoint.schedule, settings: checkpoint.settings };
        const trainer = make(spec)!;
        try {
          restoreCheckpoint(checkpoint, entry.model.params, trainer);
        } catch (e) {
          trainer.dispose();
          if (!(e instanceof CheckpointMismatchError)) throw e;
          await checkpoints.remove(key).catch(() => undefined);
          entry.storageNote = `The training run stored in this browser (step ${checkpoint.step}) no longer fits this model (${e.message}); it was deleted, and the model keeps the weights it loaded.`;
          return false;
        }
        entry.trainer?.dispose();
        entry.trainer = trainer;
        entry.runSpec = spec;
        entry.storageNote = null;
        entry.version = ++versions;
        return true;
      });
    },

    discard,

    /** Saves the weights as `name` in this browser, with the training record `metaOf` places in the file's meta. */
    async save(entry: E, name: string, metaOf: (training: TrainingRecord) => Meta): Promise<void> {
      await withLock(entry, async () => {
        const trained = entry.trainer?.steps ?? 0;
        const meta = metaOf({ steps: (entry.trainedSteps ?? 0) + trained, basedOn: entry.source, stepsInBrowser: trained, savedAt: new Date().toISOString() });
        try {
          await storage.save(name, entry.model, meta);
        } catch (e) {
          throw new Error(`the copy was not saved in this browser: ${storageFailure(e)}; the weights in memory are unchanged`);
        }
        entry.saved = true;
      });
    },

    /** Deletes the copy saved as `name` (the weights in memory stay). */
    async forget(entry: E, name: string): Promise<void> {
      await storage.remove(name);
      entry.saved = false;
    },

    /** Frees every model (their tensors are gone with a lost backend anyway); the next request reloads. */
    clear(): void {
      const all = [...entries.values()];
      entries.clear();
      for (const p of all) {
        void p.then((entry) => {
          dispose(entry);
          entry.disposed = true;
        }, () => undefined);
      }
    },

    /** Keys of the models in memory. */
    keys: () => [...entries.keys()],
  };
}
