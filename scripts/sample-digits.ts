// Samples digits from a shipped class-conditional denoiser, through the page's sampler and schedule:
//   npm run sample:digits -- --model unet|mlp --class C --n N --steps S --guidance W --seed SEED --out FILE
// writes N × 784 unsigned bytes (row-major 28 × 28, 0 = black, 255 = white, no header): S-step DDIM (η = 0)
// on the panel's default schedule (the levels its Sample button sends to the worker), classifier-free guidance
// W at every noise level, class C. Images are sampled in batches of BATCH, batch k from seed SEED + k (so up
// to BATCH images are exactly what the page draws for the same seed). Exits with status 2 and a message on a
// bad argument.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations';
import { binCentres, deserialize, sampleImages, toPixels, type WeightsJson } from '../src/models/diffusion';
import { diffusionDefaults } from '../src/state/diffusionSlice';
import { panelSamplerLevels } from '../src/ui/panels/diffusion/denoiserData';
import { MODELS, parseArgs, USAGE, type SampleArgs } from './sample-digits-args';

const BATCH = 50;

async function main(): Promise<void> {
  let args: SampleArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`sample:digits: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  await tf.setBackend('wasm');
  await tf.ready();
  const dir = join(import.meta.dirname, '..', 'public', 'models', 'diffusion', MODELS[args.model]);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as WeightsJson<'diffusion-denoiser'>;
  const model = deserialize('diffusion-denoiser', json, new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer);
  // The worker's status carries the model's loss-profile bins (binCentres); the page starts sampling at their low edge.
  const levels = panelSamplerLevels(diffusionDefaults, args.steps, { lambda: binCentres() });
  const bytes = new Uint8Array(args.n * 784);
  for (let k = 0; k * BATCH < args.n; k++) {
    const count = Math.min(BATCH, args.n - k * BATCH);
    const x = await sampleImages(model, json.meta.parameterization ?? 'eps', {
      sampler: 'ddim', levels, seed: args.seed + k, count, labels: new Array<number>(count).fill(args.label), guidance: args.guidance,
    });
    const pixels = toPixels(x);
    for (let i = 0; i < pixels.length; i++) bytes[k * BATCH * 784 + i] = Math.round(255 * pixels[i]);
  }
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(`wrote ${args.n} digit${args.n === 1 ? '' : 's'} of class ${args.label} (${args.model}, ${levels.length - 1} DDIM steps, guidance ${args.guidance}, seed ${args.seed}) to ${out}`);
}

await main();
