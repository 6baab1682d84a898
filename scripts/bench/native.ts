// The native reference: the same core computations in numpy, timed in the same run, when python3 with numpy
// is present. Returns median milliseconds per case (null when numpy is unavailable).
import { spawnSync } from 'node:child_process';

const SCRIPT = String.raw`
import json, time, sys
import numpy as np
rng = np.random.default_rng(0)
out = {}
def timeit(f, reps=15):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1000)
    return float(np.median(ts))
for n in (128, 256, 512):
    v = rng.random((n, n, 3), dtype=np.float32)
    def topbits():
        u = np.clip(np.rint(v * 255), 0, 255).astype(np.uint8)
        return ((u & 0xF0).astype(np.float32) + 7.5) / 255
    out[f'keepTopBits@{n}'] = timeit(topbits)
    def analyze():
        # The same work as core analyzeBitplanes: 8 top-k reconstructions with their PSNR, and plane counts.
        u = np.clip(np.rint(v * 255), 0, 255).astype(np.uint8)
        res = []
        for k in range(1, 9):
            drop = 8 - k
            rec = (((u >> drop) << drop).astype(np.float32) + (2 ** drop - 1) / 2) / 255
            res.append((10 * np.log10(1 / max(float(((rec - v) ** 2).mean()), 1e-30)), ((u >> drop) & 1).mean()))
        return res
    out[f'analyzeBitplanes@{n}'] = timeit(analyze)
json.dump(out, sys.stdout)
`;

export type NativeTimes = Record<string, number> | null;

export function numpyReference(): NativeTimes {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', SCRIPT], { encoding: 'utf8' });
    if (r.status === 0) return JSON.parse(r.stdout) as Record<string, number>;
  }
  console.warn('numpy not available: no native reference column');
  return null;
}
