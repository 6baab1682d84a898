// What the patch transformer host reads of the shipped models (public/models/patch-ar/): the weights for an
// order, or why there are none, and the held-out curves their training recorded.
import type { OrderingSpec } from '../../core/patch/analysis';
import { DIGIT_CONFIG, loadFromUrl, type ModelJson, type PatchAR } from '../../models/patchAR';
import { errorMessage } from './hostHelpers';

const CONFIG = DIGIT_CONFIG;
/** The orderings scripts/train-patch-ar.ts ships weights for; others start fresh without asking the server. */
export const SHIPPED_KINDS = new Set(['raster', 'hilbert', 'random']);
export const NO_WEIGHTS = 'No pretrained weights for this order — train one here.';

/** metrics.json of the shipped models, as far as loading reads it. */
type ShippedMetrics = {
  data: { heldout: number };
  orders: Record<string, { heldout: { perStep: number[] }; baselinePerStep?: Record<'copy' | 'mean' | 'linear', number[]> }>;
};

export const sameCells = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
export const fitsDigits = (json: ModelJson) =>
  json.config.rows === CONFIG.rows && json.config.cols === CONFIG.cols && json.config.patch === CONFIG.patch && json.config.channels === CONFIG.channels;

/** The shipped patch models, downloaded through `fetchFn`. */
export function shippedPatchModels(fetchFn: (url: string) => Promise<Response>) {
  /**
   * The shipped models' recorded held-out curves, the model's and the simple predictors': a shipped model needs no
   * evaluation at load (null: none recorded).
   */
  let metrics: Promise<ShippedMetrics | null> | null = null;
  const shippedMetrics = (baseUrl: string) => {
    metrics ??= fetchFn(`${baseUrl}models/patch-ar/metrics.json`)
      .then((r) => (r.ok ? (r.json() as Promise<ShippedMetrics>) : null))
      .catch(() => null);
    return metrics;
  };

  /** The shipped weights for an order, or why there are none (a missing file, another random seed). */
  async function shipped(spec: OrderingSpec, order: Int32Array, baseUrl: string, onBytes: (loaded: number, total: number | null) => void): Promise<{ model: PatchAR; json: ModelJson } | { note: string }> {
    if (!SHIPPED_KINDS.has(spec.kind)) return { note: NO_WEIGHTS };
    const dir = `${baseUrl}models/patch-ar/${spec.kind}/`;
    const response = await fetchFn(`${dir}model.json`);
    if (!response.ok) return { note: NO_WEIGHTS };
    let json: ModelJson;
    try {
      json = (await response.json()) as ModelJson;
    } catch {
      return { note: NO_WEIGHTS }; // a server's fallback page instead of a model file
    }
    if (json?.format !== 'patch-ar' || !fitsDigits(json)) return { note: NO_WEIGHTS };
    if (!sameCells(json.meta.order.cells, order)) {
      const seed = json.meta.order.seed;
      return {
        note: spec.kind === 'random' && seed !== undefined
          ? `No pretrained weights for this order — the shipped random-order model was trained for seed ${seed}: set the seed to ${seed} to use it, or train one here.`
          : NO_WEIGHTS,
      };
    }
    try {
      return await loadFromUrl(
        dir,
        onBytes,
        // model.json is already here; only the weights travel.
        (url) => (url === `${dir}model.json` ? Promise.resolve(new Response(JSON.stringify(json))) : fetchFn(url)),
      );
    } catch (e) {
      throw new Error(`the shipped weights for ${spec.kind} could not be read: ${errorMessage(e)}`);
    }
  }

  return { shippedMetrics, shipped };
}
