import { useState } from 'react';
import { DEPTH_KINDS } from '../../../core/depth/kinds';
import type { DepthViewKind } from '../../../state/depthSlice';
import { appStore, useStore } from '../../../state/store';
import { Panel } from '../Panel';
import { BitplaneView } from './BitplaneView';
import { LearnedRQSection } from './LearnedRQSection';
import { RateDistortion } from './RateDistortion';
import { StepsView, type ViewCurves } from './StepsView';
import { SelectField } from '../../components/SelectField';

const VIEW_LABELS: Record<DepthViewKind, string> = {
  bitplanes: 'Bit-planes (most significant first)',
  'bit-order': 'Bit-planes in another order (LSB-first, interleaved)',
  channels: 'Colour channels',
  scales: 'Coarse-to-fine scales (VAR)',
  'dct-block': 'Frequencies: 8×8 block DCT',
  'dct-whole': 'Frequencies: whole-image DCT',
  rq: 'Residual quantization (RQ)',
  vq: 'Plain VQ (one-shot, for comparison)',
};

export function DepthPanel() {
  const view = useStore((s) => s.depth.view);
  // The steps view's curves, shared with the rate–distortion chart (one fit of a costly decomposition, not two).
  const [curves, setCurves] = useState<ViewCurves | null>(null);
  return (
    <Panel
      id="depth"
      title="Depth"
      explanation={
        <>
          Depth decompositions rebuild the same pixels in successive refinements: colour channels, the bits of each
          value, residual codes (quantize, then quantize what is left), coarse-to-fine scales, frequency bands. Each
          step is a sub-task — predict the next refinement. Early steps add a lot and carry structure; late steps add
          little and look like noise, so the sub-tasks are not alike.
        </>
      }
    >
      <div className="field">
        <SelectField label="Decomposition" value={view} choices={DEPTH_KINDS} format={(v) => VIEW_LABELS[v]} testId="depth-view-select" onChange={(v) => appStore.getState().setDepth({ view: v })} />
      </div>
      {view === 'bitplanes' ? <BitplaneView /> : <StepsView onCurves={setCurves} />}
      <RateDistortion viewCurves={curves} />
      <LearnedRQSection />
    </Panel>
  );
}
