// The shipped digit models (public/models/rqae/<key>/): objectives (b) and (a) at D = 4, 8, 16 with a shared
// codebook, and the pair (b), (a) at D = 8 with one codebook per depth. The list lives in the tfjs-free
// worker protocol, so the UI can offer the same models.
import { RQAE_MODELS, RQAE_SHIPPED_MODELS, type RqaeObjective, type RqaeShippedModel } from '../../protocol/rqaeModel';

export type { RqaeObjective };
export type ShippedModel = RqaeShippedModel;
export const SHIPPED_MODELS = RQAE_SHIPPED_MODELS;
/** Every model the training script can make (the shipped ones and those still to be trained). */
export const TRAINABLE_MODELS = RQAE_MODELS;

export function shippedModel(key: string): ShippedModel | undefined {
  return SHIPPED_MODELS.find((m) => m.key === key);
}
