import { useLayoutEffect, useRef, type Ref } from 'react';
import { toRgba, type RgbImage } from '../../core/image';

interface PixelCanvasProps {
  image: RgbImage | null;
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
    toRgba(image, pixels.data);
    ctx.putImageData(pixels, 0, 0);
  }, [image]);
  const setRef = (el: HTMLCanvasElement | null) => {
    own.current = el;
    if (typeof ref === 'function') ref(el);
    else if (ref) (ref as { current: HTMLCanvasElement | null }).current = el;
  };
  return <canvas ref={setRef} className={className} role={role} aria-label={aria['aria-label']} aria-hidden={role ? undefined : true} data-testid={testId} />;
}
