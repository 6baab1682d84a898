import { useDeferredValue, useId, useMemo } from 'react';
import { useShallow } from 'zustand/shallow';
import { pixelToModel, stepOfT } from '../../../core/conventions';
import { logSnrStrip, noisyImage, noisyRgba, seededNoise } from '../../../core/diffusion/forward';
import { scheduleAt, scheduleCurve, SCHEDULE_KINDS, type ScheduleOptions, type ScheduleSpec } from '../../../core/diffusion/schedules';
import { bandSnr, drownedFrequency, spectrumAt, type SpectraPrecomputed } from '../../../core/diffusion/spectrum';
import { isElboEquivalent, weightingCurve, type Prediction } from '../../../core/diffusion/weighting';
import { DIFFUSION_SCHEDULES, WEIGHTINGS, type DiffusionSchedule, type Weighting } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { lineChart, type Series } from '../../charts/lineChart';
import { ChartFigure, PixelFigure } from '../../components/Figure';
import { PixelCanvas } from '../../components/PixelCanvas';
import { Slider } from '../../components/Slider';
import { imagePayload, useWorkerRequest } from '../../compute';
import { Panel } from '../Panel';
import { fmtNum, modelImage, pairMoments, rmsOf, SCHEDULE_LABELS, scheduleSpec } from './diffusionData';
import { ScheduleEditor } from './ScheduleEditor';
import { DenoiserSection } from './DenoiserSection';
import { useThrottled } from './useThrottled';

const WEIGHTING_LABELS: Record<Weighting, string> = {
  'eps-mse': 'ε-MSE, uniform t',
  'x0-mse': 'x₀-MSE, uniform t',
  'v-mse': 'v-MSE, uniform t',
  'velocity-mse': 'velocity-MSE (flow), uniform t',
  'min-snr': 'Min-SNR-γ, uniform t',
  edm: 'EDM (log-normal σ, λ(σ) weight)',
  'sd3-logit-normal': 'SD3 logit-normal (flow)',
  'vdmpp-sigmoid': 'VDM++ sigmoid',
};
const LAMBDA_RANGE: [number, number] = [-10, 10];
const LAMBDAS = Array.from({ length: 161 }, (_, i) => LAMBDA_RANGE[0] + (i * (LAMBDA_RANGE[1] - LAMBDA_RANGE[0])) / 160);
const CLIP = 15;

/** t values at which the spectra's y ranges are taken: the axes then hold the curves at every t. */
const DOMAIN_TS = Array.from({ length: 41 }, (_, i) => i / 40);
/** Lowest power drawn, relative to the highest (the noise-free signal end has no floor on a log axis). */
const POWER_RANGE = 1e9;
const SNR_LIMITS: [number, number] = [1e-6, 1e6];

const ringsOf = (pre: SpectraPrecomputed) => Array.from({ length: pre.pX0.length - 1 }, (_, i) => i + 1);
/** Values outside the fixed axis are left out (a gap in the line) rather than drawn beyond it. */
const within = ([lo, hi]: [number, number]) => (v: number) => (v >= lo && v <= hi ? v : NaN);

function spectrumSeries(pre: SpectraPrecomputed, alpha: number, sigma: number, domain: [number, number]): Series[] {
  const pxt = spectrumAt(pre, alpha, sigma);
  const ks = ringsOf(pre);
  const fit = within(domain);
  return [
    { id: 'signal', label: 'α²·P(x₀)', points: ks.map((k) => ({ x: k, y: fit(alpha ** 2 * pre.pX0[k]) })) },
    { id: 'noise', label: 'σ²·P(ε)', points: ks.map((k) => ({ x: k, y: fit(sigma ** 2 * pre.pEps[k]) })) },
    { id: 'xt', label: 'P(x_t)', points: ks.map((k) => ({ x: k, y: fit(pxt[k]) })) },
  ];
}

function snrSeries(pre: SpectraPrecomputed, alpha: number, sigma: number, domain: [number, number]): Series[] {
  const snr = bandSnr(pre, alpha, sigma);
  const fit = within(domain);
  return [{ id: 'snr', label: 'SNR per band', points: ringsOf(pre).map((k) => ({ x: k, y: fit(snr[k]) })) }];
}

/** y axes for the two spectra charts that hold their curves at every t of the schedule (within fixed limits). */
function spectraDomains(pre: SpectraPrecomputed, spec: ScheduleSpec, opts: ScheduleOptions): { spectrum: [number, number]; snr: [number, number] } {
  let hi = 0, lo = Infinity, snrLo = Infinity, snrHi = 0;
  for (const t of DOMAIN_TS) {
    const { alpha, sigma } = scheduleAt(spec, t, opts);
    for (const s of spectrumSeries(pre, alpha, sigma, [0, Infinity])) {
      for (const p of s.points) if (p.y > 0 && Number.isFinite(p.y)) { hi = Math.max(hi, p.y); lo = Math.min(lo, p.y); }
    }
    for (const p of snrSeries(pre, alpha, sigma, [0, Infinity])[0].points) if (p.y > 0 && Number.isFinite(p.y)) { snrHi = Math.max(snrHi, p.y); snrLo = Math.min(snrLo, p.y); }
  }
  if (!(hi > 0)) hi = 1;
  return {
    spectrum: [Math.max(lo, hi / POWER_RANGE), hi * 1.5],
    snr: [Math.max(SNR_LIMITS[0], Math.min(snrLo, 0.5)), Math.min(SNR_LIMITS[1], Math.max(snrHi, 2))],
  };
}

/** The t the charts mark: their curves have a point every 0.01. */
const chartT = (t: number) => Math.round(t * 100) / 100;
const lambdaMarker = (logSnr: number) => (Number.isFinite(logSnr) ? [{ x: Math.max(LAMBDA_RANGE[0], Math.min(LAMBDA_RANGE[1], logSnr)) }] : []);
const scheduleDescription = (schedule: DiffusionSchedule, t: number, logSnr: number) =>
  `log-SNR λ = log(α²/σ²) against t for every schedule; ${SCHEDULE_LABELS[schedule]} is marked at t = ${t.toFixed(3)} (λ = ${fmtNum(logSnr, 2)}). λ is clipped to ±${CLIP} for display; infinite ends are marked ∞.`;
const alphaSigmaDescription = (t: number, alpha: number, sigma: number) =>
  `Signal and noise scales against t. At t = ${t.toFixed(3)}: α = ${fmtNum(alpha)}, σ = ${fmtNum(sigma)}.`;

export function DiffusionPanel() {
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  const sampleId = useStore((s) => s.image.sampleId);
  const size = useStore((s) => s.image.size);
  // Only the keys drawn here: the denoiser's own controls (sampler, guidance, …) must not re-render the panel.
  const view = useStore(useShallow((s) => {
    const { t, schedule, shift, seed, target, weighting, gamma, points } = s.diffusion;
    return { t, schedule, shift, seed, target, weighting, gamma, points };
  }));
  const { setDiffusion } = appStore.getState();
  const schedId = useId();
  const weightId = useId();
  const predId = useId();

  const spec = useMemo(() => scheduleSpec(view), [view.schedule, view.points]); // eslint-disable-line react-hooks/exhaustive-deps
  const opts = useMemo(() => ({ shift: view.shift }), [view.shift]);
  const at = scheduleAt(spec, view.t, opts);
  // x_t, the readout and the chart markers follow t at once; the spectra and the v target follow a t throttled
  // to ten updates a second and deferred, which React renders in interruptible background passes, so a dragged
  // slider paints its frame without waiting for them and they do not take every frame's idle time.
  const tD = useDeferredValue(useThrottled(view.t, 100));
  const atD = scheduleAt(spec, tD, opts);
  const step = stepOfT(view.t, 1000);
  const params = { img: sampleId, size, sched: view.schedule, t: view.t.toFixed(3), seed: view.seed };

  // x0 in model space and the seeded ε: once per image and seed, so dragging t only recombines them.
  const x0 = useMemo(() => {
    if (!image) return null;
    const out = new Float32Array(image.data.length);
    for (let i = 0; i < out.length; i++) out[i] = pixelToModel(image.data[i]);
    return out;
  }, [image]);
  const eps = useMemo(() => (x0 ? seededNoise(x0.length, view.seed) : null), [x0, view.seed]);
  const moments = useMemo(() => (x0 && eps ? pairMoments(x0, eps) : null), [x0, eps]);
  // x_t is shown divided by √(α² + σ²) so that EDM's large σ stays visible (VP schedules: no change).
  const norm = 1 / Math.sqrt(at.alpha * at.alpha + at.sigma * at.sigma);
  // Straight to 8-bit RGBA in one pass (the bytes of modelImage(noisyImage(…), size, 1, norm)): it is redrawn
  // on every frame of a dragged t.
  const xt = useMemo(() => (image && x0 && eps ? { width: image.width, height: image.height, data: noisyRgba(x0, eps, at.alpha, at.sigma, norm / 2) } : null), [image, x0, eps, at.alpha, at.sigma, norm]);
  // The side of the image x0 came from (the requested size can run ahead of the working image while it loads).
  const side = image?.width ?? size;
  const x0Img = useMemo(() => (x0 ? modelImage(x0, side) : null), [x0, side]);
  const epsImg = useMemo(() => (eps ? modelImage(eps, side, 2) : null), [eps, side]);
  // The targets (core targets(): ε, x₀, v = α·ε − σ·x₀, velocity = ε − x₀) shown as 0.5 + x/4, built straight as
  // 8-bit frames; only v depends on t, so a t move rebuilds one image, not four.
  const frameOf = (a: number, b: number) => ({ width: side, height: side, data: noisyRgba(x0!, eps!, a, b, 0.25) });
  const fixedTargets = useMemo(() => (x0 && eps ? { x0: frameOf(1, 0), velocity: frameOf(-1, 1) } : null), [x0, eps, side]); // eslint-disable-line react-hooks/exhaustive-deps
  const vImg = useMemo(() => (x0 && eps ? frameOf(-atD.sigma, atD.alpha) : null), [x0, eps, side, atD.alpha, atD.sigma]); // eslint-disable-line react-hooks/exhaustive-deps
  const targetImgs = fixedTargets && vImg ? { eps: epsImg, x0: fixedTargets.x0, v: vImg, velocity: fixedTargets.velocity } : null;
  const strip = useMemo(() => (x0 && eps ? logSnrStrip(spec, 8, opts).map((e) => {
    const p = scheduleAt(spec, e.t, opts);
    return { ...e, img: modelImage(noisyImage(x0, eps, p.alpha, p.sigma), side, 1, 1 / Math.sqrt(p.alpha ** 2 + p.sigma ** 2)) };
  }) : []), [x0, eps, spec, opts, side]);

  const spectra = useWorkerRequest('diffusion-spectra', image && (() => ({ image: imagePayload(image, hash), seed: view.seed })), `${hash}|${view.seed}`);
  const pre = spectra.result && spectra.result.n === size ? spectra.result : null;

  const scheduleChart = useMemo(() => {
    const kinds: DiffusionSchedule[] = [...SCHEDULE_KINDS, ...(view.schedule === 'custom' ? ['custom' as const] : [])];
    return lineChart(
      kinds.map((k) => {
        const c = scheduleCurve(k === 'custom' ? spec : k, 101, opts);
        return { id: k, label: k, points: Array.from(c.t, (t, i) => ({ x: t, y: c.logSnr[i] })) };
      }),
      {
        title: 'Noise schedules in log-SNR',
        description: scheduleDescription(view.schedule, view.t, at.logSnr),
        xLabel: 't', yLabel: 'log-SNR λ', xDomain: [0, 1], yDomain: [-CLIP, CLIP],
        highlight: { seriesId: view.schedule, x: chartT(view.t) }, width: 420, height: 280,
      },
    );
  }, [spec, opts, view.schedule]); // eslint-disable-line react-hooks/exhaustive-deps

  const alphaSigmaChart = useMemo(() => {
    const c = scheduleCurve(spec, 101, opts);
    return lineChart(
      [
        { id: 'alpha', label: 'α (signal)', points: Array.from(c.t, (t, i) => ({ x: t, y: c.alpha[i] })) },
        { id: 'sigma', label: 'σ (noise)', points: Array.from(c.t, (t, i) => ({ x: t, y: c.sigma[i] })) },
      ],
      {
        title: `α and σ of ${SCHEDULE_LABELS[view.schedule]}`,
        description: alphaSigmaDescription(view.t, at.alpha, at.sigma),
        xLabel: 't', yLabel: 'scale', xDomain: [0, 1], yLog: view.schedule === 'edm',
        highlight: { seriesId: 'alpha', x: chartT(view.t) }, width: 420, height: 220,
      },
    );
  }, [spec, opts, view.schedule]); // eslint-disable-line react-hooks/exhaustive-deps

  const drowned = pre ? drownedFrequency(pre, atD.alpha, atD.sigma) : null;
  const drownedNow = pre ? drownedFrequency(pre, at.alpha, at.sigma) : null;
  // The spectrum and band-SNR charts are built once per image and schedule on y axes that hold every t of the
  // schedule; a t move then redraws their lines in place (ChartFigure's `live`), not whole new charts.
  const domains = useMemo(() => (pre ? spectraDomains(pre, spec, opts) : null), [pre, spec, opts]);
  const spectrumLines = useMemo(() => (pre && domains ? spectrumSeries(pre, atD.alpha, atD.sigma, domains.spectrum) : null), [pre, domains, atD.alpha, atD.sigma]);
  const snrLines = useMemo(() => (pre && domains ? snrSeries(pre, atD.alpha, atD.sigma, domains.snr) : null), [pre, domains, atD.alpha, atD.sigma]);
  const spectrumText = `Power per spatial frequency ring k of the signal, the noise and x_t at t = ${tD.toFixed(3)}. Frequencies from k = ${drowned ?? 'none'} up are drowned (noise power above signal power).`;
  const snrText = `α²P(x₀)/σ²P(ε) per ring at t = ${tD.toFixed(3)}; bands below 1 are drowned.`;
  const spectrumChart = useMemo(() => (spectrumLines && domains ? lineChart(spectrumLines, {
    title: 'Radially averaged power spectrum', description: spectrumText,
    xLabel: 'frequency k (cycles per image)', yLabel: 'power', xLog: true, yLog: true, yDomain: domains.spectrum,
    markers: drowned ? [{ x: drowned }] : [], width: 420, height: 260,
  }) : null), [domains]); // eslint-disable-line react-hooks/exhaustive-deps
  const snrChart = useMemo(() => (snrLines && domains ? lineChart(snrLines, {
    title: 'Signal-to-noise ratio per frequency band', description: snrText,
    xLabel: 'frequency k (cycles per image)', yLabel: 'SNR', xLog: true, yLog: true, yDomain: domains.snr,
    markers: drowned ? [{ x: drowned }] : [], width: 420, height: 220,
  }) : null), [domains]); // eslint-disable-line react-hooks/exhaustive-deps

  const targetChart = useMemo(() => {
    if (!moments) return null;
    const c = scheduleCurve(spec, 101, opts);
    // Each target is a·ε + b·x₀: ε (1, 0), x₀ (0, 1), v (α, −σ), velocity (1, −1).
    const coef: [string, (a: number, s: number) => [number, number]][] = [
      ['ε', () => [1, 0]], ['x₀', () => [0, 1]], ['v', (a, s) => [a, -s]], ['velocity', () => [1, -1]],
    ];
    return lineChart(
      coef.map(([label, f]) => ({ id: label, label, points: Array.from(c.t, (t, i) => ({ x: t, y: rmsOf(moments, ...f(c.alpha[i], c.sigma[i])) })) })),
      {
        title: 'Scale of each training target across t',
        description: 'Root-mean-square value of the ε, x₀, v and velocity targets for this image and noise, against t.',
        xLabel: 't', yLabel: 'RMS (model units)', xDomain: [0, 1], highlight: { seriesId: 'v', x: chartT(view.t) }, width: 420, height: 220,
      },
    );
  }, [moments, spec, opts]); // eslint-disable-line react-hooks/exhaustive-deps

  const prediction: Prediction = view.target === 'velocity' ? 'eps' : view.target;
  const weighting = useMemo(() => weightingCurve(view.weighting, LAMBDAS, { ...opts, schedule: spec, gamma: view.gamma, prediction }), [view.weighting, opts, spec, view.gamma, prediction]);
  const elbo = isElboEquivalent(weighting.w, weighting.lambda);
  const weightChart = useMemo(() => lineChart(
    [
      { id: 'p', label: 'p(λ) training density', points: LAMBDAS.map((l, i) => ({ x: l, y: weighting.p[i] })) },
      { id: 'cm', label: 'c·m weight on ε-loss', points: LAMBDAS.map((l, i) => ({ x: l, y: weighting.cm[i] })) },
      { id: 'w', label: 'w = p·c·m', points: LAMBDAS.map((l, i) => ({ x: l, y: weighting.w[i] })) },
    ],
    {
      title: `Loss weighting: ${WEIGHTING_LABELS[view.weighting]}`,
      description: `Over log-SNR λ from ${LAMBDA_RANGE[0]} to ${LAMBDA_RANGE[1]}: the training density p(λ), the per-sample weight on the ε-MSE c(λ)·m(λ), and the effective weight w(λ). ${elbo ? 'w is non-increasing in λ here: ELBO-equivalent.' : 'w is not monotone here: not ELBO-equivalent.'}`,
      xLabel: 'log-SNR λ', yLabel: 'weight (log scale)', yLog: true, xDomain: LAMBDA_RANGE, width: 420, height: 280,
      markers: lambdaMarker(at.logSnr),
    },
  ), [weighting, view.weighting, elbo]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <Panel
      id="diffusion"
      title="Diffusion"
      explanation={
        <>
          Diffusion splits generation by noise level: x_t = α_t·x₀ + σ_t·ε, one denoising sub-task per t. Schedules
          differ in how they spend t across log-SNR λ = log(α²/σ²). Noise drowns high frequencies first, so
          denoising works coarse to fine — a spectral autoregression. Which target a model predicts and how the
          levels are weighted decide how the sub-tasks share one network.
        </>
      }
    >
      <div className="controls">
        <div className="field">
          <label htmlFor={schedId}>Schedule</label>
          <select id={schedId} value={view.schedule} data-testid="schedule-select" onChange={(e) => setDiffusion({ schedule: e.currentTarget.value as DiffusionSchedule })}>
            {DIFFUSION_SCHEDULES.map((k) => <option key={k} value={k}>{SCHEDULE_LABELS[k]}</option>)}
          </select>
        </div>
        <Slider
          label="Time t"
          value={Math.round(view.t * 1000)}
          min={0}
          max={1000}
          onChange={(v) => setDiffusion({ t: v / 1000 })}
          format={(v) => `${(v / 1000).toFixed(3)} (step ${stepOfT(v / 1000, 1000)} of 1000)`}
          testId="t-slider"
        />
        {view.schedule === 'sd3' && (
          <Slider label="SD3 shift s" value={Math.round(view.shift * 10)} min={10} max={100} onChange={(v) => setDiffusion({ shift: v / 10 })} format={(v) => (v / 10).toFixed(1)} testId="shift-slider" />
        )}
        <div className="button-row">
          <label className="check">Noise seed <input type="number" min={0} value={view.seed} className="seed" data-testid="noise-seed" onChange={(e) => setDiffusion({ seed: Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)) })} /></label>
        </div>
      </div>
      <p className="readout" data-testid="diffusion-readout">
        t = {view.t.toFixed(3)} (step {step}): α = {fmtNum(at.alpha)}, σ = {fmtNum(at.sigma)}, λ = {fmtNum(at.logSnr, 2)}, σ_EDM = {fmtNum(at.sigmaEdm)}.
        {drownedNow !== null ? ` Frequencies from ${drownedNow} cycles per image up are drowned.` : pre ? ' No frequency is drowned yet.' : ''}
      </p>
      {view.schedule === 'custom' && (
        <div className="editor-wrap">
          <ScheduleEditor points={view.points} onChange={(points) => setDiffusion({ points })} />
          <p className="hint">Drag the points, or focus one and use the arrow keys (↑↓ λ, ←→ t). λ(t) is kept non-increasing; every view in this panel follows it.</p>
        </div>
      )}
      <div className="image-row">
        <PixelFigure id="diffusion-x0" title="x₀" alt="The image in model space" image={x0Img} name={{ panel: 'diffusion', what: 'x0', params }} />
        <PixelFigure id="diffusion-eps" title="ε (seeded)" alt="The Gaussian noise, shown as 0.5 + ε/4" image={epsImg} name={{ panel: 'diffusion', what: 'noise', params }} />
        <PixelFigure id="diffusion-xt" title={`x_t, t = ${view.t.toFixed(2)}`} alt={`The noised image at t = ${view.t.toFixed(3)}`} image={xt} name={{ panel: 'diffusion', what: 'xt', params }} />
      </div>
      <div className="strip" aria-label="x_t at 8 noise levels evenly spaced in log-SNR">
        {strip.map((e, i) => (
          <button key={i} type="button" className="strip-item" onClick={() => setDiffusion({ t: Math.round(e.t * 1000) / 1000 })} title={`t = ${e.t.toFixed(3)}, λ = ${e.logSnr.toFixed(2)}`}>
            <PixelCanvas image={e.img} className="thumb" />
            <span>λ {e.logSnr.toFixed(1)}</span>
          </button>
        ))}
      </div>
      <p className="hint">Images show (x + 1)/2 (ε and targets: 0.5 + x/4), clipped; x_t is divided by √(α² + σ²). The strip is evenly spaced in λ; click one to go there.</p>
      <div className="chart-row">
        <ChartFigure id="diffusion-schedules" title="Schedules (log-SNR)" chart={scheduleChart} live={{ highlightX: chartT(view.t), description: scheduleDescription(view.schedule, view.t, at.logSnr) }} name={{ panel: 'diffusion', what: 'schedules', params }} />
        <ChartFigure id="diffusion-alpha-sigma" title="α and σ" chart={alphaSigmaChart} live={{ highlightX: chartT(view.t), description: alphaSigmaDescription(view.t, at.alpha, at.sigma) }} name={{ panel: 'diffusion', what: 'alpha-sigma', params }} />
        <ChartFigure id="diffusion-spectrum" title="Spectrum of x_t" chart={spectrumChart} live={spectrumLines ? { series: spectrumLines, markers: drowned ? [{ x: drowned }] : [], description: spectrumText } : undefined} name={{ panel: 'diffusion', what: 'spectrum', params }} />
        <ChartFigure id="diffusion-band-snr" title="SNR per band" chart={snrChart} live={snrLines ? { series: snrLines, markers: drowned ? [{ x: drowned }] : [], description: snrText } : undefined} name={{ panel: 'diffusion', what: 'band-snr', params }} />
      </div>
      {spectra.error && <p className="error-text" role="alert">The spectra failed: {spectra.error}</p>}
      <h3 className="subhead">Training targets at this t</h3>
      <div className="image-row four">
        {targetImgs && (['eps', 'x0', 'v', 'velocity'] as const).map((k) => (
          <PixelFigure key={k} id={`diffusion-target-${k}`} title={k === 'eps' ? 'ε' : k === 'x0' ? 'x₀' : k} alt={`The ${k} target at t = ${tD.toFixed(3)}`} image={targetImgs[k]} name={{ panel: 'diffusion', what: `target-${k}`, params }} />
        ))}
      </div>
      <ChartFigure id="diffusion-target-scale" title="Target scale across t" chart={targetChart} live={{ highlightX: chartT(view.t) }} name={{ panel: 'diffusion', what: 'target-scale', params }} />
      <h3 className="subhead">Loss weighting</h3>
      <div className="controls">
        <div className="field">
          <label htmlFor={weightId}>Weighting</label>
          <select id={weightId} value={view.weighting} data-testid="weighting-select" onChange={(e) => setDiffusion({ weighting: e.currentTarget.value as Weighting })}>
            {WEIGHTINGS.map((k) => <option key={k} value={k}>{WEIGHTING_LABELS[k]}</option>)}
          </select>
        </div>
        {view.weighting === 'min-snr' && (
          <>
            <Slider label="γ" value={view.gamma} min={1} max={20} onChange={(v) => setDiffusion({ gamma: v })} testId="gamma-slider" />
            <div className="field">
              <label htmlFor={predId}>Prediction</label>
              <select id={predId} value={view.target} onChange={(e) => setDiffusion({ target: e.currentTarget.value as typeof view.target })}>
                <option value="eps">ε</option><option value="x0">x₀</option><option value="v">v</option>
              </select>
            </div>
          </>
        )}
      </div>
      <p className={`badge ${elbo ? 'badge-yes' : 'badge-no'}`} data-testid="elbo-badge">
        {elbo ? 'ELBO-equivalent' : 'Not ELBO-equivalent'} on λ ∈ [{LAMBDA_RANGE[0]}, {LAMBDA_RANGE[1]}]: w(λ) {elbo ? 'never increases' : 'increases somewhere'} with λ (Kingma &amp; Gao 2023), judged from the curve.
      </p>
      <ChartFigure id="diffusion-weighting" title="Weighting over λ" chart={weightChart} live={{ markers: lambdaMarker(at.logSnr) }} name={{ panel: 'diffusion', what: 'weighting', params: { ...params, weight: view.weighting } }} />
      <DenoiserSection />
    </Panel>
  );
}
