// The denoisers' shipped data (public/models/diffusion/): which image sets each model learns from and is measured
// on, the sets themselves (with labels for digits) and the numbers the training script recorded (metrics.json).
import { DIGIT_DENOISER, DIGIT_UNET, firstOf, PATCH_DENOISER, readImageSet, type DenoiserConfig, type ImageSet } from '../../models/diffusion';
import type { DenoiserId, DenoiserTarget } from '../../protocol/denoiser';

/** What a denoiser learns from and is measured on: its shape, its held-out and training sets (labelled for digits), what they hold. */
export type Spec = { config: DenoiserConfig; heldout: string; labels: boolean; train: string; noun: string };

export const SPECS: Record<DenoiserId, Spec> = {
  'digits-unet': { config: DIGIT_UNET, heldout: 'digits-heldout', labels: true, train: 'digits-train', noun: 'digits' },
  digits: { config: DIGIT_DENOISER, heldout: 'digits-heldout', labels: true, train: 'digits-train', noun: 'digits' },
  'digits-early': { config: DIGIT_DENOISER, heldout: 'digits-heldout', labels: true, train: 'digits-train', noun: 'digits' },
  patches: { config: PATCH_DENOISER, heldout: 'patches-heldout', labels: false, train: 'patches-train', noun: 'patches' },
};

/** A held-out loss profile as the training script records it: `images` held-out examples, ε from `seed`, ε-MSE per λ bin. */
export type RecordedProfile = { images: number; seed: number; lambda: number[]; loss: number[] };

/** metrics.json of the shipped models, as far as loading reads it. */
export type ShippedMetrics = { classifier?: { heldoutAccuracy: number; heldout: number } } & Partial<Record<string, { heldout?: RecordedProfile }>>;

/** Each denoiser's entry in metrics.json. */
export const METRICS_KEY: Record<DenoiserId, string> = { digits: 'digits', 'digits-early': 'digitsEarly', 'digits-unet': 'digitsUnet', patches: 'patches' };

/** The spec of the target's denoiser, or an error naming an unknown one. */
export function checkModel(target: DenoiserTarget): Spec {
  const spec = SPECS[target.model];
  if (!spec) throw new Error(`unknown denoiser '${String(target.model)}'`);
  return spec;
}

/** The shipped image sets and recorded numbers, downloaded through `fetchFn` once per host; held-out sets cut to `heldoutLimit`. */
export function denoiserData(fetchFn: (url: string) => Promise<Response>, heldoutLimit?: number) {
  const sets = new Map<string, Promise<ImageSet>>();

  async function fetchBytes(url: string): Promise<ArrayBuffer> {
    const response = await fetchFn(url);
    if (!response.ok) throw new Error(`could not download ${url} (HTTP ${response.status})`);
    return response.arrayBuffer();
  }

  /** A shipped image set (held-out or training), with labels for digits; cached, retried after a failure. */
  function imageSet(baseUrl: string, spec: Spec, name: string): Promise<ImageSet> {
    const key = `${baseUrl}|${name}`;
    let hit = sets.get(key);
    if (!hit) {
      const dir = `${baseUrl}models/diffusion/`;
      const { side, channels } = spec.config;
      hit = Promise.all([fetchBytes(`${dir}${name}.bin`), spec.labels ? fetchBytes(`${dir}${name}-labels.bin`) : Promise.resolve(undefined)])
        .then(([pixels, labels]) => readImageSet(pixels, side, channels, labels));
      sets.set(key, hit);
      hit.catch(() => sets.delete(key));
    }
    return hit;
  }

  async function heldout(baseUrl: string, spec: Spec): Promise<ImageSet> {
    const set = await imageSet(baseUrl, spec, spec.heldout);
    return firstOf(set, heldoutLimit ?? set.count);
  }

  /** The shipped models' recorded held-out numbers: shipped weights need no evaluation at load (null: none recorded). */
  let metrics: Promise<ShippedMetrics | null> | null = null;
  const shippedMetrics = (baseUrl: string) => {
    metrics ??= fetchFn(`${baseUrl}models/diffusion/metrics.json`)
      .then((r) => (r.ok ? (r.json() as Promise<ShippedMetrics>) : null))
      .catch(() => null);
    return metrics;
  };

  return { imageSet, heldout, shippedMetrics };
}
