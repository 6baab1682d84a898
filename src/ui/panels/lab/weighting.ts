// Which weighting of the sub-task losses the alignment reads, when the user has not picked one.
import type { LabWeighting } from '../../../protocol/lab';

/**
 * The weighting chosen (by id), else the model's own training objective ('training'; for an RQ model its
 * objective, (a) 'full' or (b) 'summed', from its key), else the first; null when there is none.
 */
export function chosenWeighting(weightings: readonly LabWeighting[], id: string | null, model: string): LabWeighting | null {
  return weightings.find((w) => w.id === id)
    ?? weightings.find((w) => w.id === 'training')
    ?? weightings.find((w) => w.id === (model.startsWith('full') ? 'full' : 'summed'))
    ?? weightings[0] ?? null;
}
