import { useLayoutEffect, useRef, type Ref } from 'react';
import { toRgba, type RgbImage } from '../../core/image';

/** Pixels already converted to 8-bit RGBA (cached frames skip the conversion on every draw). */
export interface RgbaFrame { width: number; height: number; data: Uint8ClampedArray }

export function toFrame(image: RgbImage): RgbaFrame {
  return { width: image.width, height: image.height, data: toRgba(image) };
}

interface PixelCanvasProps {
  image: RgbImage | RgbaFrame | null;
  className?: string;
  role?: string;
  'aria-label'?: string;
  testId?: string;
  ref?: Ref<HTMLCanvasElement>;
}

/** Draws an RgbImage one canvas pixel per image pixel; CSS scales it (pixelated). */
export function PixelCanvas({ image, className, role, testId, ref, ...aria }: PixelCanvasProps) {
  const own = useRef<HTMLCanvasElement | null>(null);
  useLayoutEffect(() => {
    const canvas = own.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !image) return;
    canvas.width = image.width;
    canvas.height = image.height;
    const pixels = ctx.createImageData(image.width, image.height);
    if (image.data instanceof Uint8ClampedArray) pixels.data.set(image.data);
    else toRgba(image as RgbImage, pixels.data);
    ctx.putImageData(pixels, 0, 0);
  }, [image]);
  const setRef = (el: HTMLCanvasElement | null) => {
    own.current = el;
    if (typeof ref === 'function') ref(el);
    else if (ref) (ref as { current: HTMLCanvasElement | null }).current = el;
  };
  return <canvas ref={setRef} className={className} role={role} aria-label={aria['aria-label']} aria-hidden={role ? undefined : true} data-testid={testId} />;
}
