// "Export all": one figure with every panel, its title, and a caption describing the state, ready to paste into notes.

const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** Greedy word wrap; words wider than the line (e.g. URLs, JSON) are hard-broken so nothing overflows. */
function wrap(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (ctx.measureText(candidate).width <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      for (const ch of word) {
        if (line && ctx.measureText(line + ch).width > maxWidth) {
          lines.push(line);
          line = '';
        }
        line += ch;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Lays the canvases out in a grid. Item canvases are drawn at their own pixel size (they are expected to be
 * at export density already, e.g. from svgToCanvas/imageToCanvas); `scale` sizes text and spacing to match.
 */
export function compositeCanvases(
  items: { title: string; canvas: HTMLCanvasElement }[],
  caption: string,
  opts: { columns?: number; scale?: number } = {},
): HTMLCanvasElement {
  const scale = opts.scale ?? 2;
  const columns = Math.max(1, Math.min(opts.columns ?? 3, items.length || 1));
  const pad = 16 * scale;
  const titleSize = 14 * scale;
  const captionSize = 12 * scale;
  const titleH = titleSize * 1.6;
  const lineH = captionSize * 1.4;

  const cellW = Math.max(1, ...items.map((i) => i.canvas.width));
  const rows: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += columns) rows.push(items.slice(i, i + columns));
  const rowHeights = rows.map((row) => titleH + Math.max(...row.map((i) => i.canvas.height)));
  // A floor on the width keeps the caption readable when the panels are small.
  const width = Math.ceil(Math.max(pad + columns * (cellW + pad), 480 * scale));

  const out = document.createElement('canvas');
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('Canvas 2D context is unavailable.');
  // Measure the caption before sizing: the height depends on how many lines it wraps to.
  ctx.font = `${captionSize}px ${FONT}`;
  const lines = caption.trim() ? wrap(ctx, caption.trim(), width - 2 * pad) : [];
  const gridH = rowHeights.reduce((sum, h) => sum + h + pad, pad);
  out.width = width;
  out.height = Math.ceil(gridH + (lines.length ? lines.length * lineH + pad : 0));

  // Resizing resets context state, so styles are set after it.
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.textBaseline = 'top';
  let y = pad;
  rows.forEach((row, r) => {
    row.forEach((item, c) => {
      const x = pad + c * (cellW + pad);
      ctx.fillStyle = '#111';
      ctx.font = `600 ${titleSize}px ${FONT}`;
      ctx.fillText(item.title, x, y, cellW);
      ctx.drawImage(item.canvas, x + (cellW - item.canvas.width) / 2, y + titleH);
    });
    y += rowHeights[r] + pad;
  });
  ctx.fillStyle = '#333';
  ctx.font = `${captionSize}px ${FONT}`;
  lines.forEach((line, i) => ctx.fillText(line, pad, gridH + i * lineH));
  return out;
}
