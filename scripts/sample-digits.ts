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

const MODELS = { unet: 'digits-unet', mlp: 'digits' } as const;
const BATCH = 50;
const USAGE = 'usage: npm run sample:digits -- --model unet|mlp --class C --n N --steps S --guidance W --seed SEED --out FILE';

export type SampleArgs = { model: keyof typeof MODELS; label: number; n: number; steps: number; guidance: number; seed: number; out: string };

/** The options, checked; throws an Error whose message says which one is wrong and why. */
export function parseArgs(argv: readonly string[]): SampleArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!name.startsWith('--')) throw new Error(`unexpected argument "${name}"`);
    const value = argv[i + 1];
    if (value === undefined || (value.startsWith('--') && !/^--?\d/.test(value))) throw new Error(`${name} needs a value`);
    values.set(name.slice(2), value);
    i++;
  }
  const known = ['model', 'class', 'n', 'steps', 'guidance', 'seed', 'out'];
  for (const k of values.keys()) if (!known.includes(k)) throw new Error(`unknown option --${k}`);
  const need = (k: string) => {
    const v = values.get(k);
    if (v === undefined || v === '') throw new Error(`--${k} is missing`);
    return v;
  };
  const integer = (k: string, min: number, max: number, what: string) => {
    const raw = need(k);
    const v = Number(raw);
    if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) throw new Error(`--${k} must be ${what}, got "${raw}"`);
    return v;
  };
  const model = need('model');
  if (!(model in MODELS)) throw new Error(`--model must be unet or mlp, got "${model}"`);
  const rawGuidance = need('guidance');
  const guidance = Number(rawGuidance);
  if (rawGuidance.trim() === '' || !Number.isFinite(guidance)) throw new Error(`--guidance must be a finite number, got "${rawGuidance}"`);
  return {
    model: model as keyof typeof MODELS,
    label: integer('class', 0, 9, 'a digit class 0–9'),
    n: integer('n', 1, 100000, 'a positive whole number (≤ 100000)'),
    steps: integer('steps', 1, 1000, 'a whole number of steps from 1 to 1000'),
    guidance,
    seed: integer('seed', 0, 2 ** 31 - 1, `a whole number from 0 to ${2 ** 31 - 1}`),
    out: need('out'),
  };
}

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

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
