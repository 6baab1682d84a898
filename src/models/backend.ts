// Starting tfjs on the best backend this device offers, falling back when one fails to start or is lost.
// tfjs itself is imported lazily, so nothing here costs anything until the first initBackend().
import type * as Tfjs from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, type BackendFailure, type BackendName, type BackendStatus, type WasmThreads } from '../protocol/backend';
import { probeBackends, rankBackends, softwareRendererName, type BackendProbe } from './backendProbe';

export { probeBackends, rankBackends, softwareRendererName } from './backendProbe';
export type { BackendProbe, BackendRanking } from './backendProbe';
export type { BackendFailure, BackendName, BackendStatus, WasmThreads } from '../protocol/backend';

type Tf = typeof Tfjs;
export type BackendChangeListener = (status: BackendStatus) => void;

const inNode = typeof process !== 'undefined' && Boolean(process.versions?.node);

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  // tfjs-backend-wasm rejects with a plain { message } object.
  if (typeof e === 'object' && e !== null && 'message' in e) return String(e.message);
  return String(e);
}

let tfPromise: Promise<Tf> | null = null;

/** tfjs-core with its gradients and chained tensor methods (tfjsRegistrations.ts), loaded once. */
function loadTf(): Promise<Tf> {
  tfPromise ??= Promise.all([import('@tensorflow/tfjs-core'), import('./tfjsRegistrations')]).then(([tf]) => tf);
  tfPromise.catch(() => (tfPromise = null)); // a failed download may succeed on the next attempt
  return tfPromise;
}

/**
 * Each backend's code, imported when that backend is first tried (it registers itself on import): a device
 * downloads only the backends it starts, e.g. neither GPU backend where wasm ranks first, cpu only as a fallback.
 */
const BACKEND_CODE: Record<BackendName, () => Promise<unknown>> = {
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  wasm: async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    // In Node the backend finds its binaries beside its script; the browser gets the app's own copies.
    if (!inNode) (await import('./wasmPaths')).configureBundledWasmPaths();
  },
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

/** The last initialisation error per backend; see captureInitErrors. */
const initErrors = new Map<BackendName, string>();
const wrappedFactories = new WeakSet<object>();

/**
 * tfjs's engine swallows a backend factory's error (it only logs it and returns false), but the UI should
 * say why a backend failed. Wrap each factory to keep the message; sync factories stay sync.
 * Runs before every attempt, so a backend registered later (or replaced, as the tests do) is covered too.
 */
function captureInitErrors(tf: Tf): void {
  const factories = tf.engine().registryFactory;
  for (const name of BACKEND_NAMES) {
    const entry = factories[name];
    if (!entry || wrappedFactories.has(entry.factory)) continue;
    const original = entry.factory;
    const record = (e: unknown): never => {
      initErrors.set(name, errorMessage(e));
      throw e;
    };
    entry.factory = () => {
      try {
        const made = original();
        return made instanceof Promise ? made.catch(record) : made;
      } catch (e) {
        return record(e);
      }
    };
    wrappedFactories.add(entry.factory);
  }
}

/** Forgets a backend instance (keeping its factory), so choosing that backend again builds a fresh one. */
function dropInstance(tf: Tf, name: BackendName): void {
  const registry = tf.engine().registry;
  const instance = registry[name];
  if (!instance) return;
  delete registry[name];
  try {
    instance.dispose();
  } catch {
    // A backend whose context is gone may not dispose cleanly; it is unreachable either way.
  }
}

/**
 * A backend can initialise and still fail at its first kernel (a shader that does not compile, a binary
 * that did not load). One tiny op, read back asynchronously (WebGPU has no dataSync), proves it computes.
 */
async function smokeTest(tf: Tf): Promise<void> {
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
  try {
    const [value] = await sum.data();
    if (value !== 3) throw new Error(`computed 1 + 2 = ${value}`);
  } finally {
    sum.dispose();
  }
}

/** Makes `name` the active backend; returns null on success, else why it failed. */
async function tryBackend(tf: Tf, name: BackendName, probe: BackendProbe): Promise<string | null> {
  try {
    await BACKEND_CODE[name]();
  } catch (e) {
    return `its code did not load: ${errorMessage(e)}`;
  }
  if (!tf.findBackendFactory(name)) return 'not offered in this environment';
  captureInitErrors(tf);
  // tfjs refuses software WebGL unless told to; the ranking already put it below wasm, so allow it when asked.
  if (name === 'webgl' && softwareRendererName(probe.webgl.renderer)) tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  initErrors.delete(name);
  try {
    if (!(await tf.setBackend(name))) return initErrors.get(name) ?? 'failed to initialise';
    // wasm lacks a conv weight-gradient kernel: supply it (and a faster input gradient) so conv nets train.
    if (name === 'wasm') (await import('./wasmKernels')).registerWasmTrainingKernels();
    await smokeTest(tf);
    return null;
  } catch (e) {
    dropInstance(tf, name);
    return errorMessage(e);
  }
}

/** The threads the wasm backend computes with (more than one only in a cross-origin-isolated page). */
async function wasmThreads(): Promise<WasmThreads> {
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  return { count: getThreadsCount(), isolated: globalThis.crossOriginIsolated === true, cores: globalThis.navigator?.hardwareConcurrency || 1 };
}

/** The WebGL probe start() uses (undefined: backendProbe's, in this thread); see setWebglProbe. */
let webglProbe: (() => Promise<BackendProbe['webgl']>) | undefined;

/**
 * Where the backend start probes WebGL from now on: a worker passes its off-thread probe once, at start-up (as
 * tfjs's setWasmPaths is set once); undefined goes back to the in-thread probe. The probe must not throw.
 */
export function setWebglProbe(probe: (() => Promise<BackendProbe['webgl']>) | undefined): void {
  webglProbe = probe;
}

async function start(
  preferred: BackendName | undefined,
  onChange: BackendChangeListener | undefined,
  lost?: BackendFailure,
): Promise<BackendStatus> {
  const tfLoading = loadTf(); // downloads while the probe runs
  const probe = await probeBackends(webglProbe);
  const { order, available, reasons } = rankBackends(probe);
  const failures: BackendFailure[] = lost ? [lost] : [];
  const candidates = [...new Set([preferred, ...available])].filter(
    (b): b is BackendName => b !== undefined && b !== lost?.backend,
  );
  // The likely backend's code downloads alongside tfjs-core; tryBackend awaits it (and reports a failure).
  const first = candidates.find((b) => available.includes(b));
  if (first) BACKEND_CODE[first]().catch(() => undefined);
  const tf = await tfLoading;
  for (const name of candidates) {
    // A backend the probe found missing would only fail inside tfjs with a cryptic error; say why instead.
    const error = available.includes(name) ? await tryBackend(tf, name, probe) : reasons[name];
    if (error !== null) {
      failures.push({ backend: name, error });
      continue;
    }
    const reason = name === preferred ? `${reasons[name]} (your choice)` : reasons[name];
    const status: BackendStatus = { active: name, reason, order, failures, available, ...(name === 'wasm' ? { threads: await wasmThreads() } : {}) };
    watchForLoss(tf, status, onChange);
    return status;
  }
  throw new Error(`no backend could start: ${failures.map((f) => `${f.backend}: ${f.error}`).join('; ')}`);
}

// Backend switches run one at a time: tfjs's setBackend is global state, and an interleaved pair would
// leave the engine on whichever finished last.
let queue: Promise<unknown> = Promise.resolve();
function serialized<T>(job: () => Promise<T>): Promise<T> {
  const run = queue.then(job, job);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Starts tfjs on `preferred` if given and working, else on the best backend in the ranked order,
 * recording each failure. `onChange` hears about later switches (a lost WebGL context or WebGPU device).
 * Tensors created before a switch caused by a loss are gone with their backend: recompute after onChange.
 */
export function initBackend(preferred?: BackendName, onChange?: BackendChangeListener): Promise<BackendStatus> {
  return serialized(() => start(preferred, onChange));
}

/**
 * Moves off a backend that stopped working: starts the best other one and tells `onChange`.
 * The loss watchers call this; it is exported so tests can play a loss without a GPU.
 */
export function recoverFromBackendLoss(
  backend: BackendName,
  error: string,
  onChange?: BackendChangeListener,
): Promise<BackendStatus> {
  return serialized(async () => {
    const status = await start(undefined, onChange, { backend, error });
    if (tfPromise) dropInstance(await tfPromise, backend);
    onChange?.(status);
    return status;
  });
}

let stopWatching: () => void = () => {};

/** Listens for the active GPU backend dying under us (driver reset, GPU process crash, tab in background). */
function watchForLoss(tf: Tf, status: BackendStatus, onChange: BackendChangeListener | undefined): void {
  stopWatching(); // only the newest backend is watched
  const controller = new AbortController();
  stopWatching = () => controller.abort();
  const lost = (error: string) => {
    if (controller.signal.aborted) return;
    controller.abort();
    recoverFromBackendLoss(status.active, error, onChange).catch((e) => console.error('backend recovery failed', e));
  };
  // Internals of the GPU backends; optional chaining keeps this harmless if a tfjs update renames them.
  const backend = tf.backend() as unknown as {
    gpgpu?: { gl?: { canvas?: EventTarget } };
    device?: { lost?: Promise<{ reason?: string; message?: string }> };
  };
  if (status.active === 'webgl') {
    backend.gpgpu?.gl?.canvas?.addEventListener?.('webglcontextlost', () => lost('WebGL context lost'), {
      signal: controller.signal,
    });
  } else if (status.active === 'webgpu') {
    void backend.device?.lost?.then((info) => {
      if (info.reason !== 'destroyed') lost(`WebGPU device lost${info.message ? `: ${info.message}` : ''}`);
    });
  }
}

/** Live tensors and their bytes on the active backend (null before tfjs starts): for leak checks and the bench. */
export async function tensorMemory(): Promise<{ numTensors: number; numBytes: number } | null> {
  if (!tfPromise) return null;
  // The engine's own counts: tf.memory() would also ask the backend, and there may be none yet.
  const { numTensors, numBytes } = (await tfPromise).engine().state;
  return { numTensors, numBytes };
}
