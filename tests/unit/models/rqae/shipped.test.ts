// The shipped RQ auto-encoders in public/models/rqae, read from the real files (CI never trains): they load,
// reproduce the held-out numbers the training script recorded, and meet the quality floor.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { digitImages, readDigitFile } from '../../../../src/models/patchAR/data';
import { nonMonotoneFraction, psnrPerDepth } from '../../../../src/models/rqae/depthMetrics';
import { evaluateImages } from '../../../../src/models/rqae/evaluate';
import { dispose } from '../../../../src/models/rqae/model';
import { SHIPPED_MODELS } from '../../../../src/models/rqae/shipped';
import { loadFromUrl } from '../../../../src/models/rqae/weights';
import { useWasm } from './setup';

const DIR = fileURLToPath(new URL('../../../../public/models/rqae/', import.meta.url));
const DIGITS = fileURLToPath(new URL('../../../../public/models/patch-ar/digits-heldout.bin', import.meta.url));
const present = existsSync(`${DIR}metrics.json`);
const fileFetch = async (path: string) => new Response(readFileSync(path));
/** Recorded vs re-measured PSNR: the same weights and digits on the same backend; allow float reordering only. */
const PSNR_TOLERANCE_DB = 0.01;

type Recorded = { objective: string; depth: number; heldout: { psnrPerDepth: number[]; nonMonotoneFraction: number } };

describe.skipIf(!present)('shipped RQ auto-encoders', () => {
  const metrics = present ? (JSON.parse(readFileSync(`${DIR}metrics.json`, 'utf8')) as { models: Record<string, Recorded> }) : { models: {} };
  let images: Float32Array;
  beforeAll(async () => {
    await useWasm();
    const set = readDigitFile(readFileSync(DIGITS));
    images = digitImages(set, Int32Array.from({ length: set.count }, (_, i) => i));
  });

  it('ship every model, each under 1 MB', () => {
    for (const m of SHIPPED_MODELS) {
      // The contract other tools read: objective, depth, codebooks, the steps of the kept weights, PSNR per depth.
      expect(metrics.models[m.key]).toMatchObject({ objective: m.objective, depth: m.depth, config: { sharedCodebook: m.sharedCodebook }, training: { steps: expect.any(Number) } });
      expect(metrics.models[m.key].heldout.psnrPerDepth).toHaveLength(m.depth);
      expect(statSync(`${DIR}${m.key}/weights.bin`).size + statSync(`${DIR}${m.key}/model.json`).size).toBeLessThan(1e6);
    }
  });

  it.each(SHIPPED_MODELS.map((m) => m.key))('reproduce the recorded held-out PSNR per depth and non-monotone fraction (%s)', async (key) => {
    const { model } = await loadFromUrl(`${DIR}${key}/`, undefined, fileFetch);
    const { errors } = await evaluateImages(model, images);
    dispose(model);
    const recorded = metrics.models[key].heldout;
    const psnr = psnrPerDepth(errors);
    expect(psnr).toHaveLength(recorded.psnrPerDepth.length);
    psnr.forEach((p, d) => expect(Math.abs(p - recorded.psnrPerDepth[d])).toBeLessThan(PSNR_TOLERANCE_DB));
    // A digit whose error moves by float noise could flip; allow one digit of 500.
    expect(Math.abs(nonMonotoneFraction(errors) - recorded.nonMonotoneFraction)).toBeLessThanOrEqual(1 / 500 + 1e-9);
    if (key === 'summed-d8' || key === 'full-d8') expect(psnr[7]).toBeGreaterThanOrEqual(22); // the quality floor at D = 8
  }, 60_000);
});
