// The lab's patch-step view: groups of generation steps of a patch transformer.
import { LabView } from './LabView';
import { PATCH_VIEW } from './labViews';

export function PatchStepsView() {
  return <LabView spec={PATCH_VIEW} />;
}
