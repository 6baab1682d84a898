// Browser-side decoding: bytes → checked → decoded by the browser → the centre-cropped square's 8-bit RGBA pixels.
// Compositing over white and resizing to the working size happen in core (resizeAreaRgba, area averaging).
import type { RgbaImage } from '../../core/image';
import { sniffImage } from '../../core/imageFormat';

/** Sources larger than this per side are first reduced by the browser (memory: 7000² RGBA is 196 MB). */
const MAX_SOURCE_SIDE = 2048;

export class ImageInputError extends Error {}

/** Decode image bytes the browser understands; throws ImageInputError with a message for the user. */
export async function decodeImageBytes(bytes: Uint8Array, type = ''): Promise<RgbaImage> {
  const sniff = sniffImage(bytes);
  if (!sniff.ok) throw new ImageInputError(sniff.message);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: type || `image/${sniff.format}` }));
  } catch {
    throw new ImageInputError(`This browser could not decode the ${sniff.format.toUpperCase()} file; it may be damaged or use an unsupported variant.`);
  }
  try {
    // Centre-crop to a square while drawing, so huge inputs are never read whole.
    const side = Math.min(bitmap.width, bitmap.height);
    const sx = Math.floor((bitmap.width - side) / 2);
    const sy = Math.floor((bitmap.height - side) / 2);
    const out = Math.min(side, MAX_SOURCE_SIDE);
    const canvas = document.createElement('canvas');
    canvas.width = out;
    canvas.height = out;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new ImageInputError('This browser has no 2-D canvas to read the image with.');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, sx, sy, side, side, 0, 0, out, out);
    // getImageData is un-premultiplied RGBA; resizeAreaRgba composites it over white.
    return { width: out, height: out, rgba: ctx.getImageData(0, 0, out, out).data };
  } finally {
    bitmap.close();
  }
}

export async function decodeImageUrl(url: string): Promise<RgbaImage> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (HTTP ${r.status})`);
  return decodeImageBytes(new Uint8Array(await r.arrayBuffer()), r.headers.get('content-type') ?? '');
}
