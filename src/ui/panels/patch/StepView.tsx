import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import type { RgbImage } from '../../../core/image';
import { LruMap } from '../../../core/lru';
import { inverseOrder } from '../../../core/orderings';
import { Figure, IMAGE_DISPLAY_PX, type ExportName } from '../../components/Figure';
import { keptSource } from '../../components/PixelCanvas';
import { changedCells, CURSOR, digitAtlas, drawNumbers, drawOutlines, FADE_GREY, FADE_GREY_DARK, fadeMask, MAX_NUMBERED_COLS, numberFontPx, NUMBERS_PX, OUTLINE, outlineRect, type DigitAtlas } from './stepLayers';
import { usePrefersDark } from '../../hooks/useMediaQuery';

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

/** The layers over the image cover its content box (the image canvas has a 1-px border). */
const LAYER: CSSProperties = { position: 'absolute', top: 1, left: 1, width: 'calc(100% - 2px)', height: 'calc(100% - 2px)', pointerEvents: 'none' };
const MASK: CSSProperties = { ...LAYER, imageRendering: 'pixelated' };
const HIDDEN: CSSProperties = { display: 'none' };

function Outline({ cell, cols, kind }: { cell: number; cols: number; kind: 'next' | 'cursor' }) {
  const r = outlineRect(cell, cols, kind);
  return (
    <rect x={r.x} y={r.y} width={r.size} height={r.size} fill="none" stroke={kind === 'next' ? OUTLINE : CURSOR}
      strokeWidth={r.stroke} strokeDasharray={r.dash ?? undefined} data-testid={`patch-step-${kind}`} />
  );
}

/** Digit atlases by font size (a few sizes, one per grid width), drawn on first use. */
const atlases = new Map<number, DigitAtlas | null>();
function atlasFor(cols: number): DigitAtlas | null {
  const px = numberFontPx(NUMBERS_PX / cols);
  if (!atlases.has(px)) atlases.set(px, digitAtlas(px, () => document.createElement('canvas')));
  return atlases.get(px)!;
}

/**
 * The last full drawings of the numbers layer, by grid width and order, with the step each shows: a grid drawn
 * before (a working size or patch size just left, another view of the same order) is copied in one draw, then only
 * the cells whose step changed since are drawn again.
 */
const keptNumbers = new LruMap<string, { canvas: HTMLCanvasElement; step: number }>({ entries: 4 });

function drawAllNumbers(ctx: CanvasRenderingContext2D, atlas: DigitAtlas, cols: number, order: Int32Array, inv: Int32Array, step: number): void {
  const key = `${cols}:${inv.join(',')}`;
  const kept = keptNumbers.get(key);
  if (kept) {
    ctx.clearRect(0, 0, NUMBERS_PX, NUMBERS_PX);
    ctx.drawImage(kept.canvas, 0, 0);
    if (kept.step !== step) drawNumbers(ctx, atlas, cols, inv, step, changedCells(order, kept.step, step));
    return;
  }
  drawNumbers(ctx, atlas, cols, inv, step);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = NUMBERS_PX;
  canvas.getContext('2d')?.drawImage(ctx.canvas, 0, 0);
  keptNumbers.set(key, { canvas, step });
}

/**
 * Generated patches as they are, the next one outlined, future ones faded towards grey. Layers: the image (drawn
 * once per image), a fade mask of one pixel per patch, the step numbers (only the cells whose state changed are
 * redrawn) and the outlines as SVG, so a step move costs what changed, not the image.
 */
export const StepView = memo(function StepView({ image, patch, order, step, numbers, onPaint, onUnpaint, painted = 0, name }: StepViewProps) {
  const base = useRef<HTMLCanvasElement>(null);
  const mask = useRef<HTMLCanvasElement>(null);
  const nums = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const cols = image.width / patch;
  const rows = image.height / patch;
  const inv = useMemo(() => inverseOrder(order), [order]);
  const [cursor, setCursor] = useState<number | null>(null);
  const painting = Boolean(onPaint);
  const showNumbers = numbers && cols <= MAX_NUMBERED_COLS;

  useLayoutEffect(() => {
    const c = base.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    c.width = image.width;
    c.height = image.height;
    // The working image's bytes are kept with it (keptSource): a working size just left is not converted again.
    const data = keptSource(image).pixels(image.width, image.height);
    ctx.putImageData(new ImageData(data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
  }, [image]);

  const maskData = useRef<ImageData | null>(null);
  const dark = usePrefersDark();
  useLayoutEffect(() => {
    const c = mask.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || inv.length !== rows * cols) return;
    if (c.width !== cols || c.height !== rows) {
      c.width = cols;
      c.height = rows;
    }
    let data = maskData.current;
    if (!data || data.width !== cols || data.height !== rows) data = maskData.current = ctx.createImageData(cols, rows);
    fadeMask(inv, step, data.data, dark ? FADE_GREY_DARK : FADE_GREY);
    ctx.putImageData(data, 0, 0);
  }, [inv, step, rows, cols, dark]);

  // Which numbers the canvas shows: a step move redraws only the cells whose shade changed.
  const drawn = useRef<{ inv: Int32Array; step: number } | null>(null);
  useLayoutEffect(() => {
    // The canvas shows only while numbers show (an empty 512² layer still costs every frame's paint).
    const ctx = nums.current?.getContext('2d');
    const atlas = atlasFor(cols);
    if (!ctx || !atlas || !showNumbers || inv.length !== rows * cols) {
      // A hidden layer holds nothing (its last numbers are kept in keptNumbers for when it shows again).
      if (ctx && drawn.current) ctx.clearRect(0, 0, NUMBERS_PX, NUMBERS_PX);
      drawn.current = null;
      return;
    }
    const last = drawn.current;
    if (last && last.inv === inv) {
      if (last.step === step) return;
      drawNumbers(ctx, atlas, cols, inv, step, changedCells(order, last.step, step));
    } else {
      drawAllNumbers(ctx, atlas, cols, order, inv, step);
    }
    drawn.current = { inv, step };
  }, [showNumbers, inv, order, step, rows, cols]);

  useEffect(() => {
    if (!painting) setCursor(null);
  }, [painting]);

  const cellAt = (clientX: number, clientY: number): number => {
    const r = box.current!.getBoundingClientRect();
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

  const next = step < order.length ? order[step] : -1;
  const shownCursor = painting ? cursor : null;
  const toCanvas = async () => {
    const out = document.createElement('canvas');
    out.width = out.height = 2 * IMAGE_DISPLAY_PX;
    const ctx = out.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(base.current!, 0, 0, out.width, out.height);
    ctx.drawImage(mask.current!, 0, 0, out.width, out.height);
    ctx.imageSmoothingEnabled = true;
    if (showNumbers) ctx.drawImage(nums.current!, 0, 0, out.width, out.height);
    drawOutlines(ctx, out.width, cols, next, shownCursor);
    return out;
  };

  return (
    <Figure id="patch-step" title={`Step ${step}: ${step} of ${rows * cols} generated`} name={name} toCanvas={toCanvas}>
      <div
        ref={box}
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
        <canvas ref={base} className="pixels" aria-hidden="true" />
        <canvas ref={mask} className="overlay" style={MASK} role="img" aria-label={`The image at step ${step}: ${step} patches generated, the next one outlined, later ones faded`} data-testid="canvas-patch-step" />
        {/* Hidden, not removed, while the grid is too fine for numbers: a new 512² canvas costs milliseconds on its first draw. */}
        <canvas ref={nums} width={NUMBERS_PX} height={NUMBERS_PX} className="overlay" style={showNumbers ? LAYER : HIDDEN} aria-hidden="true" data-testid="canvas-patch-step-numbers" />
        <svg viewBox={`0 0 ${cols} ${rows}`} preserveAspectRatio="none" style={LAYER} aria-hidden="true">
          {/* Invisible, a cell beyond the grid on every side (the svg clips it): the moving outline, with its stroke's
              bounds, never changes the layer's painted extent (see frame.ts). */}
          <rect className="extent" x={-1} y={-1} width={cols + 2} height={rows + 2} fill="#fff" fillOpacity={0} />
          {next >= 0 && <Outline cell={next} cols={cols} kind="next" />}
          {shownCursor !== null && <Outline cell={shownCursor} cols={cols} kind="cursor" />}
        </svg>
      </div>
    </Figure>
  );
});
