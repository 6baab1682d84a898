// Images that are a blend of x₀ and ε and follow t (x_t, the v target): a source (diffusionData.blendSource)
// that PixelFigure's canvas makes at the size it is shown, so a move computes the pixels on screen only.
import { useMemo, type ComponentProps } from 'react';
import { PixelFigure } from '../../components/Figure';
import { blendSource } from './diffusionData';

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
  const image = useMemo(() => (x0 && eps && x0.length === 3 * side * side ? blendSource(x0, eps, side, alpha, sigma, k) : null), [x0, eps, side, alpha, sigma, k]);
  return <PixelFigure {...figure} image={image} />;
}
