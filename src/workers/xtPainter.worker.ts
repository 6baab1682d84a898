// Draws x_t = α·x₀ + σ·ε (shown as 0.5 + k·x_t) on the OffscreenCanvas the page handed over. Draw requests that
// arrive while one is pending replace it: the canvas shows the newest t, never a backlog.
import { noisyRgba } from '../core/diffusion/forward';
import type { PainterData, PainterDraw, PainterMessage } from './xtPainterProtocol';

let ctx: OffscreenCanvasRenderingContext2D | null = null;
let data: PainterData | null = null;
let frame: ImageData | null = null;
let pending: PainterDraw | null = null;
let scheduled = false;

function draw(): void {
  scheduled = false;
  if (!ctx || !data || !pending) return;
  const { x0, eps, side } = data;
  const { canvas } = ctx;
  if (canvas.width !== side) canvas.width = side;
  if (canvas.height !== side) canvas.height = side;
  if (!frame || frame.width !== side) frame = new ImageData(side, side);
  noisyRgba(x0, eps, pending.alpha, pending.sigma, pending.k, frame.data);
  ctx.putImageData(frame, 0, 0);
  pending = null;
}

self.onmessage = (e: MessageEvent<PainterMessage>) => {
  const m = e.data;
  if (m.kind === 'canvas') ctx = m.canvas.getContext('2d');
  else if (m.kind === 'data') data = m;
  else pending = m;
  // After the messages already queued: a burst of draws is one drawing.
  if (!scheduled) {
    scheduled = true;
    setTimeout(draw, 0);
  }
};
