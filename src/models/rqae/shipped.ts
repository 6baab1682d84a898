// The shipped digit models (public/models/rqae/<key>/): objective (b) at D = 4, 8, 16 and (a) at D = 8. The list
// lives in the tfjs-free worker protocol, so the UI can offer the same models.
import { RQAE_SHIPPED_MODELS, type RqaeObjective, type RqaeShippedModel } from '../../protocol/rqaeModel';

export type { RqaeObjective };
export type ShippedModel = RqaeShippedModel;
export const SHIPPED_MODELS = RQAE_SHIPPED_MODELS;

export function shippedModel(key: string): ShippedModel | undefined {
  return SHIPPED_MODELS.find((m) => m.key === key);
}
