import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../../src/core/imageFormat';
import { crc32 } from '../../../src/core/png';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function png(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  // The sniffer reads headers only, so a token IDAT keeps huge declared sizes cheap.
  const raw = new Uint8Array(Math.min(height * (1 + width * 3), 256));
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

function gif(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(14);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  b[13] = 0x3b;
  return new Uint8Array(b);
}

function bmp(width: number, height: number, declaredExtra = 0): Uint8Array {
  const size = 54 + width * height * 4;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(size + declaredExtra, 2);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(-height, 22);
  return new Uint8Array(b);
}

function jpeg(width: number, height: number, withEnd = true): Uint8Array {
  const sof = [0xff, 0xc0, 0x00, 0x11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46, ...sof, 0, 0, 0, 0, ...(withEnd ? [0xff, 0xd9] : [])]);
}

describe('sniffImage', () => {
  it('reads format and size from PNG, GIF, BMP and JPEG headers', () => {
    expect(sniffImage(png(7, 5))).toEqual({ ok: true, format: 'png', width: 7, height: 5 });
    expect(sniffImage(gif(3, 2))).toEqual({ ok: true, format: 'gif', width: 3, height: 2 });
    expect(sniffImage(bmp(4, 3))).toEqual({ ok: true, format: 'bmp', width: 4, height: 3 });
    expect(sniffImage(jpeg(640, 480))).toEqual({ ok: true, format: 'jpeg', width: 640, height: 480 });
  });

  it('says a 0-byte file is empty', () => {
    const r = sniffImage(new Uint8Array());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('empty');
  });

  it('refuses a text file that is named like an image', () => {
    const r = sniffImage(new TextEncoder().encode('hello, I am not a picture'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('not-image');
      expect(r.message).toMatch(/not an image/);
    }
  });

  it('detects truncated PNG, JPEG and BMP files', () => {
    const p = png(16, 16);
    for (const cut of [p.subarray(0, 20), p.subarray(0, p.length - 5)]) {
      const r = sniffImage(cut);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe('truncated');
    }
    const j = sniffImage(jpeg(10, 10, false));
    expect(j.ok).toBe(false);
    const b = sniffImage(bmp(4, 4, 100));
    expect(b.ok).toBe(false);
  });

  it('refuses images over the pixel limit before decoding, naming the size', () => {
    const r = sniffImage(png(10_000, 6_000));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('too-large');
      expect(r.message).toContain('10000×6000');
      expect(r.message).toContain('60.0 megapixels');
    }
    expect(sniffImage(png(100, 100), 5_000).ok).toBe(false);
  });

  it('refuses a declared size of zero', () => {
    const r = sniffImage(png(0, 5));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('bad-size');
  });
});
