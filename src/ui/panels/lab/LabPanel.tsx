// The Equivalence lab: measures how much a decomposition's sub-tasks conflict, beginning with the noise levels
// of the shipped digit denoiser.
import { NoiseLevelsView } from './NoiseLevelsView';

export function LabPanel() {
  return (
    <section className="lab" aria-labelledby="lab-title" data-testid="panel-lab">
      <h2 id="lab-title">Equivalence lab</h2>
      <p className="explanation">
        A decomposition is good when its sub-tasks are alike and do not fight over the shared model. Here that is
        measured: the cosine between the gradients of the sub-tasks' losses (negative = conflict), computed in the model
        worker on a real model.
      </p>
      <NoiseLevelsView />
    </section>
  );
}
