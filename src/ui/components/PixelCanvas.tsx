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
  const scratch = useRef<ImageData | null>(null);
  useLayoutEffect(() => {
    const canvas = own.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !image) return;
    const { width, height } = image;
    // Setting a canvas's size clears and reallocates it even when unchanged: only on a real change.
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    // 8-bit frames are wrapped without a copy; float images are converted into a buffer reused per size.
    let pixels: ImageData;
    if (image.data instanceof Uint8ClampedArray) {
      if (image.data.length !== 4 * width * height) return; // not a frame of this size: draw nothing
      pixels = new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, width, height);
    } else {
      if (!scratch.current || scratch.current.width !== width || scratch.current.height !== height) scratch.current = ctx.createImageData(width, height);
      pixels = scratch.current;
      toRgba(image as RgbImage, pixels.data);
    }
    ctx.putImageData(pixels, 0, 0);
  }, [image]);
  const setRef = (el: HTMLCanvasElement | null) => {
    own.current = el;
    if (typeof ref === 'function') ref(el);
    else if (ref) (ref as { current: HTMLCanvasElement | null }).current = el;
  };
  return <canvas ref={setRef} className={className} role={role} aria-label={aria['aria-label']} aria-hidden={role ? undefined : true} data-testid={testId} />;
}
