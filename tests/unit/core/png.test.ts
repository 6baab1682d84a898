import { describe, expect, it } from 'vitest';
import { deflateSync, inflateSync } from 'node:zlib';
import { addPngTextChunk, crc32, readPngSize, readPngTextChunks } from '../../../src/core/png';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typeAndData = concat(ascii(type), data);
  return concat(u32(data.length), typeAndData, u32(crc32(typeAndData)));
}

/** 3×2 RGBA image; each scanline is prefixed with filter type 0 as PNG requires. */
const WIDTH = 3;
const HEIGHT = 2;
const PIXELS = Uint8Array.from({ length: WIDTH * HEIGHT * 4 }, (_, i) => (i * 37) & 0xff);
const RAW = concat(...[0, 1].map((y) => concat(Uint8Array.of(0), PIXELS.subarray(y * WIDTH * 4, (y + 1) * WIDTH * 4))));

function tinyPng(extra: Uint8Array[] = []): Uint8Array {
  const ihdr = concat(u32(WIDTH), u32(HEIGHT), Uint8Array.of(8, 6, 0, 0, 0)); // 8-bit RGBA, no interlace
  return concat(SIGNATURE, chunk('IHDR', ihdr), ...extra, chunk('IDAT', new Uint8Array(deflateSync(RAW))), chunk('IEND', new Uint8Array()));
}

/** Independent chunk parser for checking the output, asserting every CRC. */
function parseChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  expect([...png.subarray(0, 8)]).toEqual([...SIGNATURE]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let pos = 8; pos < png.length; ) {
    const len = view.getUint32(pos);
    const typeAndData = png.subarray(pos + 4, pos + 8 + len);
    expect(view.getUint32(pos + 8 + len)).toBe(crc32(typeAndData));
    out.push({ type: String.fromCharCode(...typeAndData.subarray(0, 4)), data: typeAndData.subarray(4) });
    pos += 12 + len;
  }
  return out;
}

describe('crc32', () => {
  it('matches the known CRC of the IEND chunk type', () => {
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
  });

  it('matches the standard CRC-32 check value for "123456789"', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });
});

describe('addPngTextChunk / readPngTextChunks', () => {
  const state = '{"panel":"depth","img":"astronaut","bits":4}#v=1&x=a%20b';

  it('reads back the text it embedded', () => {
    const png = addPngTextChunk(tinyPng(), 'decomposition-explorer', state);
    expect(readPngTextChunks(png)).toEqual({ 'decomposition-explorer': state });
  });

  it('inserts the text chunk directly after IHDR', () => {
    const types = parseChunks(addPngTextChunk(tinyPng(), 'k', 'v')).map((c) => c.type);
    expect(types).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
  });

  it('keeps the image decodable after adding a text chunk', () => {
    const chunks = parseChunks(addPngTextChunk(tinyPng(), 'decomposition-explorer', state));
    const idat = chunks.find((c) => c.type === 'IDAT')!;
    expect([...inflateSync(idat.data)]).toEqual([...RAW]);
    expect(readPngSize(addPngTextChunk(tinyPng(), 'k', 'v'))).toEqual({ width: WIDTH, height: HEIGHT });
  });

  it('replaces an earlier text chunk with the same keyword instead of duplicating it', () => {
    const twice = addPngTextChunk(addPngTextChunk(tinyPng(), 'k', 'old'), 'k', 'new');
    expect(parseChunks(twice).filter((c) => c.type === 'tEXt')).toHaveLength(1);
    expect(readPngTextChunks(twice)).toEqual({ k: 'new' });
  });

  it('does not modify the input bytes', () => {
    const png = tinyPng();
    const copy = png.slice();
    addPngTextChunk(png, 'k', 'v');
    expect(png).toEqual(copy);
  });

  it('accepts Latin-1 text beyond ASCII', () => {
    expect(readPngTextChunks(addPngTextChunk(tinyPng(), 'k', 'café ±')).k).toBe('café ±');
  });

  it('rejects invalid keywords and non-Latin-1 text with RangeError', () => {
    const png = tinyPng();
    for (const keyword of ['', 'x'.repeat(80), ' lead', 'trail ', 'two  spaces', 'nul\0', 'snow☃']) {
      expect(() => addPngTextChunk(png, keyword, 'v'), JSON.stringify(keyword)).toThrow(RangeError);
    }
    expect(() => addPngTextChunk(png, 'x'.repeat(79), 'v')).not.toThrow();
    expect(() => addPngTextChunk(png, 'k', 'snow ☃')).toThrow(RangeError);
    expect(() => addPngTextChunk(png, 'k', 'a\0b')).toThrow(RangeError);
  });

  it('throws a clear error for input that is not a PNG', () => {
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46);
    expect(() => addPngTextChunk(jpeg, 'k', 'v')).toThrow(/not a png/i);
    expect(() => readPngTextChunks(ascii('hello'))).toThrow(/not a png/i);
    expect(() => readPngSize(new Uint8Array())).toThrow(/not a png/i);
  });

  it('returns the text read before a truncation instead of throwing', () => {
    const png = tinyPng([chunk('tEXt', ascii('a\0first')), chunk('tEXt', ascii('b\0second'))]);
    const secondStart = 8 + 25 + 12 + 'a\0first'.length;
    for (let cut = 8; cut < png.length; cut++) {
      expect(() => readPngTextChunks(png.subarray(0, cut))).not.toThrow();
    }
    expect(readPngTextChunks(png.subarray(0, secondStart + 10))).toEqual({ a: 'first' });
  });

  it('ignores text chunks whose CRC does not match', () => {
    const bad = chunk('tEXt', ascii('k\0v'));
    bad[bad.length - 1] ^= 0xff;
    expect(readPngTextChunks(tinyPng([bad, chunk('tEXt', ascii('ok\0yes'))]))).toEqual({ ok: 'yes' });
  });

  it('reads uncompressed iTXt as UTF-8 and skips zTXt and compressed iTXt', () => {
    const itxt = concat(ascii('u\0'), Uint8Array.of(0, 0), ascii('en\0\0'), new TextEncoder().encode('snow ☃'));
    const compressed = concat(ascii('c\0'), Uint8Array.of(1, 0), ascii('\0\0'), new Uint8Array(deflateSync('x')));
    const ztxt = concat(ascii('z\0'), Uint8Array.of(0), new Uint8Array(deflateSync('x')));
    const png = tinyPng([chunk('iTXt', itxt), chunk('iTXt', compressed), chunk('zTXt', ztxt)]);
    expect(readPngTextChunks(png)).toEqual({ u: 'snow ☃' });
  });
});

describe('readPngSize', () => {
  it('reads width and height from IHDR', () => {
    expect(readPngSize(tinyPng())).toEqual({ width: WIDTH, height: HEIGHT });
  });

  it('throws when IHDR is missing', () => {
    expect(() => readPngSize(SIGNATURE)).toThrow(/IHDR/);
  });
});
