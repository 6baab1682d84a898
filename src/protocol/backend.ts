// Backend names and status, tfjs-free. They live under src/workers (not src/models) so the UI and the
// worker protocol can name them without the lint rule that keeps the UI away from src/models.

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendFailure {
  backend: BackendName;
  error: string;
}

export interface BackendStatus {
  /** The backend tfjs computes on now. */
  active: BackendName;
  /** Why it is the active one, as a short sentence for the UI. */
  reason: string;
  /** Every backend, best first for this device; unavailable ones last. */
  order: BackendName[];
  /** Backends that were tried before `active` and failed (or were lost), in the order tried. */
  failures: BackendFailure[];
  /** Backends this environment offers (the ones the UI lets the user pick). */
  available: BackendName[];
  /** wasm only: the threads it computes with, and what limits them. */
  threads?: WasmThreads;
}

/**
 * The wasm backend's threads. More than one needs a cross-origin-isolated page (memory shared with the worker's
 * threads) and at least 4 logical cores (the multi-threaded build uses one thread per two).
 */
export interface WasmThreads {
  count: number;
  isolated: boolean;
  /** Logical cores of this device (navigator.hardwareConcurrency). */
  cores: number;
}
