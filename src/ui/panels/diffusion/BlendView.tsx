// Images that are a blend of x₀ and ε and follow t (x_t, the v target): drawn by a worker on a canvas handed over
// to it (OffscreenCanvas), so a dragged t costs the page's thread a message per frame instead of building and
// copying the frame (1 MB at 512²); where the browser cannot do that, drawn here as before.
import { useLayoutEffect, useRef } from 'react';
import { noisyRgba } from '../../../core/diffusion/forward';
import { xtPainterFor, type XtPainter } from '../../../workers/xtPainter';
import { Figure, IMAGE_DISPLAY_PX, type FigureName } from '../../components/Figure';
import { imageToCanvas } from '../../export/exportPng';

export interface BlendParams {
  x0: Float32Array | null;
  eps: Float32Array | null;
  side: number;
  alpha: number;
  sigma: number;
  /** The canvas shows 0.5 + k·(α·x₀ + σ·ε). */
  k: number;
}

/** The 8-bit frame for these parameters (null until x₀ and ε exist). */
function frameOf({ x0, eps, side, alpha, sigma, k }: BlendParams): ImageData | null {
  if (!x0 || !eps || x0.length !== 3 * side * side) return null;
  return new ImageData(noisyRgba(x0, eps, alpha, sigma, k) as Uint8ClampedArray<ArrayBuffer>, side, side);
}

interface BlendViewProps extends BlendParams {
  id: string;
  title: string;
  alt: string;
  name: FigureName;
}

export function BlendView({ id, title, alt, name, ...p }: BlendViewProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const painter = useRef<XtPainter | null>(null);
  const latest = useRef(p);
  latest.current = p;

  useLayoutEffect(() => {
    const c = ref.current;
    if (!c) return;
    painter.current = xtPainterFor(c);
    return () => painter.current?.dispose();
  }, []);
  useLayoutEffect(() => {
    if (p.x0 && p.eps && p.x0.length === 3 * p.side * p.side) painter.current?.setData(p.x0, p.eps, p.side);
  }, [p.x0, p.eps, p.side]);
  useLayoutEffect(() => {
    const c = ref.current;
    if (!c) return;
    if (painter.current) {
      painter.current.draw(p.alpha, p.sigma, p.k);
      return;
    }
    const frame = frameOf(p);
    const ctx = c.getContext('2d');
    if (!frame || !ctx) return;
    if (c.width !== p.side) c.width = p.side;
    if (c.height !== p.side) c.height = p.side;
    ctx.putImageData(frame, 0, 0);
  }, [p.x0, p.eps, p.side, p.alpha, p.sigma, p.k]); // eslint-disable-line react-hooks/exhaustive-deps

  // Exports are built here from the same parameters (a handed-over canvas cannot be read back by the page).
  const toCanvas = async () => {
    const frame = frameOf(latest.current);
    return frame && imageToCanvas(frame, (2 * IMAGE_DISPLAY_PX) / frame.width);
  };
  return (
    <Figure id={id} title={title} name={name} toCanvas={toCanvas}>
      <canvas ref={ref} className="pixels" role="img" aria-label={alt} data-testid={`canvas-${id}`} />
    </Figure>
  );
}
