// The wasm binaries, served by the app itself: Vite copies them into dist/assets and hands us their URLs,
// so tfjs-backend-wasm never falls back to fetching them from a CDN. Browser-only: backend.ts imports this
// module dynamically and not in Node, where the backend reads the files next to its own script.
import { env } from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let configured = false;

/** Logical cores below which the multi-threaded wasm binary would still compute on one thread. */
export const MIN_CORES_FOR_THREADS = 4;

/**
 * Points tfjs-backend-wasm at the bundled binaries. Must run before the wasm backend first initialises.
 * In a cross-origin-isolated page tfjs would pick its multi-threaded binary, which computes with one thread per
 * two logical cores (its own rule, at most 8) and starts 8 helper threads whatever it uses: on a device with
 * fewer than 4 logical cores that is one thread and 8 idle workers, so there the single-threaded binary runs.
 */
export function configureBundledWasmPaths(): void {
  if (configured) return;
  if ((navigator.hardwareConcurrency || 1) < MIN_CORES_FOR_THREADS) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': simdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
  });
  configured = true;
}
