import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { toRgba, type RgbImage } from '../../../core/image';
import { inverseOrder } from '../../../core/orderings';
import { Figure, IMAGE_DISPLAY_PX, type ExportName } from '../../components/Figure';

/** Overlay drawing resolution (CSS scales it to the image's box). */
const OVERLAY_PX = 512;

interface StepViewProps {
  image: RgbImage;
  patch: number;
  order: Int32Array;
  step: number;
  numbers: boolean;
  /** When set, the view takes clicks and keys to paint a custom order. */
  onPaint?: (cell: number) => void;
  onUnpaint?: () => void;
  painted?: number;
  name: ExportName;
}

/** Generated patches as they are, the next one outlined, future ones faded towards grey. */
function composeStep(image: RgbImage, patch: number, inv: Int32Array, step: number): Uint8ClampedArray {
  const rgba = toRgba(image);
  const cols = image.width / patch;
  for (let y = 0; y < image.height; y++) {
    const rowCell = Math.floor(y / patch) * cols;
    for (let x = 0; x < image.width; x++) {
      if (inv[rowCell + Math.floor(x / patch)] <= step) continue;
      const q = (y * image.width + x) * 4;
      // A faint trace of the content keeps the layout readable while saying "not generated yet".
      rgba[q] = 0.2 * rgba[q] + 0.8 * 215;
      rgba[q + 1] = 0.2 * rgba[q + 1] + 0.8 * 215;
      rgba[q + 2] = 0.2 * rgba[q + 2] + 0.8 * 215;
    }
  }
  return rgba;
}

function drawOverlay(ctx: CanvasRenderingContext2D, rows: number, cols: number, order: Int32Array, inv: Int32Array, step: number, numbers: boolean, cursor: number | null): void {
  const cell = OVERLAY_PX / cols;
  ctx.clearRect(0, 0, OVERLAY_PX, OVERLAY_PX);
  if (numbers && cols <= 16) {
    ctx.font = `${Math.max(8, Math.min(16, cell * 0.32))}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < rows * cols; i++) {
      const cx = (i % cols) * cell + cell / 2;
      const cy = Math.floor(i / cols) * cell + cell / 2;
      const label = String(inv[i]);
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.85)';
      ctx.strokeText(label, cx, cy);
      ctx.fillStyle = inv[i] < step ? '#111' : '#444';
      ctx.fillText(label, cx, cy);
    }
  }
  const next = order[step];
  ctx.lineWidth = Math.max(2, cell * 0.08);
  ctx.strokeStyle = '#d6336c';
  ctx.strokeRect((next % cols) * cell + 1, Math.floor(next / cols) * cell + 1, cell - 2, cell - 2);
  if (cursor !== null) {
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = '#1f5fa8';
    ctx.strokeRect((cursor % cols) * cell + 2, Math.floor(cursor / cols) * cell + 2, cell - 4, cell - 4);
    ctx.setLineDash([]);
  }
}

export function StepView({ image, patch, order, step, numbers, onPaint, onUnpaint, painted = 0, name }: StepViewProps) {
  const base = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const cols = image.width / patch;
  const rows = image.height / patch;
  const inv = useMemo(() => inverseOrder(order), [order]);
  const [cursor, setCursor] = useState<number | null>(null);
  const painting = Boolean(onPaint);

  useLayoutEffect(() => {
    const c = base.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    c.width = image.width;
    c.height = image.height;
    const data = ctx.createImageData(image.width, image.height);
    data.data.set(composeStep(image, patch, inv, step));
    ctx.putImageData(data, 0, 0);
  }, [image, patch, inv, step]);

  useLayoutEffect(() => {
    const ctx = overlay.current?.getContext('2d');
    if (ctx) drawOverlay(ctx, rows, cols, order, inv, step, numbers, painting ? cursor : null);
  }, [rows, cols, order, inv, step, numbers, painting, cursor]);

  useEffect(() => {
    if (!painting) setCursor(null);
  }, [painting]);

  const cellAt = (clientX: number, clientY: number): number => {
    const r = overlay.current!.getBoundingClientRect();
    const cx = Math.min(cols - 1, Math.max(0, Math.floor(((clientX - r.left) / r.width) * cols)));
    const cy = Math.min(rows - 1, Math.max(0, Math.floor(((clientY - r.top) / r.height) * rows)));
    return cy * cols + cx;
  };

  const onKey = (e: KeyboardEvent) => {
    if (!onPaint) return;
    const c = cursor ?? 0;
    const moves: Record<string, number> = { ArrowLeft: c % cols > 0 ? -1 : 0, ArrowRight: c % cols < cols - 1 ? 1 : 0, ArrowUp: c >= cols ? -cols : 0, ArrowDown: c < (rows - 1) * cols ? cols : 0 };
    if (e.key in moves) {
      setCursor(c + moves[e.key]);
      e.preventDefault();
    } else if (e.key === 'Enter' || e.key === ' ') {
      onPaint(c);
      e.preventDefault();
    } else if (e.key === 'Backspace' && onUnpaint) {
      onUnpaint();
      e.preventDefault();
    }
  };

  const toCanvas = async () => {
    const out = document.createElement('canvas');
    out.width = out.height = 2 * IMAGE_DISPLAY_PX;
    const ctx = out.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(base.current!, 0, 0, out.width, out.height);
    ctx.drawImage(overlay.current!, 0, 0, out.width, out.height);
    return out;
  };

  return (
    <Figure id="patch-step" title={`Step ${step}: ${step} of ${rows * cols} generated`} name={name} toCanvas={toCanvas}>
      <div
        className={`step-view${painting ? ' painting' : ''}`}
        tabIndex={painting ? 0 : undefined}
        role={painting ? 'application' : undefined}
        aria-label={painting ? `Paint the order: arrow keys move, Enter paints the cell, Backspace undoes. ${painted} cells painted.` : undefined}
        onKeyDown={onKey}
        onPointerDown={(e) => {
          if (!onPaint) return;
          const cell = cellAt(e.clientX, e.clientY);
          setCursor(cell);
          onPaint(cell);
        }}
      >
        <canvas ref={base} className="pixels" role="img" aria-label={`The image at step ${step}: ${step} patches generated, the next one outlined, later ones faded`} data-testid="canvas-patch-step" />
        <canvas ref={overlay} width={OVERLAY_PX} height={OVERLAY_PX} className="overlay" aria-hidden="true" />
      </div>
    </Figure>
  );
}
