// Sample quality of a shipped class-conditional digit denoiser, measured as the panel's "Sample quality" section
// measures it (src/models/diffusion/quality.ts; docs/conventions.md, "Sample quality"): class accuracy and
// FD-classifier for guidance everywhere, only at middle noise (EDM2) and nowhere, and the floor (the held-out
// digits against the first 1000 training digits). On tfjs's wasm backend in Node; seeded.
// Run:  npm run measure:quality -- --model digits [--per-class 100] [--steps 20] [--guidance 2] [--seed 1] [--json FILE]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations';
import { PARAMETERIZATIONS } from '../src/core/diffusion/kinds';
import { checkQualitySettings, QUALITY_DEFAULTS, type QualitySettings } from '../src/protocol/denoiser';
import { deserialize, disposeClassifier, disposeDenoiser, qualityReference, readImageSet, sampleQuality, type Parameterization, type WeightsJson } from '../src/models/diffusion';
import { arg } from './mnist';

const DIR = join(import.meta.dirname, '..', 'public', 'models', 'diffusion');
const read = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const model = arg('model') ?? 'digits';
if (!/^[a-z0-9-]+$/.test(model) || !existsSync(join(DIR, model, 'model.json'))) fail(`--model: no shipped denoiser '${model}' in public/models/diffusion/`);
const number = (name: string, fallback: number) => {
  const v = arg(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) fail(`--${name}: not a number: ${v}`);
  return n;
};
const settings: QualitySettings = {
  perClass: number('per-class', QUALITY_DEFAULTS.perClass), steps: number('steps', QUALITY_DEFAULTS.steps),
  guidance: number('guidance', QUALITY_DEFAULTS.guidance), seed: number('seed', QUALITY_DEFAULTS.seed),
};
try {
  checkQualitySettings(settings);
} catch (e) {
  fail((e as Error).message);
}

await tf.setBackend('wasm');
await tf.ready();
const json = JSON.parse(readFileSync(join(DIR, model, 'model.json'), 'utf8')) as WeightsJson<'diffusion-denoiser'>;
const denoiser = deserialize('diffusion-denoiser', json, read(`${model}/weights.bin`).buffer);
if (!(denoiser.config.classes > 0 && denoiser.config.side === 28 && denoiser.config.channels === 1)) fail(`--model: '${model}' is not a class-conditional digit denoiser`);
const parameterization = (PARAMETERIZATIONS as readonly unknown[]).includes(json.meta.parameterization) ? json.meta.parameterization as Parameterization : 'eps';
const classifier = deserialize('digit-classifier', JSON.parse(readFileSync(join(DIR, 'classifier', 'model.json'), 'utf8')) as WeightsJson, read('classifier/weights.bin').buffer);
const heldout = readImageSet(read('digits-heldout.bin'), 28, 1, read('digits-heldout-labels.bin'));
const train = readImageSet(read('digits-train.bin'), 28, 1, read('digits-train-labels.bin'));

const t0 = performance.now();
const { heldout: reference, floor } = await qualityReference(classifier, heldout, train);
let last = 0;
const rows = await sampleQuality({
  denoiser, parameterization, classifier, reference, settings,
  between: async (p) => {
    const pct = Math.floor((100 * p.done) / p.total);
    if (pct >= last + 10) {
      last = pct;
      console.error(`${pct} % (${p.placement}), ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  },
});
const seconds = (performance.now() - t0) / 1000;

const samples = settings.perClass * classifier.config.classes;
console.log(`${model} (${parameterization}): ${samples} samples per row (${settings.perClass} per class), ${settings.steps}-step DDIM, cosine schedule, w = ${settings.guidance}, seed ${settings.seed}; FD-classifier against ${heldout.count} held-out digits in ${classifier.config.hidden} classifier features`);
console.log('guidance     accuracy  FD-classifier  (mean term + covariance term)');
for (const r of rows) console.log(`${r.placement.padEnd(12)} ${(100 * r.accuracy).toFixed(1).padStart(6)} %  ${r.fd.toFixed(3).padStart(13)}  (${r.fdMean.toFixed(3)} + ${r.fdCov.toFixed(3)})`);
console.log(`floor: held-out vs the first ${floor.trainCount} training digits: FD-classifier ${floor.fd.toFixed(3)}; classifier accuracy on held-out ${(100 * floor.classifierAccuracy).toFixed(1)} %`);
console.log(`${seconds.toFixed(1)} s on ${tf.getBackend()}`);
const out = arg('json');
if (out) writeFileSync(out, JSON.stringify({ model, parameterization, settings, samples, heldoutCount: heldout.count, rows, floor, seconds }, null, 1) + '\n');
disposeDenoiser(denoiser);
disposeClassifier(classifier);
