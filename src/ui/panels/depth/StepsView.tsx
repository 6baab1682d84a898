import { useEffect, useMemo } from 'react';
import { BIT_ORDERS, type BitOrder } from '../../../core/depth/bitOrders';
import { codebookHealth, usageByRank } from '../../../core/depth/codebook';
import { CHANNEL_SPACES } from '../../../core/depth/kinds';
import { differenceImage, type DepthSpec } from '../../../core/depth/views';
import { RQ_CODEBOOKS, RQ_PATCHES, type DepthView } from '../../../state/depthSlice';
import { appStore, useStore } from '../../../state/store';
import { barChart } from '../../charts/barChart';
import { lineChart } from '../../charts/lineChart';
import { ChartFigure, PixelFigure } from '../../components/Figure';
import { Slider } from '../../components/Slider';
import { imagePayload } from '../../../compute/requests';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import { useKeyed } from '../../hooks/useKeyed';
import { useLatest } from '../../hooks/useLatest';
import { codeMapImage } from './codeMap';
import { ErrorText } from '../../components/ErrorText';
import { RequestProgress } from '../../components/WorkProgress';
import { SelectField } from '../../components/SelectField';

export function specOf(v: DepthView): DepthSpec {
  switch (v.view) {
    case 'channels': return { kind: 'channels', space: v.space };
    case 'scales': return { kind: 'scales', step: v.qstep / 255 };
    case 'dct-block': return { kind: 'dct-block', step: v.qstep / 255 };
    case 'dct-whole': return { kind: 'dct-whole', step: v.qstep / 255 };
    case 'rq': return { kind: 'rq', patch: v.patch, K: v.K, depth: v.depth };
    case 'vq': return { kind: 'vq', patch: v.patch, K: v.K, depth: v.depth };
    case 'bitplanes': return { kind: 'bitplanes' };
    case 'bit-order': return { kind: 'bit-order', order: v.bitOrder };
  }
}

const BIT_ORDER_LABELS: Record<BitOrder, string> = {
  msb: 'Most significant bit first (8 steps, all channels)',
  lsb: 'Least significant bit first (8 steps, all channels)',
  interleaved: 'Interleaved: bit 7 of R, G, B, then bit 6, … (24 steps)',
};

const fmtDb = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : v > 0 ? '∞ (exact)' : '—');

type Step = NonNullable<ReturnType<typeof useWorkerRequest<'depth-view'>>['result']>['steps'][number];
const NO_STEPS: Step[] = [];
const psnrDescription = (view: string, d: number, current: Step | undefined) =>
  `PSNR (dB) after each step of the ${view} decomposition; at step ${d}: ${fmtDb(current?.psnr ?? NaN)}, SSIM ${current && Number.isFinite(current.ssim) ? current.ssim.toFixed(3) : '—'}.`;
const gainDescription = (d: number, current: Step | undefined) =>
  `How many dB each step adds (step 1 against a black image); the last exact step is ∞. Entropy of step ${d}'s symbols: ${current ? current.stepEntropy.toFixed(2) : '—'} bits.`;
const healthDescription = (d: number, current: Step | undefined) =>
  `Per step: the codebook size, codewords used by at least one patch, and the perplexity 2^H of the codes (effective codewords). At step ${d}: perplexity ${current?.perplexity?.toFixed(1) ?? '—'}, ${current?.deadCodes ?? '—'} dead of ${current?.codebookSize ?? '—'}.`;

/** Any depth decomposition as steps d = 1…D: the reconstruction, what is left, what step d added, and curves. */
/** The view's every-step numbers, for the image and decomposition they belong to (`${hash}|${spec JSON}`). */
export type ViewCurves = { key: string; steps: Step[] };

/**
 * The step-by-step view of one decomposition. `onCurves` hears every step's numbers once per image and
 * decomposition: the rate–distortion chart draws the view's own curve from them rather than fitting it again.
 */
export function StepsView({ onCurves }: { onCurves?: (curves: ViewCurves) => void } = {}) {
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  const sampleId = useStore((s) => s.image.sampleId);
  const size = useStore((s) => s.image.size);
  const view = useStore((s) => s.depth);
  const { setDepth } = appStore.getState();
  const spec = specOf(view);
  const specKey = JSON.stringify(spec);
  const res = useWorkerRequest('depth-view', image && (() => ({ image: imagePayload(image, hash), spec, d: view.d })), `${hash}|${specKey}|${view.d}`);
  const r = res.result;
  // The per-step curves depend on the image and the decomposition, not on d: each d's result repeats them, so
  // the charts are built once per image and decomposition and only their step marks follow d.
  // Keyed by what the answer is for (while a new one is computed, the old answer is still shown with its own numbers).
  const of = r?.of ?? '';
  const curvesKey = r ? `${of}|${r.steps.length}` : '';
  const steps = useKeyed(r?.steps ?? NO_STEPS, curvesKey);
  useEffect(() => {
    if (of && onCurves) onCurves({ key: of, steps });
  }, [of, steps, onCurves]);
  const D = steps.length;
  const d = r ? r.d : view.d;
  // From this answer, not the kept curves: the worker scores a step's SSIM when the step is first shown.
  const current = r?.steps[d - 1];
  // The charts are built with the step of the moment; their marks then follow d (ChartFigure's `live`).
  const dAtBuild = useLatest(d);
  const params = { img: sampleId, size, view: view.view, d };

  const residual = useMemo(() => (r && image && r.reconstruction.width === image.width ? differenceImage(image, r.reconstruction) : null), [r, image]);
  const added = useMemo(() => (r ? (r.previous ? differenceImage(r.reconstruction, r.previous) : r.reconstruction) : null), [r]);

  const psnrChart = useMemo(() => {
    if (steps.length === 0) return null;
    const at = dAtBuild.current;
    return lineChart(
      [
        { id: 'psnr', label: 'PSNR', points: steps.map((s) => ({ x: s.d, y: s.psnr })) },
      ],
      {
        title: 'Reconstruction quality per step',
        description: psnrDescription(view.view, at, steps[at - 1]),
        xLabel: 'step d', yLabel: 'PSNR (dB)', xTicks: steps.length <= 16 ? steps.map((s) => s.d) : undefined,
        highlight: { seriesId: 'psnr', x: at }, formatY: fmtDb,
      },
    );
  }, [steps, view.view, dAtBuild]);

  const gainChart = useMemo(() => {
    if (steps.length === 0) return null;
    const at = dAtBuild.current;
    return barChart(
      steps.map((s, i) => {
        const before = i === 0 ? 0 : steps[i - 1].psnr;
        const gain = Number.isFinite(s.psnr) ? s.psnr - before : Infinity;
        return { key: String(s.d), label: s.label, value: gain, highlighted: s.d === at };
      }),
      {
        title: 'Information added per step (Δ PSNR)',
        description: gainDescription(at, steps[at - 1]),
        xLabel: 'step (what it adds)', yLabel: 'Δ PSNR (dB)', formatValue: (v) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : '∞'),
      },
    );
  }, [steps, dAtBuild]);

  // RQ / VQ: the codes of step d over the patch grid, how the codewords are used, and health per depth.
  const codeMap = useMemo(() => {
    const grid = current?.grid;
    if (!r?.codes || !grid || !current?.codebookSize || r.codes.length !== grid.rows * grid.cols) return null;
    return codeMapImage(r.codes, grid.rows, grid.cols, current.codebookSize);
  }, [r, current]);

  const usageChart = useMemo(() => {
    if (!r?.codes || !current?.codebookSize) return null;
    const health = codebookHealth(r.codes, current.codebookSize);
    const bins = usageByRank(health.counts, 64);
    const binned = bins.some((b) => b.to > b.from);
    const every = Math.max(1, Math.ceil(bins.length / 8));
    return barChart(
      bins.map((b) => ({ key: String(b.from), label: b.from === b.to ? String(b.from + 1) : `${b.from + 1}–${b.to + 1}`, value: b.value })),
      {
        xTickKeys: bins.filter((_, i) => i % every === 0).map((b) => String(b.from)),
        title: `Codeword usage at step ${d}`,
        description: `Patches per codeword at step ${d}, codewords sorted from most to least used${binned ? ' (the tail grouped, mean per codeword)' : ''}; ${current.codebookSize} codewords, perplexity ${health.perplexity.toFixed(1)}, ${health.dead} unused.`,
        xLabel: 'codeword rank (most used first)', yLabel: 'patches per codeword', formatValue: (v) => v.toFixed(v % 1 === 0 ? 0 : 2),
      },
    );
  }, [r, current, d]);

  const healthChart = useMemo(() => {
    const coded = steps.filter((s) => s.perplexity !== undefined && s.codebookSize !== undefined);
    if (coded.length === 0) return null;
    const at = dAtBuild.current;
    return lineChart(
      [
        { id: 'perplexity', label: 'perplexity 2ᴴ', points: coded.map((s) => ({ x: s.d, y: s.perplexity ?? NaN })) },
        { id: 'used', label: 'codewords used', points: coded.map((s) => ({ x: s.d, y: (s.codebookSize ?? NaN) - (s.deadCodes ?? NaN) })) },
        { id: 'size', label: 'codebook size', points: coded.map((s) => ({ x: s.d, y: s.codebookSize ?? NaN })) },
      ],
      {
        title: 'Codebook health per step',
        description: healthDescription(at, steps[at - 1]),
        xLabel: 'step d', yLabel: 'codewords', xTicks: coded.length <= 16 ? coded.map((s) => s.d) : undefined,
        highlight: { seriesId: 'perplexity', x: at }, formatY: (v) => v.toFixed(1),
      },
    );
  }, [steps, dAtBuild]);

  return (
    <div className="view">
      {view.view === 'channels' && (
        <div className="field">
          <SelectField label="Colour space" value={view.space} choices={CHANNEL_SPACES} format={(s) => (s === 'rgb' ? 'R, G, B' : 'Y, Cb, Cr (luma first)')} onChange={(space) => setDepth({ space })} />
        </div>
      )}
      {view.view === 'bit-order' && (
        <div className="field">
          <SelectField label="Bit order" value={view.bitOrder} choices={BIT_ORDERS} format={(o) => BIT_ORDER_LABELS[o]} testId="depth-bit-order" onChange={(bitOrder) => setDepth({ bitOrder })} />
        </div>
      )}
      {(view.view === 'scales' || view.view === 'dct-block' || view.view === 'dct-whole') && (
        <Slider label="Quantizer step" value={view.qstep} min={1} max={32} onChange={(v) => setDepth({ qstep: v })} format={(v) => `${v}/255`} hint="Coefficients and residuals are rounded to multiples of this step; their integer levels are the symbols counted for the rate." />
      )}
      {(view.view === 'rq' || view.view === 'vq') && (
        <>
          <Slider label="Patch size" value={RQ_PATCHES.indexOf(view.patch as 2 | 4 | 8)} min={0} max={RQ_PATCHES.length - 1} onChange={(i) => setDepth({ patch: RQ_PATCHES[i] })} format={(i) => `${RQ_PATCHES[i]}×${RQ_PATCHES[i]} px`} testId="depth-patch-slider" coalesce />
          <Slider label="Codebook size K" value={RQ_CODEBOOKS.indexOf(view.K as 64)} min={0} max={RQ_CODEBOOKS.length - 1} onChange={(i) => setDepth({ K: RQ_CODEBOOKS[i] })} format={(i) => `${RQ_CODEBOOKS[i]} (${Math.log2(RQ_CODEBOOKS[i])} bits per code)`} testId="depth-k-slider" coalesce />
          <Slider label="Depth D" value={view.depth} min={1} max={16} onChange={(v) => setDepth({ depth: v, d: Math.min(view.d, v) })} format={(v) => (view.view === 'vq' ? `${v} (codebook min(K^${v}, 4096))` : `${v} codes per patch`)} testId="depth-depth-slider" coalesce />
        </>
      )}
      <Slider
        label="Step d"
        value={Math.min(view.d, Math.max(1, D || view.d))}
        min={1}
        max={Math.max(1, D || 1)}
        onChange={(v) => setDepth({ d: v })}
        format={(v) => (steps[v - 1] ? `${v} of ${D}: ${steps[v - 1].label}` : String(v))}
        testId="depth-step-slider"
      />
      {current && (
        <p className="readout" data-testid="depth-readout">
          After step {d}: PSNR {fmtDb(current.psnr)}, SSIM {Number.isFinite(current.ssim) ? current.ssim.toFixed(3) : '—'}, rate {current.fixedBpp.toFixed(2)} bits/pixel fixed-length, {current.entropyBpp.toFixed(2)} entropy-coded
          {current.codebookBpp !== undefined && `, plus ${current.codebookBpp.toFixed(2)} for the codebook${view.view === 'rq' ? 's' : ''} fitted to this image${current.degenerate ? ' (degenerate: at least as many codewords as patches)' : ''}`}.
        </p>
      )}
      {current?.perplexity !== undefined && current.codebookSize !== undefined && (
        <p className="readout" data-testid="depth-codebook-readout">
          Codebook at step {d}: perplexity {current.perplexity.toFixed(1)} of {current.codebookSize} codewords, {current.deadCodes ?? 0} dead (used by no patch).
        </p>
      )}
      <RequestProgress pending={res} label="Computing the decomposition" testId="depth-view-progress" />
      {res.error && <ErrorText onRetry={res.retry}>This view failed: {res.error}</ErrorText>}
      <div className="image-row">
        <PixelFigure id="depth-steps-recon" title={`Step ${d} reconstruction`} alt={`The image rebuilt after ${d} steps`} image={r?.reconstruction ?? null} name={{ panel: 'depth', what: `${view.view}-recon`, params }} />
        <PixelFigure id="depth-steps-residual" title="Left to predict" alt="The residual, image minus reconstruction, around grey" image={residual} name={{ panel: 'depth', what: `${view.view}-residual`, params }} />
        <PixelFigure id="depth-steps-added" title={`Added by step ${d}`} alt={`What step ${d} added, around grey`} image={added} name={{ panel: 'depth', what: `${view.view}-added`, params }} />
      </div>
      {(view.view === 'rq' || view.view === 'vq') && (
        <div className="chart-row">
          <PixelFigure id="depth-steps-codes" title={`Codes at step ${d}`} alt={`Each patch coloured by its step-${d} code (one colour per codeword)`} image={codeMap} name={{ panel: 'depth', what: `${view.view}-codes`, params }} />
          <ChartFigure id="depth-steps-usage" title="Codeword usage" chart={usageChart} name={{ panel: 'depth', what: `${view.view}-usage`, params }} />
          <ChartFigure id="depth-steps-health" title="Codebook health" chart={healthChart} live={{ highlightX: d, description: healthDescription(d, current) }} name={{ panel: 'depth', what: `${view.view}-health`, params }} />
        </div>
      )}
      <div className="chart-row">
        <ChartFigure id="depth-steps-psnr" title="PSNR per step" chart={psnrChart} live={{ highlightX: d, description: psnrDescription(view.view, d, current) }} name={{ panel: 'depth', what: `${view.view}-psnr`, params }} />
        <ChartFigure id="depth-steps-gain" title="Δ PSNR per step" chart={gainChart} live={{ barKeys: [String(d)], description: gainDescription(d, current) }} name={{ panel: 'depth', what: `${view.view}-gain`, params }} />
      </div>
    </div>
  );
}
