// Sample quality of a class-conditional denoiser, read by the digit classifier (docs/conventions.md, "Sample
// quality"): samples of every class through the app's one sampler (sampleImages: DDIM on the cosine schedule),
// with guidance everywhere, only at middle noise (EDM2's interval) or nowhere, on the same seeds; the share the
// classifier reads as their class; and FD-classifier, the Fréchet distance between the samples' and the
// held-out digits' penultimate-layer features.
import { GUIDANCE_PLACEMENTS, type GuidancePlacement } from '../../core/diffusion/kinds';
import { placedGuidance } from '../../core/diffusion/samplers';
import { featureStats, frechetDistance, type FeatureStats } from '../../core/frechet';
import type { DenoiserQuality, QualityRow, QualitySettings } from '../../protocol/denoiser';
import { classifierReadout, type Classifier } from './classifier';
import { firstOf, pixelsOfSet, toPixels, type ImageSet } from './data';
import type { Denoiser } from './denoiser';
import type { Parameterization } from './objective';
import { sampleImages, uniformLevels } from './sampling';

/** Samples drawn per sampler run: every run holds the classes in turn (sample i is of class i mod classes). */
export const QUALITY_BATCH = 100;

/** Where a measurement is: placement p (index), samples done in it, and overall progress in sampler steps. */
export interface QualityProgress {
  placement: GuidancePlacement;
  samples: number;
  done: number;
  total: number;
}

export interface QualityOptions {
  denoiser: Denoiser;
  parameterization: Parameterization;
  classifier: Classifier;
  /** The held-out digits' features (referenceFeatures). */
  reference: FeatureStats;
  settings: QualitySettings;
  placements?: readonly GuidancePlacement[];
  /** Runs each batch's sampler run (the worker holds the model's lock around it); by default runs it on `denoiser`. */
  batch?: (run: (model: Denoiser) => Promise<Float32Array>) => Promise<Float32Array>;
  /** Awaited before every sampler step: report progress, let a cancel in (throw to stop). */
  between?: (p: QualityProgress) => Promise<void>;
}

/** The classifier's features of a set of digits (pixels count × side², in [0, 1]) as moments, and its accuracy on their labels. */
export async function referenceFeatures(classifier: Classifier, pixels: Float32Array, labels: ArrayLike<number>): Promise<{ stats: FeatureStats; accuracy: number }> {
  const { label, features } = await classifierReadout(classifier, pixels);
  let right = 0;
  for (let i = 0; i < label.length; i++) if (label[i] === labels[i]) right++;
  return { stats: featureStats(features, classifier.config.hidden), accuracy: right / label.length };
}

/**
 * What a measurement compares with: the held-out digits' features, and the floor, FD-classifier of the held-out
 * digits against the first as many training digits (the same count, so the same finite-sample bias), with the
 * classifier's accuracy on the held-out digits.
 */
export async function qualityReference(classifier: Classifier, heldout: ImageSet, train: ImageSet): Promise<{ heldout: FeatureStats; floor: DenoiserQuality['floor'] }> {
  const all = (set: ImageSet) => pixelsOfSet(set, Int32Array.from({ length: set.count }, (_, i) => i));
  const part = firstOf(train, heldout.count);
  const real = await referenceFeatures(classifier, all(heldout), heldout.labels!);
  const fake = await referenceFeatures(classifier, all(part), part.labels!);
  return { heldout: real.stats, floor: { fd: frechetDistance(real.stats, fake.stats).distance, trainCount: part.count, classifierAccuracy: real.accuracy } };
}

/** Class accuracy and FD-classifier of the denoiser's samples at each guidance placement (same seeds for each). */
export async function sampleQuality(o: QualityOptions): Promise<QualityRow[]> {
  const { classes } = o.classifier.config;
  const { perClass, steps, guidance, seed } = o.settings;
  const placements = o.placements ?? GUIDANCE_PLACEMENTS;
  const count = perClass * classes;
  const batches = Math.ceil(count / QUALITY_BATCH);
  const levels = uniformLevels(steps);
  const size = o.denoiser.config.side ** 2 * o.denoiser.config.channels;
  const total = placements.length * batches * steps;
  const rows: QualityRow[] = [];
  for (const [p, placement] of placements.entries()) {
    const conditioning = placedGuidance(placement, guidance);
    const pixels = new Float32Array(count * size);
    const labels = Int32Array.from({ length: count }, (_, i) => i % classes);
    for (let b = 0; b < batches; b++) {
      const start = b * QUALITY_BATCH;
      const n = Math.min(QUALITY_BATCH, count - start);
      const run = (model: Denoiser) => sampleImages(model, o.parameterization, {
        sampler: 'ddim', levels, seed: seed + b, count: n, labels: labels.subarray(start, start + n), ...conditioning,
        between: async (k) => o.between?.({ placement, samples: start, done: (p * batches + b) * steps + k, total }),
      });
      const x = await (o.batch ? o.batch(run) : run(o.denoiser));
      pixels.set(toPixels(x), start * size);
    }
    const { label, features } = await classifierReadout(o.classifier, pixels);
    const hits = new Array<number>(classes).fill(0);
    for (let i = 0; i < count; i++) if (label[i] === labels[i]) hits[labels[i]]++;
    const fd = frechetDistance(featureStats(features, o.classifier.config.hidden), o.reference);
    rows.push({
      placement, guidance: conditioning.guidance, interval: conditioning.interval ?? null,
      accuracy: hits.reduce((a, h) => a + h, 0) / count, classAccuracy: hits.map((h) => h / perClass),
      fd: fd.distance, fdMean: fd.meanTerm, fdCov: fd.covTerm,
    });
  }
  await o.between?.({ placement: placements[placements.length - 1], samples: count, done: total, total });
  return rows;
}
