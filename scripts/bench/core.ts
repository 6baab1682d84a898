// Core math timed in Node on the same kind of arrays as the numpy reference.
import { analyzeBitplanes, keepTopBits } from '../../src/core/depth/bitplanes';
import { createImage } from '../../src/core/image';
import { mulberry32 } from '../../src/core/random';
import type { BenchCase } from './run';
import type { NativeTimes } from './native';

function timeIt(f: () => unknown, reps = 15): number[] {
  f();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

export function coreCases(native: NativeTimes): BenchCase[] {
  const out: BenchCase[] = [];
  for (const n of [128, 256, 512]) {
    const img = createImage(n, n);
    const r = mulberry32(0);
    for (let i = 0; i < img.data.length; i++) img.data[i] = r();
    const cases: [string, string, () => unknown][] = [
      ['core: keepTopBits (4 bits)', `keepTopBits@${n}`, () => keepTopBits(img, 4)],
      ['core: analyzeBitplanes (8 reconstructions + counts)', `analyzeBitplanes@${n}`, () => analyzeBitplanes(img)],
    ];
    for (const [name, key, f] of cases) {
      const ts = timeIt(f);
      const ref = native?.[key];
      const p50 = median(ts);
      out.push({
        name, backend: 'node', size: n, n: ts.length, p50, p95: p95(ts), unit: 'ms',
        reference: ref === undefined ? undefined : { what: `numpy ${key.split('@')[0]}`, p50: ref, ratio: p50 / ref },
      });
    }
  }
  return out;
}
