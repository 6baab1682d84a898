// npx tsx scripts/bench/patch-ar-step.ts [--steps 30] [--batch 32] [--profile]
// Training speed of the digit patch transformer (2 layers, 64 wide, 28×28 digits in 4-px patches) on tfjs wasm in
// Node, the backend the app trains on: steps/s over seeded random batches, and with --profile the kernels that
// take the time in one step (tf.profile). Node + wasm and Chromium + wasm agree within about 10 %.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../tfjs-registrations';
import { createPatchAR, DIGIT_CONFIG, dispose, loss, patchDim, sequenceLength } from '../../src/models/patchAR/model';
import { createTrainer } from '../../src/models/patchAR/train';
import { patchOrder } from '../../src/core/orderings';
import { mulberry32 } from '../../src/core/random';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const steps = opt('steps', 30);
const batch = opt('batch', 32);

await tf.setBackend('wasm');
await tf.ready();
const c = DIGIT_CONFIG;
const n = sequenceLength(c);
const dim = patchDim(c);
const order = patchOrder('raster', c.rows, c.cols);
const rand = mulberry32(1);
const source = (b: number) => Float32Array.from({ length: b * n * dim }, () => (rand() < 0.2 ? rand() : 0));
const model = createPatchAR(c, 0);
const trainer = createTrainer(model, { order, source, batchSize: batch });
for (let i = 0; i < 5; i++) await trainer.step(); // warm-up: kernels and optimizer slots
const before = tf.memory().numTensors;
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t = performance.now();
  await trainer.step();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const p50 = times[Math.floor(times.length / 2)];
console.log(`wasm, batch ${batch}: ${steps} steps, median ${p50.toFixed(1)} ms = ${(1000 / p50).toFixed(2)} steps/s (fastest ${times[0].toFixed(1)} ms); tensors ${before} → ${tf.memory().numTensors}`);

if (argv.includes('--profile')) {
  const data = source(batch);
  const tokens = tf.tensor3d(data, [batch, n, dim]);
  const info = await tf.profile(() => {
    const l = trainer.optimizer.minimize(() => loss(model, tokens, order), true, Object.values(model.params));
    l?.dataSync();
    l?.dispose();
  });
  const byKernel = new Map<string, { ms: number; count: number }>();
  for (const k of info.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, count: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.count++;
    byKernel.set(k.name, e);
  }
  for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`${e.ms.toFixed(1).padStart(8)} ms  ${String(e.count).padStart(4)}×  ${name}`);
  tokens.dispose();
}
trainer.dispose();
dispose(model);
