// The loss of every training step taken in this session, as a line (bin means past LOSS_POINTS steps).
import { binMeans } from '../../core/patch/analysis';
import { lineChart } from './lineChart';

/** Past this many steps the curve shows bin means. */
export const LOSS_POINTS = 300;

export interface TrainingLossOptions {
  title: string;
  /** What each step's value is, opening the description ("Mean squared error of each training batch"). */
  measure: string;
  yLabel: string;
  /** The latest loss in the description. */
  format(loss: number): string;
  /** The y axis ticks (lineChart's default without it). */
  formatY?: (loss: number) => string;
  /** A sentence the description ends with (what the curve's start means for this model). */
  note?: string;
  doc?: Document;
}

export function trainingLossChart(losses: number[], opts: TrainingLossOptions): SVGSVGElement {
  const n = losses.length;
  return lineChart([{ id: 'loss', label: 'training loss', points: binMeans(losses, LOSS_POINTS), color: '#1f5fa8' }], {
    title: opts.title,
    description: `${opts.measure} over ${n} steps in this session${n > LOSS_POINTS ? ', averaged in bins' : ''}; latest ${opts.format(losses[n - 1])}.${opts.note ? ` ${opts.note}` : ''}`,
    xLabel: 'training step', yLabel: opts.yLabel, xDomain: [0, Math.max(1, n - 1)], formatY: opts.formatY, width: 420, height: 220,
  }, opts.doc);
}
