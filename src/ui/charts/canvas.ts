// The frame of a canvas drawing (heat maps, tiles of samples): its size at a device scale, the ground and the
// title band that an exported drawing carries on top. On screen a drawing takes the charts' colours of the page's
// scheme (styles.css: --chart-bg, --chart-text, --chart-axis); an export is always light, like the SVG exports.

/** The ground, text and line colours of a canvas drawing. */
export interface CanvasColours {
  ground: string;
  text: string;
  line: string;
}

/** The light scheme's chart colours (styles.css's first :root): exports, and where the page's are not known. */
export const LIGHT_CANVAS: CanvasColours = { ground: '#ffffff', text: '#222222', line: '#555555' };

/** The chart colours the stylesheet gives `el` now (dark ones under the dark scheme), LIGHT_CANVAS where unset. */
export function canvasColours(el: Element): CanvasColours {
  const style = getComputedStyle(el);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return { ground: read('--chart-bg', LIGHT_CANVAS.ground), text: read('--chart-text', LIGHT_CANVAS.text), line: read('--chart-axis', LIGHT_CANVAS.line) };
}

/** Height of the title band (CSS pixels). */
export const CANVAS_TITLE_H = 22;

/**
 * Resizes `canvas` for a `width` × `height` drawing at `scale` device pixels per CSS pixel and paints its ground;
 * returns its context, scaled to CSS pixels, or null where the canvas has none.
 */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number, scale: number, colours = LIGHT_CANVAS): CanvasRenderingContext2D | null {
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = colours.ground;
  ctx.fillRect(0, 0, width, height);
  return ctx;
}

/** `title` centred in the title band at the top of a drawing `width` wide. */
export function drawCanvasTitle(ctx: CanvasRenderingContext2D, title: string, width: number, colours = LIGHT_CANVAS): void {
  ctx.fillStyle = colours.text;
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(title, width / 2, CANVAS_TITLE_H / 2, width - 8);
}
