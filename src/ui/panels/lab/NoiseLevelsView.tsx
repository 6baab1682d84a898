// The lab's noise-level view: K bins of λ of the digit or natural-patch denoiser.
import { LabView } from './LabView';
import { NOISE_VIEW } from './labViews';

export function NoiseLevelsView() {
  return <LabView spec={NOISE_VIEW} />;
}
