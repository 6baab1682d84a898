import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import { logSnrStrip, seededNoiseMemo } from '../../../core/diffusion/forward';
import { scheduleAt, scheduleCurve, SCHEDULE_KINDS, type ScheduleOptions, type ScheduleSpec } from '../../../core/diffusion/schedules';
import type { SpectraPrecomputed } from '../../../core/diffusion/spectrum';
import type { RgbImage } from '../../../core/image';
import { keptWith } from '../../../core/lru';
import { DIFFUSION_SCHEDULES, type DiffusionSchedule } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { keptChart } from '../../charts/keptChart';
import { lineChart } from '../../charts/lineChart';
import { PixelFigure } from '../../components/Figure';
import { PixelCanvas } from '../../components/PixelCanvas';
import { Slider } from '../../components/Slider';
import { imagePayload } from '../../../compute/requests';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import { Panel } from '../Panel';
import { Formula } from '../../formulas/Formula';
import { FORMULAS } from '../../formulas/tex';
import { blendSource, modelSpace, pairMoments, rmsOf, SCHEDULE_LABELS, scheduleSpec, stripSources } from './diffusionData';
import { ScheduleEditor } from './ScheduleEditor';
import { DenoiserSection } from './DenoiserSection';
import {
  AlphaSigmaFigure, alphaSigmaDescription, chartT, CLIP, nameNow, tNow, Readout, ScheduleFigure, scheduleDescription,
  snrSeries, spectraAt, SpectraFigures, spectrumSeries, TargetImages, TargetScaleFigure, TSlider, XtFigure,
  type NameParams,
} from './tParts';
import { ErrorText } from '../../components/ErrorText';
import { WeightingSection } from './WeightingSection';
import { SelectField } from '../../components/SelectField';

/** t values at which the spectra's y ranges are taken: the axes then hold the curves at every t. */
const DOMAIN_TS = Array.from({ length: 41 }, (_, i) => i / 40);
/** Lowest power drawn, relative to the highest (the noise-free signal end has no floor on a log axis). */
const POWER_RANGE = 1e9;
const SNR_LIMITS: [number, number] = [1e-6, 1e6];

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

const keptDomains = keptWith<ReturnType<typeof spectraDomains>>(4);

/** x0 of a working image in model space and ε of a seed, with the side of the image they were made from. */
interface Pair { side: number; seed: number; x0: Float32Array; eps: Float32Array }
/** The last pair made per working image (the pipeline keeps the last few working images, and so these). */
const keptPairs = new WeakMap<RgbImage, Pair>();

/** ε of the panel's seed: a working size just left (or a smaller one) is a view of the kept draw, not a new draw or a copy. */
const noiseOf = seededNoiseMemo();

export function DiffusionPanel() {
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  const sampleId = useStore((s) => s.image.sampleId);
  const size = useStore((s) => s.image.size);
  // Only the keys drawn here, and not t: the parts that follow t (tParts.tsx) read it themselves, so a dragged t
  // re-renders them alone. The denoiser's own controls (sampler, guidance, …) must not re-render the panel either.
  const view = useStore(useShallow((s) => {
    const { schedule, shift, seed, points } = s.diffusion;
    return { schedule, shift, seed, points };
  }));
  const { setDiffusion } = appStore.getState();

  const { schedule, points } = view;
  const spec = useMemo(() => scheduleSpec({ schedule, points }), [schedule, points]);
  const opts = useMemo(() => ({ shift: view.shift }), [view.shift]);
  const sched = { spec, opts };
  const params: NameParams = useMemo(() => ({ img: sampleId, size, sched: view.schedule, seed: view.seed }), [sampleId, size, view.schedule, view.seed]);

  // x0 in model space and the seeded ε: once per image and seed, so dragging t only recombines them. Made after
  // the commit (in an effect), not while rendering: a new image or working size renders every panel again, and
  // their requests to the workers leave in their effects. Made while rendering, x0, ε and the dozen images drawn
  // from them here (50–80 ms at 512²) went first, and the workers waited for them.
  // A pair made before for this image and seed (a working size just left) is taken in the render itself: nothing is
  // computed, and the panel is drawn in one render and one frame instead of two.
  const [made, setPair] = useState<Pair | null>(null);
  const kept = image ? keptPairs.get(image) : undefined;
  const hit = kept?.seed === view.seed ? kept : null;
  // The pair shown is also the one a later miss (a new seed or image) shows until its own is made: not an older one.
  if (hit && made !== hit) setPair(hit);
  const pair = hit ?? made;
  useEffect(() => {
    if (!image || keptPairs.get(image)?.seed === view.seed) return;
    const next = { side: image.width, seed: view.seed, x0: modelSpace(image), eps: noiseOf(image.data.length, view.seed) };
    keptPairs.set(image, next);
    setPair(next);
  }, [image, view.seed]);
  const x0 = pair?.x0 ?? null;
  const eps = pair?.eps ?? null;
  const moments = useMemo(() => (x0 && eps ? pairMoments(x0, eps) : null), [x0, eps]);
  // The side of the image x0 came from (the requested size can run ahead of the working image while it loads).
  const side = pair?.side ?? size;
  // The images are sources (diffusionData.blendSource): each is made at the size its canvas is shown, and whole
  // only for an export, so a working-size change computes the pixels on screen, not ten full-size images.
  const x0Img = useMemo(() => (x0 && eps ? blendSource(x0, eps, side, 1, 0, 0.5) : null), [x0, eps, side]); // (x + 1)/2
  const epsImg = useMemo(() => (x0 && eps ? blendSource(x0, eps, side, 0, 1, 0.25) : null), [x0, eps, side]); // 0.5 + ε/4
  // The targets that do not depend on t (core targets(): x₀, velocity = ε − x₀), as 0.5 + x/4.
  const fixedTargets = useMemo(() => (x0 && eps ? {
    x0: blendSource(x0, eps, side, 1, 0, 0.25),
    velocity: blendSource(x0, eps, side, -1, 1, 0.25),
  } : null), [x0, eps, side]);
  const strip = useMemo(() => {
    if (!x0 || !eps) return [];
    const entries = logSnrStrip(spec, 8, opts);
    const sources = stripSources(x0, eps, side, entries, spec, opts);
    return entries.map((e, i) => ({ ...e, img: sources[i] }));
  }, [x0, eps, spec, opts, side]);

  const spectra = useWorkerRequest('diffusion-spectra', image && (() => ({ image: imagePayload(image, hash), seed: view.seed })), `${hash}|${view.seed}`, { remember: true });
  const pre = spectra.result && spectra.result.n === size ? spectra.result : null;

  const scheduleChart = useMemo(() => {
    const kinds: DiffusionSchedule[] = [...SCHEDULE_KINDS, ...(view.schedule === 'custom' ? ['custom' as const] : [])];
    const t = tNow();
    return lineChart(
      kinds.map((k) => {
        const c = scheduleCurve(k === 'custom' ? spec : k, 101, opts);
        return { id: k, label: k, points: Array.from(c.t, (t, i) => ({ x: t, y: c.logSnr[i] })) };
      }),
      {
        title: 'Noise schedules in log-SNR',
        description: scheduleDescription(view.schedule, t, scheduleAt(spec, t, opts).logSnr),
        xLabel: 't', yLabel: 'log-SNR λ', xDomain: [0, 1], yDomain: [-CLIP, CLIP],
        highlight: { seriesId: view.schedule, x: chartT(t) }, width: 420, height: 280,
      },
    );
  }, [spec, opts, view.schedule]);

  const alphaSigmaChart = useMemo(() => {
    const c = scheduleCurve(spec, 101, opts);
    const t = tNow();
    const at = scheduleAt(spec, t, opts);
    return lineChart(
      [
        { id: 'alpha', label: 'α (signal)', points: Array.from(c.t, (t, i) => ({ x: t, y: c.alpha[i] })) },
        { id: 'sigma', label: 'σ (noise)', points: Array.from(c.t, (t, i) => ({ x: t, y: c.sigma[i] })) },
      ],
      {
        title: `α and σ of ${SCHEDULE_LABELS[view.schedule]}`,
        description: alphaSigmaDescription(t, at.alpha, at.sigma),
        xLabel: 't', yLabel: 'scale', xDomain: [0, 1], yLog: view.schedule === 'edm',
        highlight: { seriesId: 'alpha', x: chartT(t) }, width: 420, height: 220,
      },
    );
  }, [spec, opts, view.schedule]);

  // The spectrum and band-SNR charts are built once per image and schedule on y axes that hold every t of the
  // schedule; a t move then redraws their lines in place (SpectraFigures), not whole new charts.
  // Each chart is kept with the data it is built from (keptChart): a working size just left mounts its charts again,
  // on the axes kept with them.
  const scheduleKey = `${JSON.stringify(spec)}|${opts.shift}`;
  const domains = useMemo(() => (pre ? keptDomains(pre, scheduleKey, () => spectraDomains(pre, spec, opts)) : null), [pre, spec, opts, scheduleKey]);
  const spectraCharts = useMemo(() => {
    if (!pre || !domains) return null;
    let at: ReturnType<typeof spectraAt> | null = null;
    const now = () => (at ??= spectraAt(pre, domains, spec, opts, tNow()));
    return {
      spectrum: keptChart(pre, `spectrum|${scheduleKey}`, () => lineChart(now().spectrum.series, {
        title: 'Radially averaged power spectrum', description: now().spectrum.description,
        xLabel: 'frequency k (cycles per image)', yLabel: 'power', xLog: true, yLog: true, yDomain: domains.spectrum,
        markers: now().spectrum.markers, width: 420, height: 260,
      })),
      snr: keptChart(pre, `snr|${scheduleKey}`, () => lineChart(now().snr.series, {
        title: 'Signal-to-noise ratio per frequency band', description: now().snr.description,
        xLabel: 'frequency k (cycles per image)', yLabel: 'SNR', xLog: true, yLog: true, yDomain: domains.snr,
        markers: now().snr.markers, width: 420, height: 220,
      })),
    };
  }, [pre, domains, spec, opts, scheduleKey]);

  const targetChart = useMemo(() => {
    if (!moments) return null;
    return keptChart(moments, scheduleKey, () => {
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
          xLabel: 't', yLabel: 'RMS (model units)', xDomain: [0, 1], highlight: { seriesId: 'v', x: chartT(tNow()) }, width: 420, height: 220,
        },
      );
    });
  }, [moments, spec, opts, scheduleKey]);

  return (
    <Panel
      id="diffusion"
      title="Diffusion"
      explanation={
        <>
          Diffusion splits generation by noise level: <Formula formula={FORMULAS.noisy} />, one
          denoising sub-task per t. Schedules differ in how they spend t across log-SNR{' '}
          <Formula formula={FORMULAS.logSnr} />. Noise drowns high frequencies first, so
          denoising works coarse to fine — a spectral autoregression. Which target a model predicts and how the
          levels are weighted decide how the sub-tasks share one network.
        </>
      }
    >
      <div className="controls">
        <div className="field">
          <SelectField label="Schedule" value={view.schedule} choices={DIFFUSION_SCHEDULES} format={(k) => SCHEDULE_LABELS[k]} testId="schedule-select" onChange={(schedule) => setDiffusion({ schedule })} />
        </div>
        <TSlider />
        {view.schedule === 'sd3' && (
          <Slider label="SD3 shift s" value={Math.round(view.shift * 10)} min={10} max={100} onChange={(v) => setDiffusion({ shift: v / 10 })} format={(v) => (v / 10).toFixed(1)} testId="shift-slider" coalesce />
        )}
        <div className="button-row">
          <label className="check">Noise seed <input type="number" min={0} value={view.seed} className="seed" data-testid="noise-seed" onChange={(e) => setDiffusion({ seed: Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)) })} /></label>
        </div>
      </div>
      <Readout {...sched} pre={pre} />
      {view.schedule === 'custom' && (
        <div className="editor-wrap">
          <ScheduleEditor points={view.points} onChange={(points) => setDiffusion({ points })} />
          <p className="hint">Drag the points, or focus one and use the arrow keys (↑↓ λ, ←→ t). λ(t) is kept non-increasing; every view in this panel follows it.</p>
        </div>
      )}
      <div className="image-row">
        <PixelFigure id="diffusion-x0" title="x₀" alt="The image in model space" image={x0Img} name={nameNow('x0', params)} />
        <PixelFigure id="diffusion-eps" title="ε (seeded)" alt="The Gaussian noise, shown as 0.5 + ε/4" image={epsImg} name={nameNow('noise', params)} />
        <XtFigure {...sched} x0={x0} eps={eps} side={side} params={params} />
      </div>
      <div className="strip" aria-label="x_t at 8 noise levels evenly spaced in log-SNR">
        {strip.map((e, i) => (
          <button key={i} type="button" className="strip-item" onClick={() => setDiffusion({ t: Math.round(e.t * 1000) / 1000 })} title={`t = ${e.t.toFixed(3)}, λ = ${e.logSnr.toFixed(2)}`}>
            <PixelCanvas image={e.img} className="thumb" fit />
            <span>λ {e.logSnr.toFixed(1)}</span>
          </button>
        ))}
      </div>
      <p className="hint">Images show (x + 1)/2 (ε and targets: 0.5 + x/4), clipped; x_t is divided by √(α² + σ²). The strip is evenly spaced in λ; click one to go there.</p>
      <div className="chart-row">
        <ScheduleFigure {...sched} schedule={view.schedule} chart={scheduleChart} params={params} />
        <AlphaSigmaFigure {...sched} chart={alphaSigmaChart} params={params} />
        <SpectraFigures {...sched} pre={pre} domains={domains} spectrumChart={spectraCharts?.spectrum ?? null} snrChart={spectraCharts?.snr ?? null} params={params} />
      </div>
      {spectra.error && <ErrorText onRetry={spectra.retry}>The spectra failed: {spectra.error}</ErrorText>}
      <h3 className="subhead">Training targets at this t</h3>
      <Formula formula={FORMULAS.targets} block />
      <TargetImages {...sched} x0={x0} eps={eps} side={side} epsImg={epsImg} fixed={fixedTargets} params={params} />
      <TargetScaleFigure chart={targetChart} params={params} />
      <Formula formula={FORMULAS.targetUnits} block />
      <WeightingSection spec={spec} opts={opts} params={params} />
      <DenoiserSection />
    </Panel>
  );
}
