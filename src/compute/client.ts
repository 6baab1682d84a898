// The page's side of the workers (the only module that starts them): typed requests resolved by id, progress, cancellation,
// and backend-change notices.
import {
  BACKEND_CHANNELS,
  BACKGROUND_KINDS,
  CANCELLED,
  isShared,
  PATCH_MODEL_KINDS,
  DENOISER_KINDS,
  RQAE_MODEL_KINDS,
  type BackendStatus,
  type CancelMessage,
  type Inbound,
  type PayloadOf,
  type ProgressDataOf,
  type Reply,
  type Request,
  type RequestKind,
  type ResultOf,
} from '../protocol';

/** The part of a Worker the client uses, so tests can pass a fake. */
export interface WorkerLike {
  postMessage(message: Inbound, transfer: Transferable[]): void;
  addEventListener?(type: 'message' | 'error', listener: (event: { data?: unknown; message?: string }) => void): void;
  onmessage?: ((event: MessageEvent) => void) | null;
  terminate(): void;
}

export interface RequestOptions<K extends RequestKind = RequestKind> {
  /** `data` is the kind's own progress details (see ProgressDataOf), when its progress replies carry any. */
  onProgress?: (done: number, total: number, label?: string, data?: ProgressDataOf<K>) => void;
  /** Aborting rejects the request with an AbortError and tells the worker to drop it. */
  signal?: AbortSignal;
}

export interface ComputeClient {
  /**
   * Sends a request; resolves with its typed result. Rejects with an AbortError when aborted or superseded
   * by a newer request on the same channel, and with an Error carrying the worker's message otherwise.
   * An image's data buffer is transferred, not copied: pass a copy you no longer need (data.slice()), or an
   * array in shared memory, which is shared.
   */
  request<K extends RequestKind>(kind: K, payload: PayloadOf<K>, opts?: RequestOptions<K>): Promise<ResultOf<K>>;
  /** Hears about backend switches the worker makes on its own (a lost GPU context); returns unsubscribe. */
  onBackendChange(cb: (status: BackendStatus) => void): () => void;
  /** Rejects what is pending and terminates the worker. */
  dispose(): void;
}

type Pending = {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  onProgress?: (done: number, total: number, label?: string, data?: unknown) => void;
  cleanup: () => void;
};

function abortError(message = 'The request was aborted'): DOMException {
  return new DOMException(message, 'AbortError');
}

/**
 * The message and the buffers to transfer. Only a buffer that is exactly the image's array is transferred;
 * a view into a larger buffer is copied first, so its neighbours are not detached along with it.
 */
function withTransfer(message: Request): { message: Request; transfer: Transferable[] } {
  if (!('image' in message) || !message.image) return { message, transfer: [] };
  // Shared memory is posted as it is: the worker reads the page's own array (protocol/image.ts).
  if (isShared(message.image.data)) return { message, transfer: [] };
  let { data } = message.image;
  if (!(data.buffer instanceof ArrayBuffer) || data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) {
    data = data.slice();
  }
  return { message: { ...message, image: { ...message.image, data } }, transfer: [data.buffer as ArrayBuffer] };
}

/** Restarts after crashes, at most: a worker that keeps crashing is left stopped, and requests fail at once. */
export const MAX_RESTARTS = 3;

/**
 * A client of one worker. Given a way to start it (`start` a function), a worker that crashes after it has
 * answered once (an uncaught error, a failed allocation) is replaced by a fresh one, at most MAX_RESTARTS times:
 * what was pending fails with a message saying so, and later requests go to the new worker. A worker that fails
 * before it ever answered (its script did not load) is not restarted.
 */
export function createComputeClient(start: WorkerLike | (() => WorkerLike)): ComputeClient {
  const restart = typeof start === 'function' ? start : null;
  let worker = typeof start === 'function' ? start() : start;
  let restarts = 0;
  let nextId = 1;
  let disposed = false;
  let heardFromWorker = false;
  let broken: Error | null = null;
  const pending = new Map<number, Pending>();
  const backendListeners = new Set<(status: BackendStatus) => void>();

  function take(id: number): Pending | undefined {
    const p = pending.get(id);
    if (p) {
      pending.delete(id);
      p.cleanup();
    }
    return p;
  }

  function rejectAll(error: unknown): void {
    for (const id of [...pending.keys()]) take(id)?.reject(error);
  }

  const onMessage = (event: { data?: unknown }) => {
    heardFromWorker = true;
    const reply = event.data as Reply;
    if (reply.kind === 'backend-changed') {
      for (const cb of backendListeners) cb(reply.status);
      return;
    }
    if (reply.kind === 'progress') {
      pending.get(reply.id)?.onProgress?.(reply.done, reply.total, reply.label, reply.data);
      return;
    }
    const p = take(reply.id); // undefined once aborted: a late answer is dropped
    if (!p) return;
    if (reply.kind === 'result') p.resolve(reply.result);
    else p.reject(reply.message === CANCELLED ? abortError('Superseded or cancelled') : new Error(reply.message));
  };

  const onError = (event: { message?: string }) => {
    const why = event.message ? `: ${event.message}` : '';
    // An error before the worker ever answered means its script did not load: nothing will answer later.
    if (!heardFromWorker) {
      broken = new Error(`compute worker failed${why}`);
      rejectAll(broken);
      return;
    }
    if (!restart || restarts >= MAX_RESTARTS) {
      if (restart) broken = new Error(`the compute worker crashed${why}, ${MAX_RESTARTS + 1} times; reload the page`);
      rejectAll(broken ?? new Error(`compute worker failed${why}`));
      return;
    }
    restarts++;
    worker.terminate();
    rejectAll(new Error(`the compute worker crashed${why} and was restarted; try again`));
    listen(restart());
  };

  /** Makes `w` the worker; events of a replaced one are ignored. */
  function listen(w: WorkerLike): void {
    worker = w;
    heardFromWorker = false;
    const current = <E>(handler: (event: E) => void) => (event: E) => {
      if (worker === w) handler(event);
    };
    if (w.addEventListener) {
      w.addEventListener('message', current(onMessage));
      w.addEventListener('error', current(onError));
    } else {
      w.onmessage = current(onMessage);
    }
  }
  listen(worker);

  return {
    request<K extends RequestKind>(kind: K, payload: PayloadOf<K>, opts: RequestOptions<K> = {}): Promise<ResultOf<K>> {
      if (disposed) return Promise.reject(new Error('compute client disposed'));
      if (broken) return Promise.reject(broken);
      const { signal, onProgress } = opts;
      if (signal?.aborted) return Promise.reject(abortError());
      const id = nextId++;
      const { message, transfer } = withTransfer({ ...payload, id, kind } as Request);
      return new Promise<ResultOf<K>>((resolve, reject) => {
        const onAbort = () => {
          if (!take(id)) return;
          worker.postMessage({ id, kind: 'cancel' } satisfies CancelMessage, []);
          reject(abortError());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(id, {
          resolve: resolve as (value: unknown) => void,
          reject,
          onProgress: onProgress as Pending['onProgress'],
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        });
        try {
          worker.postMessage(message, transfer);
        } catch (e) {
          take(id);
          reject(e);
        }
      });
    },
    onBackendChange(cb) {
      backendListeners.add(cb);
      return () => backendListeners.delete(cb);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      rejectAll(abortError('The compute client was disposed'));
      backendListeners.clear();
      worker.terminate();
    },
  };
}

/**
 * Three workers: model work (tfjs start-up, training, sampling) can keep a thread busy for seconds, so the
 * light per-image analyses that follow every slider get a worker of their own and never wait behind it.
 * The rate–distortion curves compute every step of every decomposition (most of a second at 512² even when
 * fast), after every upload and quantizer change: they run in a third, background worker (same analysis
 * code), so a slider's depth view, bit-planes or spectra never queue behind them. The price is that the RD
 * worker recomputes the steps of the view on screen instead of sharing its cache, a trade taken for latency.
 */
const MODEL_KINDS: ReadonlySet<RequestKind> = new Set<RequestKind>([
  ...(Object.keys(BACKEND_CHANNELS) as RequestKind[]),
  ...PATCH_MODEL_KINDS,
  ...DENOISER_KINDS,
  ...RQAE_MODEL_KINDS,
]);

/** Background analyses: long, never waited on by a slider. */
const BACKGROUND: ReadonlySet<RequestKind> = new Set<RequestKind>(BACKGROUND_KINDS);

/** Which worker serves a request kind. */
export function workerFor(kind: RequestKind): 'model' | 'analysis' | 'background' {
  return MODEL_KINDS.has(kind) ? 'model' : BACKGROUND.has(kind) ? 'background' : 'analysis';
}

let shared: ComputeClient | null = null;

/** Analysis requests sent and not yet answered, and who waits for that number to reach zero. */
let analysisPending = 0;
let analysisIdleWaiters: (() => void)[] = [];

function analysisSettled(): void {
  analysisPending--;
  if (analysisPending > 0) return;
  const waiters = analysisIdleWaiters;
  analysisIdleWaiters = [];
  for (const w of waiters) w();
}

/** Resolves once the analysis worker has answered everything sent to it (at once when nothing is pending). */
export function whenAnalysisIdle(): Promise<void> {
  if (analysisPending === 0) return Promise.resolve();
  return new Promise((resolve) => analysisIdleWaiters.push(resolve));
}

/** While set, background requests wait for it (start-up: see holdBackgroundUntil). */
let backgroundHeld: Promise<void> | null = null;

/**
 * Background requests made before `until` settles are posted only then. At start-up the first image's
 * rate–distortion sweeps (most of a second of CPU) would otherwise share the machine's two cores with the first
 * panel's own analysis and rendering; main.tsx holds them until that panel is shown.
 */
export function holdBackgroundUntil(until: Promise<void>): void {
  const held = until.catch(() => undefined);
  backgroundHeld = held;
  void held.then(() => {
    if (backgroundHeld === held) backgroundHeld = null;
  });
}

function afterHold<T>(signal: AbortSignal | undefined, post: () => Promise<T>): Promise<T> {
  const held = backgroundHeld;
  if (!held) return post();
  return new Promise<void>((resolve) => {
    void held.then(() => resolve());
    signal?.addEventListener('abort', () => resolve(), { once: true });
  }).then(post); // an aborted signal makes the client reject at once, without posting
}

/**
 * The analysis worker the page may have started as it parsed (a script vite.config.ts adds to the built
 * index.html, so that the worker's thread start and module load overlap the app's download): taken over once,
 * unless its script already failed to load (then a fresh one reports the failure).
 */
function earlyAnalysisWorker(): Worker | null {
  const scope = globalThis as { __analysisWorker?: Worker & { failed?: boolean } };
  const worker = scope.__analysisWorker;
  delete scope.__analysisWorker;
  if (!worker) return null;
  if (!worker.failed) return worker;
  worker.terminate();
  return null;
}

/** The app's compute client; each worker starts on its first request (the analysis worker maybe earlier). */
export function getComputeClient(): ComputeClient {
  if (!shared) {
    let analysis: ComputeClient | null = null;
    let model: ComputeClient | null = null;
    let background: ComputeClient | null = null;
    // Written out in full so Vite sees the pattern and bundles each worker as its own module chunk.
    // Each is started again after a crash (createComputeClient).
    const analysisClient = () =>
      (analysis ??= createComputeClient(() => earlyAnalysisWorker() ?? new Worker(new URL('../workers/analysis.worker.ts', import.meta.url), { type: 'module' })));
    const modelClient = () => (model ??= createComputeClient(() => new Worker(new URL('../workers/model.worker.ts', import.meta.url), { type: 'module' })));
    const backgroundClient = () => (background ??= createComputeClient(() => new Worker(new URL('../workers/analysis.worker.ts', import.meta.url), { type: 'module' })));
    const clients = { model: modelClient, analysis: analysisClient, background: backgroundClient };
    let disposed = false;
    shared = {
      request(kind, payload, opts) {
        const which = workerFor(kind);
        if (which === 'background') {
          return afterHold(opts?.signal, () => (disposed ? Promise.reject(new Error('compute client disposed')) : backgroundClient().request(kind, payload, opts)));
        }
        const p = clients[which]().request(kind, payload, opts);
        if (which === 'analysis') {
          analysisPending++;
          p.then(analysisSettled, analysisSettled);
        }
        return p;
      },
      onBackendChange: (cb) => modelClient().onBackendChange(cb),
      dispose() {
        disposed = true;
        shared = null;
        analysis?.dispose();
        model?.dispose();
        background?.dispose();
      },
    };
  }
  return shared;
}
