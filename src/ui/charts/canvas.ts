// The frame of a canvas drawing (heat maps, tiles of samples): its size at a device scale, the white ground and
// the title band that an exported drawing carries on top.

/** Height of the title band (CSS pixels). */
export const CANVAS_TITLE_H = 22;

/**
 * Resizes `canvas` for a `width` × `height` drawing at `scale` device pixels per CSS pixel and paints it white;
 * returns its context, scaled to CSS pixels, or null where the canvas has none.
 */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number, scale: number): CanvasRenderingContext2D | null {
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  return ctx;
}

/** `title` centred in the title band at the top of a drawing `width` wide. */
export function drawCanvasTitle(ctx: CanvasRenderingContext2D, title: string, width: number): void {
  ctx.fillStyle = '#1d1f23';
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(title, width / 2, CANVAS_TITLE_H / 2, width - 8);
}
