// The lab's depth view: the D partial reconstructions of a shipped RQ auto-encoder.
import { LabView } from './LabView';
import { DEPTH_VIEW } from './labViews';

export function DepthsView() {
  return <LabView spec={DEPTH_VIEW} />;
}
