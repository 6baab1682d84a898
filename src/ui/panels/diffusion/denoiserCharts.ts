// Charts and tiled pictures of the Diffusion panel's denoiser: its held-out loss over λ (the sub-task difficulty
// profile) with the current t and the guidance interval on it, its training loss, and a captioned tile
// drawing (samples with their predicted class, the strip of x̂0 along one sampling run) for export.
import { toRgba, type RgbImage } from '../../../core/image';
import { CANVAS_TITLE_H, drawCanvasTitle, prepareCanvas } from '../../charts/canvas';
import { lineChart } from '../../charts/lineChart';
import { trainingLossChart as sessionLossChart } from '../../charts/trainingLossChart';
import { fmtNum } from './diffusionData';

export interface LossProfileOptions {
  /** λ of the panel's t (drawn as the highlighted point nearest to it), or null. */
  currentLambda: number | null;
  /** The guidance interval on σ_EDM (0 and ∞ for open ends), or null when guidance is off. */
  interval: [number, number] | null;
  what: string;
  doc?: Document;
}

/** The λ range where σ_EDM = e^{−λ/2} lies in [lo, hi]: λ ∈ [−2 ln hi, −2 ln lo]. */
export function lambdaRangeOfInterval([lo, hi]: [number, number]): [number, number] {
  return [hi === Infinity ? -Infinity : -2 * Math.log(hi), lo === 0 ? Infinity : -2 * Math.log(lo)];
}

/** Held-out ε-MSE per λ bin, log y, the current t highlighted and the bins under guidance drawn over it. */
export function lossProfileChart(lambda: number[], loss: number[], opts: LossProfileOptions): SVGSVGElement {
  const points = lambda.map((x, i) => ({ x, y: loss[i] }));
  const series = [{ id: 'loss', label: 'held-out ε-MSE', points, color: '#1f5fa8' }];
  let intervalText = 'Guidance is off.';
  const markers: { x: number; label: string }[] = [];
  if (opts.interval) {
    const [l0, l1] = lambdaRangeOfInterval(opts.interval);
    const inside = points.filter((p) => p.x >= l0 && p.x <= l1);
    if (inside.length > 0) series.push({ id: 'guided', label: 'guidance applies here', points: inside, color: '#e8870e' });
    if (Number.isFinite(l0)) markers.push({ x: l0, label: `σ_hi = ${fmtNum(opts.interval[1])}` });
    if (Number.isFinite(l1)) markers.push({ x: l1, label: `σ_lo = ${fmtNum(opts.interval[0])}` });
    intervalText = `Guidance applies for σ_EDM in [${fmtNum(opts.interval[0])}, ${fmtNum(opts.interval[1])}], i.e. λ in [${fmtNum(l0, 2)}, ${fmtNum(l1, 2)}] (${inside.length} of ${points.length} bins).`;
  }
  const finite = points.filter((p) => p.y > 0 && Number.isFinite(p.y));
  const hardest = finite.reduce((a, b) => (b.y > a.y ? b : a), finite[0] ?? { x: NaN, y: NaN });
  const cur = opts.currentLambda;
  const lo = Math.min(...lambda);
  const hi = Math.max(...lambda);
  const shown = cur === null || !Number.isFinite(cur) ? null : Math.min(hi, Math.max(lo, cur));
  return lineChart(series, {
    title: `Held-out loss per noise level, ${opts.what}`,
    description: `The sub-task difficulty profile: the ${opts.what} denoiser's held-out ε-MSE in ${lambda.length} equal bins of log-SNR λ from ${fmtNum(lo, 2)} (noisiest) to ${fmtNum(hi, 2)} (cleanest), logarithmic y; highest ${fmtNum(hardest.y)} at λ = ${fmtNum(hardest.x, 2)}.${shown !== null ? ` The panel's t sits at λ = ${fmtNum(cur ?? NaN, 2)}${shown !== cur ? ' (outside the measured range: the nearest bin is marked)' : ''}.` : ''} ${intervalText}`,
    xLabel: 'log-SNR λ (noisy ← → clean)', yLabel: 'ε-MSE (log scale)', yLog: true, xDomain: [lo, hi],
    highlight: shown !== null ? { seriesId: 'loss', x: shown } : undefined,
    markers: markers.filter((m) => m.x >= lo && m.x <= hi),
    width: 420, height: 260,
  }, opts.doc);
}

/** Training loss of every step this session of the denoiser called `what`. */
export function trainingLossChart(losses: number[], what: string, doc?: Document): SVGSVGElement {
  return sessionLossChart(losses, { title: `Training loss, ${what}`, measure: 'Weighted loss of each training batch', yLabel: 'batch loss', format: fmtNum, doc });
}

const CAPTION_H = 18;
const GAP = 4;

/**
 * Tiles of equal size in `cols` columns, each with its caption under it and a title on top, drawn at `scale`
 * device pixels per image pixel (resizes the canvas): the export of a sample grid or strip.
 */
export function drawTiles(canvas: HTMLCanvasElement, tiles: RgbImage[], captions: string[], cols: number, title: string, scale = 1): void {
  if (tiles.length === 0) return;
  const tw = tiles[0].width;
  const th = tiles[0].height;
  const rows = Math.ceil(tiles.length / cols);
  const width = cols * tw + (cols + 1) * GAP;
  const ctx = prepareCanvas(canvas, width, CANVAS_TITLE_H + rows * (th + CAPTION_H + GAP) + GAP, scale);
  if (!ctx) return;
  drawCanvasTitle(ctx, title, width);
  ctx.imageSmoothingEnabled = false;
  tiles.forEach((tile, i) => {
    const x = GAP + (i % cols) * (tw + GAP);
    const y = CANVAS_TITLE_H + Math.floor(i / cols) * (th + CAPTION_H + GAP);
    const own = document.createElement('canvas');
    own.width = tw;
    own.height = th;
    const octx = own.getContext('2d');
    if (octx) {
      const pixels = octx.createImageData(tw, th);
      toRgba(tile, pixels.data);
      octx.putImageData(pixels, 0, 0);
      ctx.drawImage(own, x, y);
    }
    ctx.fillStyle = '#1d1f23';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(captions[i] ?? '', x + tw / 2, y + th + CAPTION_H / 2, tw);
  });
}
