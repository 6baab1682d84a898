import { useLayoutEffect, useRef, type Ref } from 'react';
import { nearestPixels, resizeNearest, toRgba, type RgbImage } from '../../core/image';
import { LruMap } from '../../core/lru';
import { useLatest } from '../hooks/useLatest';

/** Pixels already converted to 8-bit RGBA (cached frames skip the conversion on every draw). */
export interface RgbaFrame { width: number; height: number; data: Uint8ClampedArray }

export function toFrame(image: RgbImage): RgbaFrame {
  return { width: image.width, height: image.height, data: toRgba(image) };
}

/**
 * An image whose 8-bit RGBA pixels are made when drawn, at the size drawn: a fitted canvas asks for the pixels it
 * shows, an export for the whole image. `pixels(w, h)` must be the whole image's bytes resampled nearest-neighbour
 * to w × h (core/image nearestPixels), the pixels a fitted canvas would otherwise take from the whole image.
 */
export interface PixelSource { width: number; height: number; pixels: (width: number, height: number) => Uint8ClampedArray }

const keptSources = new WeakMap<RgbImage, PixelSource>();

/**
 * An image that stays (a working image: the pipeline keeps the last few) as a source whose 8-bit pixels are kept
 * with it, for the last two sizes drawn: going back to a working size just left draws them without converting the
 * image again. The pixels are those a canvas makes of the image itself (toRgba of it resampled nearest-neighbour).
 */
export function keptSource(image: RgbImage): PixelSource {
  let source = keptSources.get(image);
  if (!source) {
    const sizes = new LruMap<string, Uint8ClampedArray>({ entries: 2 });
    source = {
      width: image.width,
      height: image.height,
      pixels: (w, h) => sizes.getOrSet(`${w}x${h}`, () => toRgba(w === image.width && h === image.height ? image : resizeNearest(image, w, h))),
    };
    keptSources.set(image, source);
  }
  return source;
}

/** What a PixelCanvas draws. */
export type Drawable = RgbImage | RgbaFrame | PixelSource;

const isSource = (image: Drawable): image is PixelSource => 'pixels' in image;

/** The image's 8-bit RGBA bytes, whole: a frame's own, a source's made at full size, or a float image converted. */
export function rgbaOf(image: Drawable): Uint8ClampedArray {
  if (isSource(image)) return image.pixels(image.width, image.height);
  return image.data instanceof Uint8ClampedArray ? image.data : toRgba(image as RgbImage);
}

interface PixelCanvasProps {
  image: Drawable | null;
  className?: string;
  role?: string;
  'aria-label'?: string;
  testId?: string;
  ref?: Ref<HTMLCanvasElement>;
  /**
   * Hold no more pixels than the canvas is shown with: its CSS width × devicePixelRatio, rounded up, the image
   * resampled nearest-neighbour, the pixels pixelated scaling showed. A 512² image shown 130 px wide is then 16×
   * fewer pixels to convert, draw and hand to the compositor. Redrawn when the shown size changes.
   */
  fit?: boolean;
}

/** The canvas size that shows a width × height image in `shown` device pixels across (0: unknown, full size). */
export function fitSize(width: number, height: number, shown: number): { width: number; height: number } {
  if (!(shown > 0) || shown >= width) return { width, height };
  return { width: Math.ceil(shown), height: Math.max(1, Math.ceil((height * shown) / width)) };
}

/** Draws an RgbImage one canvas pixel per image pixel (or, with `fit`, per shown pixel); CSS scales it (pixelated). */
export function PixelCanvas({ image, className, role, testId, ref, fit = false, ...aria }: PixelCanvasProps) {
  const own = useRef<HTMLCanvasElement | null>(null);
  const scratch = useRef<ImageData | null>(null);
  /** What the canvas holds: an image at a canvas width. */
  const drawn = useRef<{ image: Drawable; width: number } | null>(null);
  /** Draws an image at the size its canvas is shown with, unless the canvas holds just that already. */
  const draw = useRef<(img: Drawable | null) => void>(() => undefined);
  /**
   * A fitted canvas's shown width in device pixels, as its ResizeObserver last reported it: null until the first
   * report, which comes after the layout that follows the canvas's mount and draws it. Reading `clientWidth` here
   * instead would force a layout of the page per canvas drawn (a canvas's new size invalidates the last one).
   * A canvas not laid out (in a hidden part of the page) has no report, and is drawn when it first shows; its
   * exports are made from the image, not the canvas.
   */
  const shownWidth = useRef<number | null>(null);
  draw.current = (img) => {
    const canvas = own.current;
    if (!canvas || !img) return;
    const observed = fit && typeof ResizeObserver !== 'undefined';
    if (observed && shownWidth.current === null) return; // the observer's first report draws it
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const shown = !fit ? 0 : observed ? shownWidth.current! : canvas.clientWidth * (globalThis.devicePixelRatio || 1);
    const { width, height } = fitSize(img.width, img.height, shown);
    if (drawn.current?.image === img && drawn.current.width === width) return;
    // Setting a canvas's size clears and reallocates it even when unchanged: only on a real change.
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    // 8-bit frames at full size are wrapped without a copy; float images are converted into a buffer reused per size.
    let pixels: ImageData;
    if (isSource(img)) {
      pixels = new ImageData(img.pixels(width, height) as Uint8ClampedArray<ArrayBuffer>, width, height);
    } else if (img.data instanceof Uint8ClampedArray) {
      if (img.data.length !== 4 * img.width * img.height) return; // not a frame of this size: draw nothing
      const data = width === img.width ? img.data : nearestPixels(img.data, img.width, img.height, 4, width, height);
      pixels = new ImageData(data as Uint8ClampedArray<ArrayBuffer>, width, height);
    } else {
      if (!scratch.current || scratch.current.width !== width || scratch.current.height !== height) scratch.current = ctx.createImageData(width, height);
      pixels = scratch.current;
      toRgba(width === img.width ? (img as RgbImage) : resizeNearest(img as RgbImage, width, height), pixels.data);
    }
    ctx.putImageData(pixels, 0, 0);
    drawn.current = { image: img, width };
  };
  useLayoutEffect(() => draw.current(image), [image]);
  // A fitted canvas shown at another size (the window, the browser's zoom) is drawn again at that size.
  const latest = useLatest(image);
  useLayoutEffect(() => {
    const canvas = own.current;
    if (!fit || !canvas || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      const device = entry.devicePixelContentBoxSize?.[0]?.inlineSize;
      shownWidth.current = device ?? entry.contentRect.width * (globalThis.devicePixelRatio || 1);
      draw.current(latest.current);
    });
    // In device pixels where the browser can (a zoom changes them and not the CSS size), else in CSS pixels.
    try {
      observer.observe(canvas, { box: 'device-pixel-content-box' });
    } catch {
      observer.observe(canvas);
    }
    return () => observer.disconnect();
  }, [fit, latest]);
  const setRef = (el: HTMLCanvasElement | null) => {
    own.current = el;
    if (typeof ref === 'function') ref(el);
    else if (ref) (ref as { current: HTMLCanvasElement | null }).current = el;
  };
  return <canvas ref={setRef} className={className} role={role} aria-label={aria['aria-label']} aria-hidden={role ? undefined : true} data-testid={testId} />;
}
