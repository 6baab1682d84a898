// Small image files made byte by byte for the upload tests: each is the smallest file with the property tested
// (a 16-bit PNG, a CMYK JPEG, an animated GIF, a header that lies), so no binary fixture is stored.
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src/core/png';

const u32 = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

function pngChunk(type: string, data: ArrayLike<number>): number[] {
  const typeAndData = Uint8Array.from([...ascii(type), ...Array.from(data)]);
  return [...u32(data.length), ...typeAndData, ...u32(crc32(typeAndData))];
}

export interface PngSpec {
  width: number;
  height: number;
  /** 8 or 16 bits per sample. */
  bitDepth?: 8 | 16;
  /** RGB samples of row y (width × 3 values, each below 2^bitDepth). */
  row(y: number): number[];
  /** Size written in IHDR when it should lie about the pixels that follow. */
  declared?: { width: number; height: number };
}

/** An RGB PNG (colour type 2), no interlace, every row with filter 0. */
export function png({ width, height, bitDepth = 8, row, declared }: PngSpec): Buffer {
  const raw: number[] = [];
  for (let y = 0; y < height; y++) {
    raw.push(0);
    for (const v of row(y)) raw.push(...(bitDepth === 16 ? [v >>> 8, v & 0xff] : [v]));
  }
  const size = declared ?? { width, height };
  return Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...pngChunk('IHDR', [...u32(size.width), ...u32(size.height), bitDepth, 2, 0, 0, 0]),
    ...pngChunk('IDAT', deflateSync(Uint8Array.from(raw))),
    ...pngChunk('IEND', []),
  ]);
}

/** One colour for every pixel of a row. */
export const solid = (width: number, rgb: number[]) => () => Array.from({ length: width }, () => rgb).flat();

/**
 * An 8×8 baseline JPEG with four components marked CMYK by an Adobe APP14 segment (transform 0), every sample at
 * mid level: one DC-only block per component, Huffman tables with one code each.
 */
export function cmykJpeg(): Buffer {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCode = (tableClass: number) => [tableClass << 4, 1, ...new Array<number>(15).fill(0), 0];
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xee, [...ascii('Adobe'), 0, 100, 0, 0, 0, 0, 0]),
    ...segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x11, 0])]),
    ...segment(0xc4, oneCode(0)), // DC: "0" = difference category 0
    ...segment(0xc4, oneCode(1)), // AC: "0" = end of block
    ...segment(0xda, [4, ...[1, 2, 3, 4].flatMap((id) => [id, 0]), 0, 63, 0]),
    0x00, // four blocks of DC "0" + EOB "0": eight zero bits
    0xff, 0xd9,
  ]);
}

/** A 1×1 GIF that loops over two frames: the first red, the second blue. */
export function animatedGif(): Buffer {
  const frame = (lzw: number) => [0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, lzw, 1, 0];
  return Buffer.from([
    ...ascii('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0,
    0xff, 0, 0, 0, 0, 0xff, // palette: red, blue
    0x21, 0xff, 11, ...ascii('NETSCAPE2.0'), 3, 1, 0, 0, 0,
    ...frame(0x44), // clear, index 0, end
    ...frame(0x4c), // clear, index 1, end
    0x3b,
  ]);
}
