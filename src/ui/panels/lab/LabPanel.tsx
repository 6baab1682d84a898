// The Equivalence lab: how much a decomposition's sub-tasks conflict, measured on real models in the model worker,
// for every decomposition of the page — noise levels, patch steps and depths — and a table comparing every
// measurement made.
import { ComparisonTable } from './ComparisonTable';
import { DepthsView } from './DepthsView';
import { NoiseLevelsView } from './NoiseLevelsView';
import { PatchStepsView } from './PatchStepsView';

export function LabPanel() {
  return (
    <section className="lab" aria-labelledby="lab-title" data-testid="panel-lab">
      <h2 id="lab-title">Equivalence lab</h2>
      <p className="explanation">
        A decomposition is good when its sub-tasks are alike and do not fight over the shared model. Each view measures
        that on a real model: the cosine between the gradients of the sub-tasks' losses taken on disjoint halves of
        every batch (negative = conflict), against a control (random parts of the whole objective, which are
        equivalent by construction), each sub-task's alignment with the update, and the transfer of a few training
        steps on one sub-task to the others.
      </p>
      <div className="lab-views">
        <NoiseLevelsView />
        <PatchStepsView />
        <DepthsView />
      </div>
      <ComparisonTable />
    </section>
  );
}
