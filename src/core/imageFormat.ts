// Recognise an uploaded file from its bytes before handing it to the browser's decoder, so that bad input
// gets a precise message (not an image, empty, truncated, too large) instead of a generic decode failure.
import { MAX_UPLOAD_PIXELS } from './conventions';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp';

export type SniffResult =
  | { ok: true; format: ImageFormat; width: number; height: number }
  | { ok: false; reason: 'empty' | 'not-image' | 'truncated' | 'too-large' | 'bad-size'; message: string; format?: ImageFormat };

const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u32le = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const i32le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

function formatOf(b: Uint8Array): ImageFormat | null {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 2 && ascii(b, 0, 2) === 'BM') return 'bmp';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  return null;
}

const NAMES: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', gif: 'GIF', bmp: 'BMP', webp: 'WebP' };

/** Size from the header, and whether the file reaches its end marker (or declared length). */
function inspect(b: Uint8Array, f: ImageFormat): { width: number; height: number; complete: boolean } | null {
  switch (f) {
    case 'png': {
      if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
      // A PNG ends with the 12-byte IEND chunk.
      const complete = b.length >= 45 && ascii(b, b.length - 8, 4) === 'IEND';
      return { width: u32be(b, 16), height: u32be(b, 20), complete };
    }
    case 'jpeg': {
      // Walk the marker segments to the first start-of-frame (SOF0…SOF15 except DHT/JPG/DAC).
      let o = 2;
      let size: { width: number; height: number } | null = null;
      while (o + 9 < b.length) {
        if (b[o] !== 0xff) return null;
        const m = b[o + 1];
        if (m === 0xff) { o++; continue; }
        const len = u16be(b, o + 2);
        if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
          size = { height: u16be(b, o + 5), width: u16be(b, o + 7) };
          break;
        }
        o += 2 + len;
      }
      if (!size) return null;
      // The end-of-image marker may be followed by padding; look for it near the end.
      let complete = false;
      for (let i = b.length - 2; i >= Math.max(0, b.length - 64); i--) {
        if (b[i] === 0xff && b[i + 1] === 0xd9) { complete = true; break; }
      }
      return { ...size, complete };
    }
    case 'gif': {
      if (b.length < 10) return null;
      return { width: u16le(b, 6), height: u16le(b, 8), complete: b[b.length - 1] === 0x3b };
    }
    case 'bmp': {
      if (b.length < 26) return null;
      const declared = u32le(b, 2);
      const infoSize = u32le(b, 14);
      const core = infoSize === 12;
      const width = core ? u16le(b, 18) : i32le(b, 18);
      const height = core ? u16le(b, 20) : Math.abs(i32le(b, 22));
      return { width, height, complete: declared === 0 || b.length >= declared };
    }
    case 'webp': {
      const declared = u32le(b, 4) + 8;
      const complete = b.length >= declared;
      if (b.length < 30) return null;
      const chunk = ascii(b, 12, 4);
      if (chunk === 'VP8 ') return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, complete };
      if (chunk === 'VP8L') {
        const bits = u32le(b, 21);
        return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, complete };
      }
      if (chunk === 'VP8X') {
        const w = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
        const h = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
        return { width: w, height: h, complete };
      }
      return null;
    }
  }
}

/** Classify the bytes of an uploaded file; only `ok` results go on to the decoder. */
export function sniffImage(bytes: Uint8Array, maxPixels = MAX_UPLOAD_PIXELS): SniffResult {
  if (bytes.length === 0) return { ok: false, reason: 'empty', message: 'The file is empty (0 bytes).' };
  const format = formatOf(bytes);
  if (!format) {
    return { ok: false, reason: 'not-image', message: 'This file is not an image the app can read (PNG, JPEG, WebP, GIF or BMP).' };
  }
  const info = inspect(bytes, format);
  if (!info) {
    return { ok: false, reason: 'truncated', format, message: `This ${NAMES[format]} file is cut short or damaged: its header is incomplete.` };
  }
  if (!(info.width > 0 && info.height > 0)) {
    return { ok: false, reason: 'bad-size', format, message: `This ${NAMES[format]} file declares an empty size (${info.width}×${info.height}).` };
  }
  if (info.width * info.height > maxPixels) {
    const mp = (info.width * info.height) / 1e6;
    return {
      ok: false, reason: 'too-large', format,
      message: `This image is ${info.width}×${info.height} (${mp.toFixed(1)} megapixels); the limit is ${maxPixels / 1e6} megapixels.`,
    };
  }
  if (!info.complete) {
    return { ok: false, reason: 'truncated', format, message: `This ${NAMES[format]} file is truncated: it ends before its last byte.` };
  }
  return { ok: true, format, width: info.width, height: info.height };
}
