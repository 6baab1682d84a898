// Images that are a blend of x₀ and ε and follow t (x_t, the v target): each frame is written straight to 8-bit
// RGBA (noisyRgba) into a buffer kept per size, so a move builds no new pixel array; PixelFigure draws it.
import { useMemo, useRef, type ComponentProps } from 'react';
import { noisyRgba } from '../../../core/diffusion/forward';
import { PixelFigure } from '../../components/Figure';

export interface BlendParams {
  x0: Float32Array | null;
  eps: Float32Array | null;
  side: number;
  alpha: number;
  sigma: number;
  /** The canvas shows 0.5 + k·(α·x₀ + σ·ε). */
  k: number;
}

export function BlendView({ x0, eps, side, alpha, sigma, k, ...figure }: BlendParams & Omit<ComponentProps<typeof PixelFigure>, 'image'>) {
  const buffer = useRef<Uint8ClampedArray | null>(null);
  const image = useMemo(() => {
    if (!x0 || !eps || x0.length !== 3 * side * side) return null;
    if (buffer.current?.length !== 4 * side * side) buffer.current = new Uint8ClampedArray(4 * side * side);
    return { width: side, height: side, data: noisyRgba(x0, eps, alpha, sigma, k, buffer.current) };
  }, [x0, eps, side, alpha, sigma, k]);
  return <PixelFigure {...figure} image={image} />;
}
