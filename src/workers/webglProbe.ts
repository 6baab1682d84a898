// The WebGL probe on a thread of its own (webglProbe.worker.ts). Creating a WebGL context blocks its thread while the
// GPU process sets it up (about 0.1 s with a software renderer); run there, the model worker meanwhile compiles and
// evaluates the tfjs modules it is downloading. Where a worker cannot start one (or it fails or never answers), the
// probe runs in this thread instead.
import { probeWebgl, type BackendProbe } from '../models/backendProbe';

/** Longer than any context creation seen; a probe that never answers must not hold up the backend's start. */
const PROBE_TIMEOUT_MS = 4000;

/** The probe's answer; `spawn` starts the probing worker (tests pass a stand-in). Never throws. */
export function probeWebglOffThread(spawn?: () => Worker, timeoutMs = PROBE_TIMEOUT_MS): Promise<BackendProbe['webgl']> {
  if (!spawn && (typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined')) return Promise.resolve(probeWebgl());
  const start = spawn ?? (() => new Worker(new URL('./webglProbe.worker.ts', import.meta.url), { type: 'module' }));
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = start();
    } catch {
      resolve(probeWebgl());
      return;
    }
    const finish = (result: BackendProbe['webgl']) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish(probeWebgl()), timeoutMs);
    worker.onmessage = (event: MessageEvent<BackendProbe['webgl']>) => finish(typeof event.data?.available === 'boolean' ? event.data : { available: false });
    worker.onerror = (event) => {
      event.preventDefault();
      finish(probeWebgl());
    };
  });
}
