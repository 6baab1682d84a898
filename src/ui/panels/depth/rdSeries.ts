// The series and the description of the Depth panel's rate–distortion chart, from each decomposition's steps.
// RQ and VQ fit their codebooks to the image, so a decoder needs the codebook as well as the codes: their main
// curve charges it (rate.codebookBpp: entries × patch dimension × 8 bits, amortised over the image's pixels) and a
// second curve, labelled "codes only", leaves it out (as for a codebook shared by many images). Steps whose
// codebook has at least as many entries as the image has patches are degenerate — the codebook is the patches,
// exact at any code rate — and are marked.
import { totalBpp, type DepthStep } from '../../../core/depth/views';
import type { Series } from '../../charts/lineChart';

/** The chart's caption while RQ or VQ is drawn: how their rate is counted. */
export const RD_CODEBOOK_CAPTION =
  'RQ and VQ rates include the codebook fitted to this image (entries × patch dimension × 8 bits, over the image’s pixels); the “codes only” curve leaves it out. Marked points are degenerate: the codebook has at least as many entries as there are patches.';

/** PSNR is drawn up to this (an exact reconstruction has PSNR ∞). */
export const RD_PSNR_CAP = 60;

export type RdStep = Pick<DepthStep, 'd' | 'psnr' | 'entropyBpp' | 'fixedBpp' | 'codebookBpp' | 'degenerate'>;
export interface RdCurve { id: string; label: string; steps: RdStep[] }

const y = (s: RdStep) => Math.min(s.psnr, RD_PSNR_CAP);

/** "2–4", "1, 3" or "2": the depths, runs of consecutive ones joined. */
function depthList(ds: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < ds.length; ) {
    let j = i;
    while (j + 1 < ds.length && ds[j + 1] === ds[j] + 1) j++;
    runs.push(j === i ? `${ds[i]}` : `${ds[i]}–${ds[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/** One series per decomposition on the entropy-coded rate; RQ / VQ get a codes-only curve and degenerate marks. */
export function rateDistortionSeries(curves: RdCurve[]): { series: Series[]; description: string } {
  const series: Series[] = [];
  const degenerate: string[] = [];
  for (const c of curves) {
    const coded = c.steps.some((s) => s.codebookBpp !== undefined);
    if (!coded) {
      series.push({ id: c.id, label: c.label, points: c.steps.map((s) => ({ x: s.entropyBpp, y: y(s) })) });
      continue;
    }
    series.push({ id: c.id, label: `${c.label}, codes + codebook`, points: c.steps.map((s) => ({ x: totalBpp(s), y: y(s) })) });
    series.push({ id: `${c.id}-codes`, label: `${c.label}, codes only`, points: c.steps.map((s) => ({ x: s.entropyBpp, y: y(s) })) });
    const bad = c.steps.filter((s) => s.degenerate);
    if (bad.length > 0) {
      series.push({ id: `${c.id}-degenerate`, label: `${c.label}: codebook ≥ patches`, points: bad.map((s) => ({ x: s.entropyBpp, y: y(s) })) });
      degenerate.push(`${c.label} at depth ${depthList(bad.map((s) => s.d))}`);
    }
  }
  const anyCoded = curves.some((c) => c.steps.some((s) => s.codebookBpp !== undefined));
  const description = [
    `PSNR (dB, capped at ${RD_PSNR_CAP} for exact reconstructions) against the entropy-coded rate in bits per pixel, one curve per decomposition; higher and further left is better.`,
    anyCoded
      ? 'RQ and VQ fit their codebooks to this image, so their rate counts the codebook too (entries × patch dimension × 8 bits, spread over the image’s pixels); the “codes only” curve leaves it out, as if the codebook were shared by many images.'
      : '',
    degenerate.length > 0
      ? `Marked, degenerate: ${degenerate.join('; ')} — the codebook has at least as many entries as the image has patches, so it is the patches themselves and the codes alone rebuild the image exactly.`
      : '',
  ].filter(Boolean).join(' ');
  return { series, description };
}
