// The x_t painter worker: what it draws on the canvas the page handed over, and that a burst of draw requests
// is drawn once, at the newest parameters (the canvas shows the newest t, never a backlog).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noisyRgba, seededNoise } from '../../../src/core/diffusion/forward';
import type { PainterMessage } from '../../../src/workers/xtPainterProtocol';

class FakeImageData {
  readonly data: Uint8ClampedArray;
  constructor(readonly width: number, readonly height: number) {
    this.data = new Uint8ClampedArray(4 * width * height);
  }
}

function fakeCanvas() {
  const puts: Uint8ClampedArray[] = [];
  const canvas = { width: 0, height: 0, getContext: () => ctx };
  const ctx = { canvas, putImageData: (img: FakeImageData) => puts.push(img.data.slice()) };
  return { canvas, puts };
}

let send: (m: PainterMessage) => void;

beforeEach(async () => {
  vi.useFakeTimers();
  vi.resetModules();
  vi.stubGlobal('ImageData', FakeImageData);
  const self: { onmessage?: (e: { data: PainterMessage }) => void } = {};
  vi.stubGlobal('self', self);
  await import('../../../src/workers/xtPainter.worker');
  send = (m) => self.onmessage!({ data: m });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the x_t painter worker', () => {
  const side = 8;
  const x0 = seededNoise(3 * side * side, 1).map((v) => Math.tanh(v));
  const eps = seededNoise(3 * side * side, 2);

  it('draws 0.5 + k·(α·x₀ + σ·ε) as noisyRgba does, on a canvas sized to the image', () => {
    const { canvas, puts } = fakeCanvas();
    send({ kind: 'canvas', canvas: canvas as unknown as OffscreenCanvas });
    send({ kind: 'data', x0, eps, side });
    send({ kind: 'draw', alpha: 0.8, sigma: 0.6, k: 0.5 });
    vi.runAllTimers();
    expect([canvas.width, canvas.height]).toEqual([side, side]);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toEqual(noisyRgba(x0, eps, 0.8, 0.6, 0.5));
  });

  it('draws a burst of requests once, at the newest parameters', () => {
    const { canvas, puts } = fakeCanvas();
    send({ kind: 'canvas', canvas: canvas as unknown as OffscreenCanvas });
    send({ kind: 'data', x0, eps, side });
    for (let i = 1; i <= 10; i++) send({ kind: 'draw', alpha: Math.cos(i / 10), sigma: Math.sin(i / 10), k: 0.5 });
    vi.runAllTimers();
    expect(puts).toHaveLength(1);
    expect(puts[0]).toEqual(noisyRgba(x0, eps, Math.cos(1), Math.sin(1), 0.5));
    // Nothing new to draw: no further drawing.
    vi.runAllTimers();
    expect(puts).toHaveLength(1);
  });

  it('waits for the image before drawing, then draws the pending request', () => {
    const { canvas, puts } = fakeCanvas();
    send({ kind: 'canvas', canvas: canvas as unknown as OffscreenCanvas });
    send({ kind: 'draw', alpha: 1, sigma: 0, k: 0.5 });
    vi.runAllTimers();
    expect(puts).toHaveLength(0);
    send({ kind: 'data', x0, eps, side });
    vi.runAllTimers();
    expect(puts).toEqual([noisyRgba(x0, eps, 1, 0, 0.5)]);
  });
});
