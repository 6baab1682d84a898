// Sampling from the denoiser: DDPM, DDIM or an Euler flow sampler over the panel's schedule (steps evenly
// spaced in t), a seed, and for digits a class with classifier-free guidance limited to an interval of σ_EDM
// (Kynkäänniemi et al. 2024). Shows the samples with the classifier's verdict, the x̂0 strip of the first one,
// and the time taken; a progress bar, the time left and Cancel while it runs.
import { useId, useMemo, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import { SAMPLER_KINDS } from '../../../core/diffusion/kinds';
import { samplerLevels } from '../../../core/diffusion/levels';
import { GUIDANCE_SIGMA_RANGE, NULL_CLASS, SAMPLE_COUNTS, type Sampler } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { Figure } from '../../components/Figure';
import { PixelCanvas } from '../../components/PixelCanvas';
import { Slider } from '../../components/Slider';
import { isDigitDenoiser, type DenoiserSampleResult, type DenoiserStatus, type DenoiserTarget } from '../../../protocol';
import { drawTiles } from './denoiserCharts';
import { batchCount, CLASS_NAMES, EDM2_INTERVAL, fmtMs, fmtPercent, guidanceInterval, modelImage, modelLogSnrRange, panelSamplerLevels, positionOfSigma, pureNoiseStartNote, sigmaOfPosition, SIGMA_POSITIONS, STEP_CHOICES, stepChoiceIndex } from './denoiserData';
import { fmtNum, SCHEDULE_LABELS, scheduleSpec } from './diffusionData';
import { TimeLeft } from '../../components/TimeLeft';
import { useWorkerAction } from '../../hooks/useWorkerAction';
import { SelectField } from '../../components/SelectField';

const SAMPLER_LABELS: Record<Sampler, string> = {
  ddpm: 'DDPM (ancestral, stochastic)',
  ddim: 'DDIM (η = 0, deterministic)',
  euler: 'Euler (probability-flow ODE)',
};
const STRIP = 8;
const EXPORT_SCALE = 4;

/** What a finished run was asked for, to describe and name its pictures. */
interface Run { result: DenoiserSampleResult; sampler: Sampler; steps: number; seed: number; label: number | null; guidance: number | null; interval: [number, number] | null; schedule: string }

export function SamplerSection({ status, target }: { status: DenoiserStatus; target: DenoiserTarget }) {
  const d = useStore(useShallow((s) => ({
    sampler: s.diffusion.sampler, steps: s.diffusion.sampleSteps, seed: s.diffusion.sampleSeed, count: s.diffusion.sampleCount,
    label: s.diffusion.sampleLabel, guidance: s.diffusion.guidance, lo: s.diffusion.guidanceLo, hi: s.diffusion.guidanceHi,
    schedule: s.diffusion.schedule, points: s.diffusion.points, shift: s.diffusion.shift,
  })));
  const { setDiffusion } = appStore.getState();
  const ids = { seed: useId() };
  const digits = isDigitDenoiser(status.model);
  const sampling = useWorkerAction('denoiser-sample');
  const [run, setRun] = useState<Run | null>(null);
  // Where sampling starts (its first level does not depend on the number of steps) and the schedule's end.
  const startNote = useMemo(() => {
    const spec = scheduleSpec({ schedule: d.schedule, points: d.points });
    const range = modelLogSnrRange(status);
    const first = samplerLevels(spec, 1, { shift: d.shift, minLogSnr: range ? range[0] : undefined })[0];
    return pureNoiseStartNote(first, samplerLevels(spec, 1, { shift: d.shift })[0], SCHEDULE_LABELS[d.schedule]);
  }, [d.schedule, d.points, d.shift, status]);

  function onSample() {
    const v = appStore.getState().diffusion;
    const levels = panelSamplerLevels(v, v.sampleSteps, status);
    const conditional = digits && v.sampleLabel !== NULL_CLASS;
    const interval = conditional ? guidanceInterval(v.guidanceLo, v.guidanceHi) : null;
    const asked = {
      sampler: v.sampler, steps: levels.length - 1, seed: v.sampleSeed, label: digits ? v.sampleLabel : null,
      guidance: conditional ? v.guidance : null, interval, schedule: SCHEDULE_LABELS[v.schedule],
    };
    void sampling.run({
      ...target, sampler: v.sampler, levels, seed: v.sampleSeed, count: v.sampleCount, stripCount: Math.min(STRIP, levels.length - 1),
      ...(digits ? { label: v.sampleLabel } : {}),
      ...(conditional && interval ? { guidance: v.guidance, interval } : {}),
    }).then((o) => {
      if (o.status === 'done') setRun({ result: o.result, ...asked });
    });
  }

  const busy = sampling.working;
  const error = sampling.status === 'cancelled' ? 'Sampling was cancelled; the samples shown are from the previous run.'
    : sampling.status === 'error' ? `Sampling failed: ${sampling.error}` : null;

  const conditional = digits && d.label !== NULL_CLASS;
  const lo = positionOfSigma(d.lo);
  const hi = positionOfSigma(d.hi);
  const fmtSigma = (p: number, end: 'lo' | 'hi') => (p === 0 && end === 'lo' ? '0 (no lower bound)' : p === SIGMA_POSITIONS && end === 'hi' ? '∞ (no upper bound)' : `σ = ${fmtNum(sigmaOfPosition(p))} (λ = ${fmtNum(-2 * Math.log(sigmaOfPosition(p)), 2)})`);

  return (
    <div data-testid="denoiser-sampler">
      <h4 className="subhead">Sample from it</h4>
      <div className="controls">
        <div className="field">
          <SelectField label="Sampler" value={d.sampler} choices={SAMPLER_KINDS} format={(s) => SAMPLER_LABELS[s]} testId="denoiser-sampler-select" onChange={(sampler) => setDiffusion({ sampler })} />
        </div>
        <Slider
          label="Steps" value={stepChoiceIndex(d.steps)} min={0} max={STEP_CHOICES.length - 1}
          onChange={(i) => setDiffusion({ sampleSteps: STEP_CHOICES[i] })}
          format={(i) => `${i === stepChoiceIndex(d.steps) ? d.steps : STEP_CHOICES[i]}`}
          hint="Evenly spaced in t over the panel's schedule, from its noisiest level to clean." testId="denoiser-steps"
        />
        {startNote && <p className="hint" data-testid="denoiser-start-note">{startNote}</p>}
        <div className="button-row">
          <label htmlFor={ids.seed}>Seed</label>
          <input id={ids.seed} type="number" className="seed" min={0} value={d.seed} data-testid="denoiser-sample-seed"
            onChange={(e) => setDiffusion({ sampleSeed: Math.max(0, Math.min(2 ** 31 - 1, Math.floor(Number(e.currentTarget.value) || 0))) })} />
          <SelectField label="Samples" value={d.count} choices={SAMPLE_COUNTS} onChange={(sampleCount) => setDiffusion({ sampleCount })} />
          {digits && (
            <>
              <SelectField
                label="Class" value={d.label} choices={CLASS_NAMES.map((_, i) => i)} format={(i) => (i === NULL_CLASS ? 'none (unconditional)' : CLASS_NAMES[i])}
                testId="denoiser-sample-class" onChange={(sampleLabel) => setDiffusion({ sampleLabel })}
              />
            </>
          )}
        </div>
        {digits && (
          <>
            <Slider
              label="Guidance scale w" value={Math.round(d.guidance * 10)} min={0} max={80}
              onChange={(v) => setDiffusion({ guidance: v / 10 })}
              format={(v) => `${(v / 10).toFixed(1)}${v === 10 ? ' (no guidance)' : v === 0 ? ' (unconditional)' : ''}`}
              hint={conditional ? 'ε = ε_null + w·(ε_class − ε_null) inside the interval below; the class alone outside it.' : 'Pick a class to guide towards; unconditional samples use no guidance.'}
              testId="denoiser-guidance"
              coalesce
            />
            <Slider label="Guidance from σ_lo" value={lo} min={0} max={SIGMA_POSITIONS} onChange={(p) => setDiffusion({ guidanceLo: sigmaOfPosition(Math.min(p, hi)) })} format={(p) => fmtSigma(p, 'lo')} testId="denoiser-guidance-lo" coalesce />
            <Slider label="up to σ_hi" value={hi} min={0} max={SIGMA_POSITIONS} onChange={(p) => setDiffusion({ guidanceHi: sigmaOfPosition(Math.max(p, lo)) })} format={(p) => fmtSigma(p, 'hi')} testId="denoiser-guidance-hi" coalesce />
            <div className="button-row">
              <button type="button" onClick={() => setDiffusion({ guidanceLo: EDM2_INTERVAL[0], guidanceHi: EDM2_INTERVAL[1] })}>Middle noise only (EDM2: σ 0.28–5.42)</button>
              <button type="button" onClick={() => setDiffusion({ guidanceLo: GUIDANCE_SIGMA_RANGE[0], guidanceHi: GUIDANCE_SIGMA_RANGE[1] })}>At every noise level</button>
            </div>
          </>
        )}
      </div>
      <div className="button-row">
        <button type="button" data-testid="denoiser-sample" onClick={onSample} disabled={busy}>{busy ? 'Sampling…' : 'Sample'}</button>
        {busy && <button type="button" data-testid="denoiser-sample-cancel" onClick={sampling.cancel}>Cancel</button>}
        {busy && <progress value={sampling.progress?.fraction ?? 0} max={1} aria-label="Sampling progress" data-testid="denoiser-sample-progress" />}
        {busy && <TimeLeft seconds={sampling.progress?.etaSeconds} />}
      </div>
      {error && <p className="error-text" role="alert" data-testid="denoiser-sample-error">{error}</p>}
      {run && <SampleResults run={run} status={status} />}
    </div>
  );
}

function SampleResults({ run, status }: { run: Run; status: DenoiserStatus }) {
  const { side, channels } = status;
  const { result } = run;
  const count = batchCount(result.images, side, channels);
  const stripCount = count > 0 ? Math.floor(batchCount(result.strip, side, channels) / count) : 0;
  const samples = useMemo(() => Array.from({ length: count }, (_, i) => modelImage(result.images, side, channels, i, 2)), [result, side, channels, count]);
  const strip = useMemo(() => Array.from({ length: stripCount }, (_, i) => modelImage(result.strip, side, channels, i, 2)), [result, side, channels, stripCount]);
  const verdict = (i: number) => (result.predictedClass && result.confidence ? `${result.predictedClass[i]} (${fmtPercent(result.confidence[i])})` : `#${i + 1}`);
  const hits = run.label !== null && run.label !== NULL_CLASS && result.predictedClass ? result.predictedClass.filter((c) => c === run.label).length : null;
  const cols = Math.ceil(Math.sqrt(count));
  const what = `${run.steps} ${run.sampler.toUpperCase()} steps, seed ${run.seed}${run.label !== null ? `, class ${CLASS_NAMES[run.label]}` : ''}${run.guidance !== null ? `, guidance ${run.guidance.toFixed(1)}` : ''}`;
  const params = { model: status.model, sampler: run.sampler, steps: run.steps, seed: run.seed, ...(run.label !== null ? { class: CLASS_NAMES[run.label] } : {}), ...(run.guidance !== null ? { w: run.guidance.toFixed(1) } : {}) };
  // Exports draw each image at EXPORT_SCALE screen pixels per model pixel, captions under them.
  const tiles = (batch: Float32Array, n: number, captions: string[], c: number, title: string) => async () => {
    const canvas = document.createElement('canvas');
    drawTiles(canvas, Array.from({ length: n }, (_, i) => modelImage(batch, side, channels, i, EXPORT_SCALE)), captions, c, title, 2);
    return canvas;
  };
  return (
    <>
      <p className="readout" data-testid="denoiser-samples-readout" aria-live="polite">
        {count} sample{count === 1 ? '' : 's'} in {fmtMs(result.milliseconds)} ({what}, {run.schedule}).
        {hits !== null ? ` The classifier reads ${hits} of ${count} as a ${CLASS_NAMES[run.label as number]}.` : ''}
        {run.interval ? ` Guidance applied for σ_EDM in [${fmtNum(run.interval[0])}, ${fmtNum(run.interval[1])}].` : ''}
      </p>
      <div className="chart-row">
        <Figure id="diffusion-samples" title="Samples" name={{ panel: 'diffusion', what: 'samples', params }} toCanvas={tiles(result.images, count, samples.map((_, i) => verdict(i)), cols, `Samples: ${what}`)}>
          <ol className="strip" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, listStyle: 'none', padding: 0 }} aria-label={`${count} samples with the class the classifier reads`} data-testid="denoiser-samples">
            {samples.map((img, i) => (
              <li key={i} className="strip-item">
                <PixelCanvas image={img} className="thumb" role="img" aria-label={result.predictedClass ? `Sample ${i + 1}, read as ${verdict(i)}` : `Sample ${i + 1}`} />
                <span data-testid="denoiser-sample-class-readout">{verdict(i)}</span>
              </li>
            ))}
          </ol>
        </Figure>
        {stripCount > 0 && (
          <Figure id="diffusion-sample-strip" title="x̂₀ along the run (first sample)" name={{ panel: 'diffusion', what: 'sample-strip', params }} toCanvas={tiles(result.strip, stripCount, result.stripSigma.map((s) => `σ ${fmtNum(s, 2)}`), stripCount, `x̂₀ of sample 1 along the run: ${what}`)}>
            <ol className="strip" style={{ listStyle: 'none', padding: 0 }} aria-label="The first sample's prediction x̂₀ at noise levels along the run, noisiest first" data-testid="denoiser-strip">
              {strip.map((img, i) => (
                <li key={i} className="strip-item">
                  <PixelCanvas image={img} className="thumb" role="img" aria-label={`x̂₀ at σ_EDM ${fmtNum(result.stripSigma[i] ?? NaN, 2)}`} />
                  <span>σ {fmtNum(result.stripSigma[i] ?? NaN, 2)}</span>
                </li>
              ))}
            </ol>
          </Figure>
        )}
      </div>
    </>
  );
}
