import { Panel } from '../Panel';
import { BitplaneView } from './BitplaneView';

export function DepthPanel() {
  return (
    <Panel
      id="depth"
      title="Depth"
      explanation={
        <>
          Depth decompositions rebuild the same pixels in successive refinements. Here each 8-bit colour value is
          split into its eight bits: the first step predicts the most significant bit of every value (a coarse,
          posterized picture), each later step adds the next bit. Early steps add a lot of quality and carry
          structure; late steps add little and look like noise — the sub-tasks are not alike.
        </>
      }
    >
      <BitplaneView />
    </Panel>
  );
}
