// npx tsx scripts/bench/denoiser-node.ts [digits-unet|digits|patches] [--profile]
// A shipped denoiser's 10-step guided DDIM sample of one digit (class 3, w = 2, the panel's default schedule) in
// Node on wasm, through the page's sampler: 3 warm-up samples, then the p50 and minimum of 15. With --profile, the
// tfjs kernels of one more sample by total time. A diagnosis aid beside the bench's in-worker case (only.ts
// denoiser), which includes the worker's messaging and shares the machine with the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../tfjs-registrations';
import { binCentres, deserialize, sampleImages, type WeightsJson } from '../../src/models/diffusion';
import { registerWasmTrainingKernels } from '../../src/models/wasmKernels';
import { diffusionDefaults } from '../../src/state/diffusionSlice';
import { panelSamplerLevels } from '../../src/ui/panels/diffusion/denoiserData';

const name = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'digits-unet';
await tf.setBackend('wasm');
await tf.ready();
registerWasmTrainingKernels();
const dir = join(import.meta.dirname, '..', '..', 'public', 'models', 'diffusion', name);
const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as WeightsJson<'diffusion-denoiser'>;
const model = deserialize('diffusion-denoiser', json, new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer);
const levels = panelSamplerLevels(diffusionDefaults, 10, { lambda: binCentres() });
const labels = model.config.classes > 0 ? [3] : undefined;
const run = () => sampleImages(model, 'eps', { sampler: 'ddim', levels, seed: 1, count: 1, labels, guidance: labels ? 2 : 1 });
for (let i = 0; i < 3; i++) await run();
const times: number[] = [];
for (let i = 0; i < 15; i++) {
  const t = performance.now();
  await run();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`${name}: ${levels.length - 1}-step DDIM sample, p50 ${times[7].toFixed(1)} ms, min ${times[0].toFixed(1)} ms (15 samples)`);
if (process.argv.includes('--profile')) {
  const info = await tf.profile(run);
  const by = new Map<string, [number, number]>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? [0, 0];
    e[0] += k.kernelTimeMs as number;
    e[1]++;
    by.set(k.name, e);
  }
  for (const [kernel, [ms, count]] of [...by].sort((a, b) => b[1][0] - a[1][0]).slice(0, 15)) console.log(`${kernel}: ${ms.toFixed(1)} ms in ${count} calls`);
  console.log(`${info.kernels.length} kernels in all`);
}
