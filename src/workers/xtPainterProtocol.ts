// Messages to the x_t painter worker (xtPainter.worker.ts), which draws the Diffusion panel's x_t on a canvas the
// page handed over (OffscreenCanvas), so a dragged t costs the page's main thread one message per frame.

/** The canvas to draw on (transferred once). */
export interface PainterCanvas { kind: 'canvas'; canvas: OffscreenCanvas }
/** x₀ in model space and the seeded ε (same length, 3 per pixel) of a side × side image: once per image and seed. */
export interface PainterData { kind: 'data'; x0: Float32Array; eps: Float32Array; side: number }
/** Draw 0.5 + k·(α·x₀ + σ·ε) as 8-bit RGBA (noisyRgba); only the newest pending draw is drawn. */
export interface PainterDraw { kind: 'draw'; alpha: number; sigma: number; k: number }

export type PainterMessage = PainterCanvas | PainterData | PainterDraw;
