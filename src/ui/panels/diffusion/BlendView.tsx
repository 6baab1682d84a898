// Images that are a blend of x₀ and ε and follow t (x_t, the v target): each frame is written straight to 8-bit
// RGBA (noisyRgba) into a buffer kept per size, and put on the canvas; no image object is built per move.
import { useLayoutEffect, useRef } from 'react';
import { noisyRgba } from '../../../core/diffusion/forward';
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

interface BlendViewProps extends BlendParams {
  id: string;
  title: string;
  alt: string;
  name: FigureName;
}

export function BlendView({ id, title, alt, name, x0, eps, side, alpha, sigma, k }: BlendViewProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const frame = useRef<ImageData | null>(null);
  useLayoutEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !x0 || !eps || x0.length !== 3 * side * side) return;
    if (c.width !== side) c.width = side;
    if (c.height !== side) c.height = side;
    if (frame.current?.width !== side) frame.current = ctx.createImageData(side, side);
    noisyRgba(x0, eps, alpha, sigma, k, frame.current.data);
    ctx.putImageData(frame.current, 0, 0);
  }, [x0, eps, side, alpha, sigma, k]);
  const toCanvas = async () => (ref.current && x0 ? imageToCanvas(ref.current, (2 * IMAGE_DISPLAY_PX) / ref.current.width) : null);
  return (
    <Figure id={id} title={title} name={name} toCanvas={toCanvas}>
      <canvas ref={ref} className="pixels" role="img" aria-label={alt} data-testid={`canvas-${id}`} />
    </Figure>
  );
}
