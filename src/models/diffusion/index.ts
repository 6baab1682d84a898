// The diffusion panel's models: denoisers, the digit classifier, their objective, sampling and weights.
export * from './denoiser';
export * from './classifier';
export * from './data';
export * from './objective';
export * from './train';
export * from './evaluate';
export * from './sampling';
export * from './weights';
export { scheduleLevels } from '../../core/diffusion/samplers';

import { scheduleLevels } from '../../core/diffusion/samplers';
import type { NoiseLevel } from '../../core/diffusion/samplers';

/** `steps` + 1 sampler levels on the cosine schedule, leading spacing (what the script and tests sample with). */
export function uniformLevels(steps: number): NoiseLevel[] {
  return scheduleLevels('cosine', steps, {}, 'leading');
}
