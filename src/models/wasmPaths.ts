// The wasm binaries, served by the app itself: Vite copies them into dist/assets and hands us their URLs,
// so tfjs-backend-wasm never falls back to fetching them from a CDN. Browser-only: backend.ts imports this
// module dynamically and not in Node, where the backend reads the files next to its own script.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let configured = false;

/** Points tfjs-backend-wasm at the bundled binaries. Must run before the wasm backend first initialises. */
export function configureBundledWasmPaths(): void {
  if (configured) return;
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': simdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimdUrl,
  });
  configured = true;
}
