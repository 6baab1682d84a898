// The page's side of the x_t painter: hands a canvas to a worker that draws x_t on it (see xtPainter.worker.ts).
import type { PainterMessage } from './xtPainterProtocol';

export interface XtPainter {
  /** x₀ and ε of a side × side image (copied to the worker). */
  setData(x0: Float32Array, eps: Float32Array, side: number): void;
  draw(alpha: number, sigma: number, k: number): void;
  /** Stops the worker once the canvas has left the page. */
  dispose(): void;
}

/** Canvases already handed over (a canvas can transfer its control once; React may mount an effect twice). */
const painters = new WeakMap<HTMLCanvasElement, XtPainter>();

/**
 * A painter for `canvas`, or null where the browser cannot draw a canvas from a worker (no OffscreenCanvas
 * transfer, no module workers): the caller then draws on the page's thread.
 */
export function xtPainterFor(canvas: HTMLCanvasElement): XtPainter | null {
  const known = painters.get(canvas);
  if (known) return known;
  if (typeof canvas.transferControlToOffscreen !== 'function' || typeof Worker === 'undefined') return null;
  let worker: Worker | undefined;
  try {
    worker = new Worker(new URL('./xtPainter.worker.ts', import.meta.url), { type: 'module' });
    const offscreen = canvas.transferControlToOffscreen();
    worker.postMessage({ kind: 'canvas', canvas: offscreen } satisfies PainterMessage, [offscreen]);
  } catch {
    worker?.terminate();
    return null;
  }
  const w = worker;
  const post = (m: PainterMessage) => w.postMessage(m);
  const painter: XtPainter = {
    setData: (x0, eps, side) => post({ kind: 'data', x0, eps, side }),
    draw: (alpha, sigma, k) => post({ kind: 'draw', alpha, sigma, k }),
    // Once the canvas has left the page (an unmount React re-mounts at once keeps the same, connected canvas).
    dispose: () => {
      setTimeout(() => {
        if (canvas.isConnected) return;
        w.terminate();
        painters.delete(canvas);
      }, 0);
    },
  };
  painters.set(canvas, painter);
  return painter;
}
