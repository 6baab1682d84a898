// What the hosts use to answer a request: its context (cancel, progress), what a model host is made with, the
// dispatch of its kinds once tfjs runs, the loading phases it reports, early downloads, the checks of a training
// request, and the resume and discard handlers of the digit and crop models (patchModel.ts, rqaeModel.ts).
import type { CheckpointStore } from '../../models/trainingCheckpoint';
import type { DenoiserLoadProgress } from '../../protocol/denoiser';
import type { PatchLoadProgress } from '../../protocol/patchModel';
import type { RqaeLoadProgress } from '../../protocol/rqaeModel';

/** What a request may do while it runs: see whether it was cancelled, and report progress. */
export interface ModelContext {
  cancelled(): boolean;
  /** Aborted when the request is cancelled or superseded, for compute that takes an AbortSignal. */
  signal?: AbortSignal;
  progress(done: number, total: number, label: string, data?: unknown): void;
}

/** What a host is made with: tests pass a file fetch, an in-memory store (`S`) and a held-out limit. */
export interface ModelHostOptions<S> {
  fetch?: (url: string) => Promise<Response>;
  /** Where saved models live: IndexedDB through tf.io in the browser, something in memory in tests. */
  storage?: S;
  /** Evaluate on the first `heldoutLimit` held-out images only (tests); default all. */
  heldoutLimit?: number;
  /** Resolves once tfjs runs on a backend; awaited before any model work. */
  ready?: () => Promise<unknown>;
  /** Where training runs are checkpointed: IndexedDB in the browser (the default), memory in tests. */
  checkpoints?: CheckpointStore;
}

// The shape every host sends, which each protocol names for its own kinds.
type LoadProgress = PatchLoadProgress & RqaeLoadProgress & DenoiserLoadProgress;

export const MAX_STEPS = 100_000;
export const CROPS_NOT_SAVED = 'Crop models live for this session only; they are not saved in this browser.';

let channel: MessageChannel | null = null;
const yielded: (() => void)[] = [];

/**
 * Lets queued messages (a cancel, a newer request) run before a job spends more CPU. A message to itself rather
 * than a zero timeout: browsers stretch nested zero timeouts to 4 ms, which a job that yields per item (an
 * ordering, a batch) paid every time.
 */
export function yieldToQueue(): Promise<void> {
  // In a browser's worker only: Node (tests, scripts) has no such stretch, and there a port's messages can run
  // ahead of timers, so a cancel sent from a timer would wait for the whole job.
  if (typeof MessageChannel !== 'function' || !('WorkerGlobalScope' in globalThis)) return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => yielded.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    yielded.push(resolve);
    port.postMessage(null);
  });
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reports a loading phase, `done` of 1000. */
export function reportPhase(ctx: ModelContext, done: number, label: string, phase: LoadProgress['phase']): void {
  ctx.progress(done, 1000, label, { phase } satisfies LoadProgress);
}

/** Announces the download of shipped weights and returns the byte progress that carries it from 150 to 500. */
export function downloadProgress(ctx: ModelContext): (loaded: number, total: number | null) => void {
  reportPhase(ctx, 150, 'Downloading the weights', 'weights');
  return (loaded, total) => reportPhase(ctx, 150 + Math.round(350 * (total ? loaded / total : 0.5)), 'Downloading the weights', 'weights');
}

/** The steps a model file says its weights were trained for, if it says. */
export function trainedStepsOf(json: { meta: { training?: Record<string, unknown> } } | null): number | null {
  const steps = json?.meta.training?.steps;
  return typeof steps === 'number' && Number.isFinite(steps) ? steps : null;
}

/** A training request's steps and batch size as whole numbers, or a RangeError outside 1…MAX_STEPS, 1…maxBatch. */
export function trainingSize(req: { steps: number; batch?: number }, maxBatch: number): { steps: number; batch: number } {
  const steps = Math.floor(req.steps);
  const batch = Math.floor(req.batch ?? 32);
  if (!(steps >= 1 && steps <= MAX_STEPS)) throw new RangeError(`train between 1 and ${MAX_STEPS} steps, not ${req.steps}`);
  if (!(batch >= 1 && batch <= maxBatch)) throw new RangeError(`the batch size must be 1…${maxBatch}, not ${req.batch}`);
  return { steps, batch };
}

type Handlers<R extends { kind: string }, Results extends Record<R['kind'], unknown>> = {
  [K in R['kind']]: (req: Extract<R, { kind: K }>, ctx: ModelContext) => Promise<Results[K]>;
};

/**
 * A host's `handle`: checks the request (`check` throws on a bad one), reports 'Starting tfjs' for the
 * `announced` kinds, waits for the backend, then answers with the kind's handler.
 */
export function dispatcher<R extends { kind: string }, Results extends Record<R['kind'], unknown>>(spec: {
  ready?: () => Promise<unknown>;
  check: (req: R) => void;
  announced: readonly R['kind'][];
  handlers: Handlers<R, Results>;
  /** Starts what a request will need that no backend is needed for (downloads), before tfjs is waited for. */
  prefetch?: (req: R) => void;
}) {
  return async function handle<K extends R['kind']>(req: Extract<R, { kind: K }>, ctx: ModelContext): Promise<Results[K]> {
    const kind: K = req.kind;
    spec.check(req);
    spec.prefetch?.(req);
    if (spec.announced.includes(kind)) reportPhase(ctx, 0, 'Starting tfjs', 'backend');
    await spec.ready?.();
    return spec.handlers[kind](req, ctx);
  };
}

/**
 * Downloads started before they are needed (a load's files, while tfjs starts: they need no backend), each
 * handed out once by `fetch`; any other URL is fetched as usual. A failed early download is tried once more when
 * it is asked for, so it fails (or not) as it would have without one.
 */
export function earlyFetch(fetchFn: (url: string) => Promise<Response>) {
  const early = new Map<string, Promise<ArrayBuffer>>();
  return {
    start(urls: readonly string[]): void {
      for (const url of urls) {
        if (early.has(url)) continue;
        const bytes = fetchFn(url).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))));
        bytes.catch(() => early.delete(url));
        early.set(url, bytes);
      }
    },
    async fetch(url: string): Promise<Response> {
      const started = early.get(url);
      if (!started) return fetchFn(url);
      early.delete(url);
      try {
        return new Response(await started);
      } catch {
        return fetchFn(url);
      }
    },
  };
}

/**
 * The 'resume' and 'discard' handlers of a digit-or-crop model host, each answering with the model's status:
 * resume puts back the run stored in this browser with a trainer `trainerFor` builds on the training digits,
 * discard deletes the stored run. Crop models' runs are never stored.
 */
export function checkpointHandlers<Target extends { baseUrl: string }, E, T, D, Spec, Status>(deps: {
  entryFor: (target: Target, ctx: ModelContext) => Promise<E>;
  status: (entry: E, baseUrl: string, ctx: ModelContext) => Promise<Status>;
  store: { resume(entry: E, make: (spec: Spec) => T): Promise<boolean>; discard(entry: E): Promise<void> };
  trainerFor: (entry: E, digits: D, spec: Spec) => T;
  trainDigits: (baseUrl: string) => Promise<D>;
  dataOf: (target: Target) => string;
}) {
  const { entryFor, status, store, trainerFor, trainDigits, dataOf } = deps;
  return {
    async resume(req: Target, ctx: ModelContext): Promise<Status> {
      if (dataOf(req) === 'crops') throw new Error(CROPS_NOT_SAVED);
      const entry = await entryFor(req, ctx);
      const digits = await trainDigits(req.baseUrl);
      await store.resume(entry, (spec) => trainerFor(entry, digits, spec)); // the next train request brings its batch
      return status(entry, req.baseUrl, ctx);
    },
    async discard(req: Target, ctx: ModelContext): Promise<Status> {
      const entry = await entryFor(req, ctx);
      await store.discard(entry);
      return status(entry, req.baseUrl, ctx);
    },
  };
}
