// The parts of the Diffusion panel that follow t. Each reads t from the store itself, so a t-slider move
// re-renders these few components, not the panel (its image strip, charts and denoiser section).
import { memo, useMemo } from 'react';
import { stepOfT } from '../../../core/conventions';
import { scheduleAt, type ScheduleOptions, type ScheduleSpec } from '../../../core/diffusion/schedules';
import { bandSnr, drownedFrequency, spectrumAt, type SpectraPrecomputed } from '../../../core/diffusion/spectrum';
import type { DiffusionSchedule } from '../../../state/diffusionSlice';
import { appStore } from '../../../state/store';
import type { Series } from '../../charts/lineChart';
import { ChartFigure, PixelFigure, type ExportName } from '../../components/Figure';
import type { PixelSource } from '../../components/PixelCanvas';
import { LiveReadout } from '../../components/LiveReadout';
import { Slider } from '../../components/Slider';
import { fmtNum, SCHEDULE_LABELS, xtScale } from './diffusionData';
import { useEveryFrame, useInIdleTime } from '../../hooks/rates';
import { BlendView } from './BlendView';
import { Formula } from '../../formulas/Formula';
import { FORMULAS } from '../../formulas/tex';

export const LAMBDA_RANGE: [number, number] = [-10, 10];
/** The λ grid the weighting curves are drawn and judged on. */
export const LAMBDAS = Array.from({ length: 161 }, (_, i) => LAMBDA_RANGE[0] + (i * (LAMBDA_RANGE[1] - LAMBDA_RANGE[0])) / 160);
export const CLIP = 15;

/** The t of the view, read by each part that follows it on every move. */
export const useT = () => useEveryFrame((s) => s.diffusion.t);
/** t now, for charts built with the t of the moment (their parts here then move the marks that follow it). */
export const tNow = () => appStore.getState().diffusion.t;

/** The spectra and the v target follow t at most ten times a second, each update in the page's idle time, so a
 * dragged slider paints its frames without waiting for them. */
function useSlowT(): number {
  return useInIdleTime(useT(), 100);
}

/** What the panel's export names carry besides t (and the weighting, for its chart). */
export interface NameParams { img: string; size: number; sched: string; seed: number; weight?: string }
/** Export names in this panel carry the t they show. */
const nameAt = (what: string, { img, size, sched, seed, weight }: NameParams, t: number): ExportName => ({
  panel: 'diffusion', what, params: { img, size, sched, t: t.toFixed(3), seed, ...(weight ? { weight } : {}) },
});
/** For a figure that does not follow t: its export name reads t when it is exported. */
export const nameNow = (what: string, params: NameParams) => () => nameAt(what, params, tNow());

/** The t the charts mark: their curves have a point every 0.01. */
export const chartT = (t: number) => Math.round(t * 100) / 100;
export const lambdaMarker = (logSnr: number) => (Number.isFinite(logSnr) ? [{ x: Math.max(LAMBDA_RANGE[0], Math.min(LAMBDA_RANGE[1], logSnr)) }] : []);
export const scheduleDescription = (schedule: DiffusionSchedule, t: number, logSnr: number) =>
  `log-SNR λ = log(α²/σ²) against t for every schedule; ${SCHEDULE_LABELS[schedule]} is marked at t = ${t.toFixed(3)} (λ = ${fmtNum(logSnr, 2)}). λ is clipped to ±${CLIP} for display; infinite ends are marked ∞.`;
export const alphaSigmaDescription = (t: number, alpha: number, sigma: number) =>
  `Signal and noise scales against t. At t = ${t.toFixed(3)}: α = ${fmtNum(alpha)}, σ = ${fmtNum(sigma)}.`;

const ringsOf = (pre: SpectraPrecomputed) => Array.from({ length: pre.pX0.length - 1 }, (_, i) => i + 1);
/** Values outside the fixed axis are left out (a gap in the line) rather than drawn beyond it. */
const within = ([lo, hi]: [number, number]) => (v: number) => (v >= lo && v <= hi ? v : NaN);

export function spectrumSeries(pre: SpectraPrecomputed, alpha: number, sigma: number, domain: [number, number]): Series[] {
  const pxt = spectrumAt(pre, alpha, sigma);
  const ks = ringsOf(pre);
  const fit = within(domain);
  return [
    { id: 'signal', label: 'α²·P(x₀)', points: ks.map((k) => ({ x: k, y: fit(alpha ** 2 * pre.pX0[k]) })) },
    { id: 'noise', label: 'σ²·P(ε)', points: ks.map((k) => ({ x: k, y: fit(sigma ** 2 * pre.pEps[k]) })) },
    { id: 'xt', label: 'P(x_t)', points: ks.map((k) => ({ x: k, y: fit(pxt[k]) })) },
  ];
}

export function snrSeries(pre: SpectraPrecomputed, alpha: number, sigma: number, domain: [number, number]): Series[] {
  const snr = bandSnr(pre, alpha, sigma);
  const fit = within(domain);
  return [{ id: 'snr', label: 'SNR per band', points: ringsOf(pre).map((k) => ({ x: k, y: fit(snr[k]) })) }];
}

const spectrumText = (t: number, drowned: number | null) =>
  `Power per spatial frequency ring k of the signal, the noise and x_t at t = ${t.toFixed(3)}. ${drowned !== null ? `Frequencies from k = ${drowned} up are drowned (noise power above signal power in every ring from there).` : 'No ring is drowned together with every ring above it (noise power above signal power).'}`;
const snrText = (t: number) => `α²P(x₀)/σ²P(ε) per ring at t = ${t.toFixed(3)}; bands below 1 are drowned.`;

/** What the spectrum and band-SNR charts show at t: their lines, the drowned-frequency marker and their descriptions. */
export interface SpectraLive { series: Series[]; markers: { x: number }[]; description: string }
export function spectraAt(pre: SpectraPrecomputed, domains: { spectrum: [number, number]; snr: [number, number] }, spec: ScheduleSpec, opts: ScheduleOptions, t: number): { spectrum: SpectraLive; snr: SpectraLive } {
  const { alpha, sigma } = scheduleAt(spec, t, opts);
  const drowned = drownedFrequency(pre, alpha, sigma);
  const markers = drowned ? [{ x: drowned }] : [];
  return {
    spectrum: { series: spectrumSeries(pre, alpha, sigma, domains.spectrum), markers, description: spectrumText(t, drowned) },
    snr: { series: snrSeries(pre, alpha, sigma, domains.snr), markers, description: snrText(t) },
  };
}

interface Schedule {
  spec: ScheduleSpec;
  opts: ScheduleOptions;
}

export function TSlider() {
  const t = useT();
  return (
    <Slider
      label="Time t"
      value={Math.round(t * 1000)}
      min={0}
      max={1000}
      onChange={(v) => appStore.getState().setDiffusion({ t: v / 1000 })}
      format={(v) => `${(v / 1000).toFixed(3)} (step ${stepOfT(v / 1000, 1000)} of 1000)`}
      testId="t-slider"
    />
  );
}

export function Readout({ spec, opts, pre }: Schedule & { pre: SpectraPrecomputed | null }) {
  const t = useT();
  const at = scheduleAt(spec, t, opts);
  const drownedNow = pre ? drownedFrequency(pre, at.alpha, at.sigma) : null;
  return (
    <LiveReadout testId="diffusion-readout" longest="t = 0.000 (step 1000): α = 0.0000, σ = 0.0000, λ = −00.00, σ_EDM = 00.000. Frequencies from 000 cycles per image up are drowned.">
      t = {t.toFixed(3)} (step {stepOfT(t, 1000)}): α = {fmtNum(at.alpha)}, σ = {fmtNum(at.sigma)}, λ = {fmtNum(at.logSnr, 2)}, σ_EDM = {fmtNum(at.sigmaEdm)}.
      {drownedNow !== null ? ` Frequencies from ${drownedNow} cycles per image up are drowned.` : pre ? ' No ring is drowned together with every ring above it.' : ''}
    </LiveReadout>
  );
}

export function XtFigure({ spec, opts, x0, eps, side, params }: Schedule & { x0: Float32Array | null; eps: Float32Array | null; side: number; params: NameParams }) {
  const t = useT();
  const { alpha, sigma } = scheduleAt(spec, t, opts);
  // x_t is shown divided by √(α² + σ²) (xtScale), as 8-bit RGBA in one pass (the bytes of noisyImage →
  // 0.5 + k·x_t → toRgba), at the size shown: it is redrawn on every frame.
  return (
    <BlendView id="diffusion-xt" x0={x0} eps={eps} side={side} alpha={alpha} sigma={sigma} k={xtScale(alpha, sigma)}
      title={`x_t, t = ${t.toFixed(2)}`} alt={`The noised image at t = ${t.toFixed(3)}`} name={nameAt('xt', params, t)} />
  );
}

export function ScheduleFigure({ spec, opts, schedule, chart, params }: Schedule & { schedule: DiffusionSchedule; chart: SVGSVGElement; params: NameParams }) {
  const t = useT();
  const { logSnr } = scheduleAt(spec, t, opts);
  return <ChartFigure id="diffusion-schedules" title="Schedules (log-SNR)" chart={chart} live={{ highlightX: chartT(t), description: scheduleDescription(schedule, t, logSnr) }} name={nameAt('schedules', params, t)} />;
}

export function AlphaSigmaFigure({ spec, opts, chart, params }: Schedule & { chart: SVGSVGElement; params: NameParams }) {
  const t = useT();
  const { alpha, sigma } = scheduleAt(spec, t, opts);
  return <ChartFigure id="diffusion-alpha-sigma" title="α and σ" chart={chart} live={{ highlightX: chartT(t), description: alphaSigmaDescription(t, alpha, sigma) }} name={nameAt('alpha-sigma', params, t)} />;
}

export function TargetScaleFigure({ chart, params }: { chart: SVGSVGElement | null; params: NameParams }) {
  const t = useT();
  return <ChartFigure id="diffusion-target-scale" title="Target scale across t" chart={chart} live={{ highlightX: chartT(t) }} name={nameAt('target-scale', params, t)} />;
}

/** The weighting chart: the λ of t follows t in place, and so do the lines and description given (kept memoized). */
export function WeightingFigure({ spec, opts, chart, series, description, params }: Schedule & { chart: SVGSVGElement; series?: Series[]; description?: string; params: NameParams }) {
  const t = useT();
  const { logSnr } = scheduleAt(spec, t, opts);
  return <ChartFigure id="diffusion-weighting" title="Weighting over λ" chart={chart} live={{ markers: lambdaMarker(logSnr), series, description }} name={nameAt('weighting', params, t)} />;
}

/** The spectrum and band-SNR charts, built once per image and schedule on axes that hold every t; the slow t redraws their lines. */
type SpectraProps = Schedule & {
  pre: SpectraPrecomputed | null;
  domains: { spectrum: [number, number]; snr: [number, number] } | null;
  spectrumChart: SVGSVGElement | null;
  snrChart: SVGSVGElement | null;
  params: NameParams;
};

/** They follow the slow t only: a t move re-renders this wrapper, not the figures (their names read t on export). */
export function SpectraFigures(props: SpectraProps) {
  return <SpectraAt {...props} tD={useSlowT()} />;
}

const SpectraAt = memo(function SpectraAt({ spec, opts, pre, domains, spectrumChart, snrChart, params, tD }: SpectraProps & { tD: number }) {
  const live = useMemo(() => (pre && domains ? spectraAt(pre, domains, spec, opts, tD) : null), [pre, domains, spec, opts, tD]);
  return (
    <>
      <ChartFigure id="diffusion-spectrum" title="Spectrum of x_t" chart={spectrumChart} live={live?.spectrum} name={nameNow('spectrum', params)} />
      <Formula formula={FORMULAS.drowned} block />
      <ChartFigure id="diffusion-band-snr" title="SNR per band" chart={snrChart} live={live?.snr} name={nameNow('band-snr', params)} />
    </>
  );
});

/** The four training targets at t: ε, x₀ and velocity do not depend on t; v = α·ε − σ·x₀ follows the slow t. */
type TargetProps = Schedule & {
  x0: Float32Array | null;
  eps: Float32Array | null;
  side: number;
  epsImg: PixelSource | null;
  fixed: { x0: PixelSource; velocity: PixelSource } | null;
  params: NameParams;
};

export function TargetImages(props: TargetProps) {
  return <TargetsAt {...props} tD={useSlowT()} />;
}

const TargetsAt = memo(function TargetsAt({ spec, opts, x0, eps, side, epsImg, fixed, params, tD }: TargetProps & { tD: number }) {
  const { alpha, sigma } = scheduleAt(spec, tD, opts);
  // Shown as 0.5 + x/4 (core targets(): v = α·ε − σ·x₀, i.e. the blend with weights −σ on x₀ and α on ε).
  const figure = (k: 'eps' | 'x0' | 'velocity', title: string, image: PixelSource | null) => (
    <PixelFigure id={`diffusion-target-${k}`} title={title} alt={`The ${k} target at t = ${tD.toFixed(3)}`} image={image} name={nameNow(`target-${k}`, params)} />
  );
  if (!fixed) return <div className="image-row four" />;
  return (
    <div className="image-row four">
      {figure('eps', 'ε', epsImg)}
      {figure('x0', 'x₀', fixed.x0)}
      <BlendView id="diffusion-target-v" x0={x0} eps={eps} side={side} alpha={-sigma} sigma={alpha} k={0.25}
        title="v" alt={`The v target at t = ${tD.toFixed(3)}`} name={nameNow('target-v', params)} />
      {figure('velocity', 'velocity', fixed.velocity)}
    </div>
  );
});
