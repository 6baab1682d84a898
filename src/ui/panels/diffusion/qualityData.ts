// The sample-quality table of the Diffusion panel: one row per guidance placement and the floor, as shown and as
// CSV (docs/conventions.md, "Sample quality").
import type { GuidancePlacement } from '../../../core/diffusion/kinds';
import { EDM2_INTERVAL } from '../../../core/diffusion/samplers';
import type { DenoiserQuality } from '../../../protocol';
import type { CsvTable } from '../../export/csv';

export const PLACEMENT_LABELS: Record<GuidancePlacement, string> = {
  everywhere: 'Everywhere',
  middle: `Middle noise only (EDM2: σ ${EDM2_INTERVAL[0]}–${EDM2_INTERVAL[1]})`,
  nowhere: 'Nowhere (w = 1)',
};

export interface QualityTableRow {
  id: GuidancePlacement | 'floor';
  label: string;
  /** Share read as the class asked for, 0–1 (the floor row: the classifier's accuracy on held-out digits). */
  accuracy: number;
  fd: number;
}

export function qualityRows(q: DenoiserQuality): QualityTableRow[] {
  return [
    ...q.rows.map((r) => ({ id: r.placement, label: PLACEMENT_LABELS[r.placement], accuracy: r.accuracy, fd: r.fd })),
    { id: 'floor' as const, label: `Floor: held-out vs ${q.floor.trainCount.toLocaleString('en')} training digits`, accuracy: q.floor.classifierAccuracy, fd: q.floor.fd },
  ];
}

/** What was measured, in words (the table's caption and the CSV's settings columns). */
export function qualityWhat(q: DenoiserQuality): string {
  const { perClass, steps, guidance, seed } = q.settings;
  return `${q.samples.toLocaleString('en')} samples per row (${perClass} per class), ${steps} DDIM steps on the cosine schedule, guidance w = ${guidance}, seeds from ${seed}; FD-classifier against ${q.heldoutCount.toLocaleString('en')} held-out digits`;
}

export function qualityCsv(q: DenoiserQuality): CsvTable {
  const { perClass, steps, guidance, seed } = q.settings;
  return {
    header: ['row', 'class accuracy (%)', 'FD-classifier (feature units²)', 'model', 'samples per class', 'DDIM steps', 'guidance w', 'seed', 'held-out digits'],
    rows: qualityRows(q).map((r) => [r.label, 100 * r.accuracy, r.fd, q.model, perClass, steps, guidance, seed, q.heldoutCount]),
  };
}
