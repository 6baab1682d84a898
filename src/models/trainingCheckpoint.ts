// Training runs stored in this browser, so that a reload does not lose them: the weights, the trainer's state
// (every step's loss, Adam's moments and running products) and the run's settings, written by the model worker
// into IndexedDB (which workers have) every few steps and when a run pauses; or into memory in tests. A stored
// run is put back only into a model whose parameters have the same names and shapes.
import * as tf from '@tensorflow/tfjs-core';
import type { Schedule, TrainerState } from './training';

/** One parameter's values: its name, shape and float32 values. */
export type StoredTensor = { name: string; shape: number[]; values: Float32Array };

/** What is known about a stored run without reading its tensors: enough for a status and a shape check. */
export type CheckpointSummary<S extends object = object> = {
  key: string;
  step: number;
  savedAt: string;
  batch: number;
  schedule: Schedule;
  settings: S;
  /** The parameters' names and shapes. */
  shapes: [string, number[]][];
};

/** A stored run: its summary, the weights and the trainer's state. */
export type TrainingCheckpoint<S extends object = object> = CheckpointSummary<S> & { weights: StoredTensor[]; state: TrainerState };

/** Where runs are stored: IndexedDB in the browser, memory in tests. */
export interface CheckpointStore {
  summary(key: string): Promise<CheckpointSummary | null>;
  get(key: string): Promise<TrainingCheckpoint | null>;
  put(checkpoint: TrainingCheckpoint): Promise<void>;
  remove(key: string): Promise<void>;
}

/** IndexedDB cannot be used here (a private window, blocked storage, Node): runs are not stored. */
export class StorageUnavailableError extends Error {}

/** A stored run whose parameters no longer have the model's names or shapes. */
export class CheckpointMismatchError extends Error {}

/** Whether `e` is the browser saying this site's storage is full. */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || (e instanceof Error && /quota/i.test(e.message));
}

/** How a failed write reads: the full storage said plainly, anything else with its own words. */
export function storageFailure(e: unknown): string {
  if (isQuotaError(e)) return "this site's storage in the browser is full (free space or delete saved copies)";
  if (e instanceof StorageUnavailableError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** The parameters' names and shapes, in the model's order. */
export function shapesOf(params: Record<string, tf.Variable>): [string, number[]][] {
  return Object.entries(params).map(([name, v]) => [name, [...v.shape]]);
}

/** Why a run with parameters `stored` does not fit a model with `current`, or null when it does. */
export function mismatch(stored: [string, number[]][], current: [string, number[]][]): string | null {
  const want = new Map(current.map(([n, s]) => [n, s.join('×')]));
  for (const [name, shape] of stored) {
    const s = want.get(name);
    if (s === undefined) return `the model has no parameter ${name}`;
    if (s !== shape.join('×')) return `${name} is ${s} in the model, ${shape.join('×')} in the stored run`;
  }
  if (stored.length !== current.length) return `the model has ${current.length} parameters, the stored run ${stored.length}`;
  return null;
}

/** Something that trains `params` and can give and take its state (a ScheduledAdam, a LoopTrainer). */
type StatefulTrainer = { readState(): Promise<TrainerState>; writeState(state: TrainerState): void };

/** Reads a run's weights and trainer state into a checkpoint (no step may run meanwhile: call it under the model's lock). */
export async function captureCheckpoint<S extends object>(
  run: { key: string; batch: number; schedule: Schedule; settings: S },
  params: Record<string, tf.Variable>,
  trainer: StatefulTrainer,
): Promise<TrainingCheckpoint<S>> {
  const entries = Object.entries(params);
  const [values, state] = await Promise.all([Promise.all(entries.map(([, v]) => v.data() as Promise<Float32Array>)), trainer.readState()]);
  const weights = entries.map(([name, v], i) => ({ name, shape: [...v.shape], values: Float32Array.from(values[i]) }));
  return { ...run, step: state.losses.length, savedAt: new Date().toISOString(), shapes: shapesOf(params), weights, state };
}

/**
 * Puts a stored run's weights into `params` and its state into `trainer`; throws a CheckpointMismatchError,
 * changing nothing, when a parameter's name or shape differs.
 */
export function restoreCheckpoint(checkpoint: TrainingCheckpoint, params: Record<string, tf.Variable>, trainer: StatefulTrainer): void {
  const why = mismatch(checkpoint.weights.map((w) => [w.name, w.shape]), shapesOf(params))
    ?? (checkpoint.weights.some((w) => w.values.length !== w.shape.reduce((a, b) => a * b, 1)) ? 'a stored parameter holds the wrong number of values' : null);
  if (why) throw new CheckpointMismatchError(why);
  try {
    trainer.writeState(checkpoint.state);
  } catch (e) {
    throw new CheckpointMismatchError(e instanceof Error ? e.message : String(e));
  }
  tf.tidy(() => checkpoint.weights.forEach((w) => params[w.name].assign(tf.tensor(w.values, w.shape))));
}

const summaryOf = ({ key, step, savedAt, batch, schedule, settings, shapes }: TrainingCheckpoint): CheckpointSummary => ({ key, step, savedAt, batch, schedule, settings, shapes });

/** Bytes a checkpoint's tensors take. */
export const checkpointBytes = (c: TrainingCheckpoint) => 4 * (c.weights.reduce((n, w) => n + w.values.length, 0) + c.state.moments.reduce((n, m) => n + m.values.length, 0));

/**
 * Runs kept in memory (tests): copies in and out, as IndexedDB's structured clone does. With `quotaBytes`, a
 * put that would hold more bytes of tensors than that fails with a QuotaExceededError.
 */
export function memoryCheckpoints(options: { quotaBytes?: number } = {}): CheckpointStore & { readonly keys: string[] } {
  const runs = new Map<string, TrainingCheckpoint>();
  return {
    get keys() {
      return [...runs.keys()];
    },
    summary: async (key) => {
      const c = runs.get(key);
      return c ? structuredClone(summaryOf(c)) : null;
    },
    get: async (key) => {
      const c = runs.get(key);
      return c ? structuredClone(c) : null;
    },
    put: async (c) => {
      const others = [...runs.values()].filter((r) => r.key !== c.key).reduce((n, r) => n + checkpointBytes(r), 0);
      if (options.quotaBytes !== undefined && others + checkpointBytes(c) > options.quotaBytes) {
        throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
      }
      runs.set(c.key, structuredClone(c));
    },
    remove: async (key) => void runs.delete(key),
  };
}

const DB_NAME = 'training-runs';
const RUNS = 'runs';
const SUMMARIES = 'summaries';

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });

const committed = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

const UNAVAILABLE = 'This browser does not let the app store data (a private window, or storage blocked for this site): training works, but a run cannot be resumed after a reload.';

/**
 * Runs in this browser's IndexedDB: one database, the summaries apart from the runs so a status reads a few
 * numbers, not the tensors. A database that cannot be opened makes every call fail with a StorageUnavailableError.
 */
export function indexedDbCheckpoints(factory: IDBFactory | undefined = globalThis.indexedDB): CheckpointStore {
  let db: Promise<IDBDatabase> | null = null;
  const open = () => {
    db ??= (async () => {
      if (!factory) throw new StorageUnavailableError(UNAVAILABLE);
      try {
        const request = factory.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore(RUNS, { keyPath: 'key' });
          request.result.createObjectStore(SUMMARIES, { keyPath: 'key' });
        };
        return await done(request);
      } catch {
        throw new StorageUnavailableError(UNAVAILABLE);
      }
    })();
    return db;
  };
  const read = async <T>(store: string, key: string) => {
    const tx = (await open()).transaction(store, 'readonly');
    return ((await done(tx.objectStore(store).get(key))) as T | undefined) ?? null;
  };
  const write = async (job: (runs: IDBObjectStore, summaries: IDBObjectStore) => void) => {
    const tx = (await open()).transaction([RUNS, SUMMARIES], 'readwrite');
    job(tx.objectStore(RUNS), tx.objectStore(SUMMARIES));
    await committed(tx);
  };
  return {
    summary: (key) => read<CheckpointSummary>(SUMMARIES, key),
    get: (key) => read<TrainingCheckpoint>(RUNS, key),
    put: (c) => write((runs, summaries) => {
      runs.put(c);
      summaries.put(summaryOf(c));
    }),
    remove: (key) => write((runs, summaries) => {
      runs.delete(key);
      summaries.delete(key);
    }),
  };
}
