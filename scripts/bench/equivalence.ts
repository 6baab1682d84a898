// npx tsx scripts/bench/equivalence.ts [--quick]
// The Equivalence lab's compute core on tfjs wasm in Node, in a fresh process as the core cases run: the
// gradient-cosine matrix of the shipped digit denoiser between K = 8 noise levels (λ at binCentres(8)) on the
// first 16 held-out digits with seeded ε. One warm-up matrix, then 5 timed (3 with --quick), each from the
// first gradient to the cosines read back. Prints the case (JSON BenchCase[]) on stdout, the matrix size on stderr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../tfjs-registrations';
import { seededNoise } from '../../src/core/diffusion/forward';
import { registerWasmTrainingKernels } from '../../src/models/wasmKernels';
import { binCentres, classRows, deserialize, disposeDenoiser, modelSpaceOfSet, paramCount, pixelsOf, readImageSet, type WeightsJson } from '../../src/models/diffusion';
import { denoiserNoiseCosines } from '../../src/models/equivalence/gradientCosines';
import type { BenchCase } from './run';
import { quantile } from './stats';

const BINS = 8;
const BATCH = 16;
const NOISE_SEED = 1;
const DIR = join(import.meta.dirname, '..', '..', 'public', 'models', 'diffusion');
const quick = process.argv.includes('--quick');
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

await tf.setBackend('wasm');
await tf.ready();
registerWasmTrainingKernels();
const json = JSON.parse(readFileSync(join(DIR, 'digits', 'model.json'), 'utf8')) as WeightsJson;
const model = deserialize('diffusion-denoiser', json, read(join('digits', 'weights.bin')).buffer);
const set = readImageSet(read('digits-heldout.bin'), 28, 1, read('digits-heldout-labels.bin'));
const d = pixelsOf(model.config);
const x0 = tf.tensor2d(modelSpaceOfSet(set, Int32Array.from({ length: BATCH }, (_, i) => i)), [BATCH, d]);
const eps = tf.tensor2d(seededNoise(BATCH * d, NOISE_SEED), [BATCH, d]);
const classes = classRows(set.labels!.subarray(0, BATCH), model.config.classes);
const lambdas = binCentres(BINS);
const matrix = () => denoiserNoiseCosines(model, x0, eps, classes, lambdas);

const first = await matrix();
process.stderr.write(`equivalence: ${first.k} × ${first.k} cosine matrix from ${first.k} gradients of ${paramCount(model.config).toLocaleString('en')} parameters each (${BATCH} digits)\n`);
const times: number[] = [];
for (let i = 0; i < (quick ? 3 : 5); i++) {
  const t = performance.now();
  await matrix();
  times.push(performance.now() - t);
}
tf.dispose([x0, eps, classes]);
disposeDenoiser(model);

const cases: BenchCase[] = [{
  name: `equivalence: gradient-cosine matrix (digit denoiser, ${BINS} noise bins, batch ${BATCH})`,
  backend: 'wasm (node)', size: null, n: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), unit: 'ms',
}];
process.stdout.write(JSON.stringify(cases));
