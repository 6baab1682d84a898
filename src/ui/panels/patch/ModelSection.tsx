// The Patch-order panel's model: a tiny causal transformer per ordering, trained on MNIST digits (shipped
// weights) or on 32×32 crops of the current image (a fresh model trained here). It loads on request (a button,
// so start-up stays fast), then shows its held-out loss per patch and per step against the simple predictors,
// its next-patch prediction next to the truth, samples patch by patch, and trains in the model worker
// (pause/resume, reset; digit models save in this browser). All model work goes through the worker client.
import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ORDERING_LABELS } from '../../../core/orderings';
import { specKey, type OrderingSpec } from '../../../core/patch/analysis';
import { useStore } from '../../../state/store';
import { lineChart } from '../../charts/lineChart';
import { trainingLossChart } from '../../charts/trainingLossChart';
import { ChartFigure, Figure, PixelFigure } from '../../components/Figure';
import { LoadStatus } from '../../components/LoadStatus';
import { Slider } from '../../components/Slider';
import { TrainControls } from '../../components/TrainControls';
import { useModelLoad } from '../../hooks/useModelLoad';
import { useTrainer } from '../../hooks/useTrainer';
import { useReducedMotion } from '../../hooks/useReducedMotion';
import { imagePayload, publicBase } from '../../../compute/requests';
import { useWorkerAction } from '../../hooks/useWorkerAction';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import { getComputeClient } from '../../../compute/client';
import type { PatchDataKind, PatchGeneration, PatchModelStatus, PatchModelTarget, PatchSampleMode } from '../../../protocol';
import { digitAtStep, drawHeatmap, fmtMse, heatmapSize, heatmapTable, heatmapText, HEATMAP_CELL, niceMax } from './modelDraw';
import { canvasColours } from '../../charts/canvas';
import { usePrefersDark } from '../../hooks/useMediaQuery';
import { PATCH_MODEL_PARAMS } from './modelFacts';
import { ErrorText } from '../../components/ErrorText';
import { SelectField } from '../../components/SelectField';

const SOURCE_TEXT: Record<PatchModelStatus['source'], string> = {
  shipped: 'the shipped pretrained weights',
  indexeddb: 'the weights you saved in this browser',
  fresh: 'fresh, untrained weights',
};
const DATA_LABELS: Record<PatchDataKind, string> = {
  digits: 'MNIST digits (28×28, shipped weights)',
  crops: '32×32 crops of the current image',
};
const SAMPLE_MODES: Record<PatchDataKind, [PatchSampleMode, string][]> = {
  digits: [['bernoulli', 'pixels on with their predicted probability'], ['mean', 'predicted mean (deterministic, blurry)']],
  crops: [['gaussian', 'predicted mean plus noise (σ 0.1)'], ['mean', 'predicted mean (deterministic, blurry)']],
};
/** Generated digits are revealed one patch per tick. */
const REVEAL_MS = 40;
const TEST_IDS = {
  steps: 'model-train-steps', train: 'model-train', pause: 'model-pause', reset: 'model-reset', save: 'model-save',
  readout: 'model-train-readout', error: 'model-action-error',
};

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

// No props: the panel's step slider and other controls re-render the panel, not this section.
export const ModelSection = memo(function ModelSection() {
  const ordering = useStore((s) => s.patch.ordering);
  const seed = useStore((s) => s.patch.seed);
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  const [data, setData] = useState<PatchDataKind>('digits');
  const crops = data === 'crops';
  const noun = crops ? 'crop' : 'digit';
  const randomSeed = ordering === 'random' ? seed : null; // only the random order has a seed
  const spec = useMemo<Extract<OrderingSpec, { seed?: number }> | null>(
    () => (ordering === 'custom' ? null : randomSeed !== null ? { kind: 'random', seed: randomSeed } : { kind: ordering }),
    [ordering, randomSeed],
  );
  const orderKey = spec ? specKey(spec) : 'custom';
  const key = crops ? `crops|${orderKey}` : orderKey; // the worker's model key (status.key)
  const label = ordering === 'custom' ? 'custom' : ORDERING_LABELS[ordering];
  // Crop models follow the working image: a new one re-evaluates (held-out crops of it) and pauses training.
  const cropHash = crops ? hash : '';
  const hasImage = !crops || image !== null;
  const target = useMemo(() => (spec && hasImage ? { ordering: spec, baseUrl: publicBase(), data } : null), [spec, hasImage, data]);
  // What is loaded: the target, and for a crop model the image it follows.
  const loadTarget = useMemo(() => (target ? { target, cropHash } : null), [target, cropHash]);
  // Each request gets its own copy of the image: the client transfers (detaches) the buffer it sends.
  const imageRef = useRef({ image, hash });
  imageRef.current = { image, hash };
  const withImage = <T extends Omit<PatchModelTarget, 'image'>>(t: T): T & { image?: PatchModelTarget['image'] } => {
    const { image: img, hash: h } = imageRef.current;
    return t.data === 'crops' && img ? { ...t, image: imagePayload(img, h) } : t;
  };

  const [requested, setRequested] = useState(false);
  const [status, setStatus] = useState<PatchModelStatus | null>(null);
  const current = status && status.key === key ? status : null;
  // Load (or re-read) the model for this ordering, once the user asked for it; reload re-reads it (after training).
  const { load, reload, cancel: cancelLoad } = useModelLoad('patch-model-load', requested ? loadTarget : null, (l) => withImage(l.target), { onResult: setStatus });

  const [step, setStep] = useState(24); // the centre patch in raster order: a step with something to predict
  const [digit, setDigit] = useState(0);
  const [logScale, setLogScale] = useState(true);
  const [modes, setModes] = useState<Record<PatchDataKind, PatchSampleMode>>({ digits: 'bernoulli', crops: 'gaussian' });
  const mode = modes[data];
  const [gen, setGen] = useState<{ key: string; steps: number; result: PatchGeneration } | null>(null);
  const [revealed, setRevealed] = useState(0);
  const generate = useWorkerAction('patch-model-generate');
  const generations = useRef(0);
  const ids = { digit: useId(), heading: useId() };

  // Training belongs to one model (and a crop model to one image): switching pauses it (the worker keeps its
  // state for a later resume).
  const trainer = useTrainer<PatchModelStatus>({
    modelKey: key,
    pauseKey: cropHash,
    sessionLosses: current?.losses,
    initialSteps: 200,
    train: target && current ? (steps, batch, options) => getComputeClient().request('patch-model-train', withImage({ ...target, steps, batch }), options) : null,
    command: target ? (kind) => getComputeClient().request(`patch-model-${kind}`, withImage(target)) : null,
    onStatus: setStatus,
    onStopped: reload, // re-evaluate the trained weights on the held-out data
    checkpoint: current?.checkpoint,
  });
  const { training, losses } = trainer;

  // Another source has another number of held-out examples.
  const example = current ? Math.min(digit, current.heldoutCount - 1) : digit;
  const prediction = useWorkerRequest(
    'patch-model-predict',
    current && target ? () => withImage({ ...target, digit: example }) : null,
    `${key}|${cropHash}|${example}|${current?.version ?? 0}`,
  );
  // The last answer stays until the next arrives; never draw another ordering's prediction on this one's grid.
  const pred = prediction.result && prediction.result.key === key ? prediction.result : null;

  const n = current ? current.order.length : 49;
  const s = Math.min(step, n - 1);
  const geo = useMemo(() => (current ? { side: current.side, patch: current.patch, order: current.order, channels: current.channels } : null), [current]);
  const exportParams = { order: orderKey, ...(crops ? { data: 'crops' } : {}), step: s };

  // Generated digits appear patch by patch (at once when the user asked for reduced motion).
  const reducedMotion = useReducedMotion();
  useEffect(() => {
    if (!gen) return;
    const total = gen.steps;
    if (reducedMotion) {
      setRevealed(total);
      return;
    }
    setRevealed(0);
    const id = setInterval(() => {
      setRevealed((r) => {
        if (r + 1 >= total) clearInterval(id);
        return Math.min(total, r + 1);
      });
    }, REVEAL_MS);
    return () => clearInterval(id);
  }, [gen, reducedMotion]);

  const heat = useMemo(() => {
    if (!current) return null;
    const cells = new Float32Array(n);
    const steps = new Int32Array(n);
    current.order.forEach((cell, i) => {
      cells[cell] = current.perStepMse[i];
      steps[cell] = i;
    });
    return { rows: current.rows, cols: current.cols, cells, steps, max: niceMax(Math.max(...current.perStepMse)) };
  }, [current, n]);

  // Built once per model and axis; the step marker moves on the built chart (ChartFigure's `live`).
  const modelSeries = useMemo(
    () => (current ? { id: 'model', label: 'transformer', points: current.perStepMse.map((y, x) => ({ x, y })), color: '#1f5fa8' } : null),
    [current],
  );
  const perStepChart = useMemo(() => {
    if (!current || !modelSeries) return null;
    const pts = (v: number[]) => v.map((y, x) => ({ x, y }));
    return lineChart(
      [
        modelSeries,
        { id: 'copy', label: 'copy', points: pts(current.baselines.copy), color: '#e15759' },
        { id: 'mean', label: 'mean', points: pts(current.baselines.mean), color: '#59a14f' },
        { id: 'linear', label: 'linear', points: pts(current.baselines.linear), color: '#b07aa1' },
      ],
      {
        title: 'Held-out loss per step',
        description: `Next-patch MSE at each step of the ${label} order on ${current.heldoutCount} held-out ${noun}s: the transformer (mean ${fmtMse(current.meanMse)}) against copying the nearest generated patch (${fmtMse(mean(current.baselines.copy))}), the mean of the generated neighbours (${fmtMse(mean(current.baselines.mean))}) and a per-image linear fit (${fmtMse(mean(current.baselines.linear))}).${logScale ? ' Logarithmic y axis; exact zeros are left out.' : ''}`,
        xLabel: 'step s', yLabel: 'MSE (pixels in [0,1])', xDomain: [0, n - 1], yLog: logScale,
        highlight: { seriesId: 'model', x: 0 },
        formatY: fmtMse,
        width: 420, height: 260,
      },
    );
  }, [current, modelSeries, label, logScale, n, noun]);

  const lossChart = useMemo(
    () => (losses.length === 0 ? null : trainingLossChart(losses, {
      title: 'Training loss', measure: 'Mean squared error of each training batch', yLabel: 'batch MSE', format: fmtMse, formatY: fmtMse,
    })),
    [losses],
  );

  const predictionImage = useMemo(() => {
    if (!geo || !pred) return null;
    const dim = geo.patch * geo.patch * geo.channels;
    const next = pred.predictions.subarray(s * dim, (s + 1) * dim);
    return digitAtStep(geo, pred.truth, s, { next });
  }, [geo, pred, s]);
  const truthImage = useMemo(() => (geo && pred ? digitAtStep(geo, pred.truth, s, { fadeFuture: true }) : null), [geo, pred, s]);
  const genImage = useMemo(() => (geo && gen && gen.key === key ? digitAtStep(geo, gen.result.image, revealed) : null), [geo, gen, key, revealed]);

  async function onGenerate() {
    if (!target) return;
    trainer.setError(null);
    const sampleNo = generations.current++;
    const asked = { key, steps: n };
    const o = await generate.run(withImage({ ...target, seed: seed + sampleNo, mode }));
    if (o.status === 'done') setGen({ ...asked, result: o.result });
    else if (o.status === 'error') trainer.setError(`Generating failed: ${o.error}`);
  }

  return (
    <section className="model-section" aria-labelledby={ids.heading} data-testid="patch-model">
      <h3 id={ids.heading} className="subhead">The model: a tiny causal transformer</h3>
      {crops ? (
        <p className="hint">
          A two-layer transformer ({(current?.paramCount ?? PATCH_MODEL_PARAMS.crops).toLocaleString('en')} parameters), fresh and trained here on random 32×32 crops of the current image,
          predicts each 4×4 RGB patch of a crop from the patches before it in the chosen order; it is scored on a fixed, seeded set of {current?.heldoutCount ?? 64} held-out crops of the same image (which training crops may overlap).
          Crop models live for this session only.
        </p>
      ) : (
        <p className="hint">
          A two-layer transformer ({(current?.paramCount ?? PATCH_MODEL_PARAMS.digits).toLocaleString('en')} parameters) trained on MNIST digits predicts each 4×4 patch of a 28×28 digit
          from the patches before it in the chosen order; its loss at each step shows how hard that sub-task really is.
        </p>
      )}
      <div className="button-row">
        <SelectField label="Train and evaluate on" value={data} choices={Object.keys(DATA_LABELS) as PatchDataKind[]} format={(d) => DATA_LABELS[d]} disabled={training} testId="model-data" onChange={setData} />
      </div>
      {!spec && (
        <p className="hint" role="note" data-testid="model-custom-note">
          Custom orders apply to the image grid above; the {noun} model uses a {crops ? '8×8' : '7×7'} grid of patches, so pick another ordering to see it.
        </p>
      )}
      {spec && !requested && (
        <button type="button" data-testid="model-load" onClick={() => setRequested(true)}>Load the model</button>
      )}
      {spec && (
        <LoadStatus load={load} label="Loading the model" failed="The model could not load:" onRetry={reload} onCancel={cancelLoad} testIds={{ progress: 'model-progress', error: 'model-error' }} />
      )}
      {spec && current && geo && heat && (
        <>
          <p className="readout" data-testid="model-readout">
            {ORDERING_LABELS[spec.kind]} order, {crops ? 'a crop model: fresh weights trained only in this session' : SOURCE_TEXT[current.source]}
            {current.trainedSteps !== null ? ` (${current.trainedSteps.toLocaleString('en')} training steps)` : ''}, on {current.backend || 'tfjs'}.
            Held-out MSE {fmtMse(current.meanMse)}; copy {fmtMse(mean(current.baselines.copy))}, mean {fmtMse(mean(current.baselines.mean))},
            linear {fmtMse(mean(current.baselines.linear))}.
            {current.saved && current.source !== 'indexeddb' ? ' A copy you saved earlier is in this browser.' : ''}
          </p>
          {current.note && <p className="hint" role="note" data-testid="model-note">{current.note}</p>}
          {training && <p className="hint">These charts show the weights from before this training run; they update when it stops.</p>}
          <div className="chart-row">
            <HeatmapFigure
              heat={heat}
              current={current.order[s]}
              onPick={(cell) => setStep(heat.steps[cell])}
              name={{ panel: 'patch', what: 'model-heatmap', params: exportParams }}
              label={label}
            />
            <ChartFigure id="patch-model-per-step" title="Held-out loss per step" chart={perStepChart} live={{ highlightX: s }} name={{ panel: 'patch', what: 'model-per-step', params: exportParams }} />
          </div>
          <label className="check"><input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.currentTarget.checked)} /> Logarithmic loss axis</label>
          <Slider
            label="Model step s"
            value={s}
            min={0}
            max={n - 1}
            onChange={setStep}
            format={(v) => `${v} (held-out MSE ${fmtMse(current.perStepMse[v])})`}
            testId="model-step-slider"
          />
          <div className="button-row">
            <label htmlFor={ids.digit}>Held-out {noun}</label>
            <input
              id={ids.digit}
              type="number"
              className="seed"
              min={0}
              max={current.heldoutCount - 1}
              value={example}
              data-testid="model-digit"
              onChange={(e) => setDigit(Math.min(current.heldoutCount - 1, Math.max(0, Math.floor(Number(e.currentTarget.value) || 0))))}
            />
            <button type="button" onClick={() => setDigit((d) => (Math.min(d, current.heldoutCount - 1) + 1 + Math.floor(Math.random() * (current.heldoutCount - 1))) % current.heldoutCount)}>Another {noun}</button>
          </div>
          {prediction.error && <ErrorText onRetry={prediction.retry}>The prediction failed: {prediction.error}</ErrorText>}
          <div className="image-row">
            <PixelFigure
              id="patch-model-prediction"
              title={`Prediction at step ${s}`}
              image={predictionImage}
              alt={`${crops ? 'Crop' : 'Digit'} ${example}: the true patches of steps 0 to ${s - 1}, the model's prediction for step ${s} outlined, later patches grey`}
              name={{ panel: 'patch', what: 'model-prediction', params: { ...exportParams, [noun]: example } }}
            />
            <PixelFigure
              id="patch-model-truth"
              title="Truth"
              image={truthImage}
              alt={`${crops ? 'Crop' : 'Digit'} ${example} as it is, the patch of step ${s} outlined, later patches faded`}
              name={{ panel: 'patch', what: 'model-truth', params: { ...exportParams, [noun]: example } }}
            />
          </div>
          {pred && (
            <p className="readout" data-testid="model-prediction-readout">
              Step {s}: this {noun}'s next-patch MSE is {fmtMse(pred.perStepMse[s])} (held-out mean at this step {fmtMse(current.perStepMse[s])}).
            </p>
          )}

          <h4 className="subhead">Sample a {noun}</h4>
          <div className="button-row">
            <button type="button" data-testid="model-generate" onClick={() => void onGenerate()} disabled={generate.working}>{generate.working ? 'Generating…' : 'Generate'}</button>
            <SelectField
              label="Sampling" value={mode} choices={SAMPLE_MODES[data].map(([m]) => m)} format={(m) => SAMPLE_MODES[data].find(([x]) => x === m)?.[1]}
              onChange={(m) => setModes((ms) => ({ ...ms, [data]: m }))}
            />
          </div>
          {genImage && gen && (
            <div className="image-row">
              <PixelFigure
                id="patch-model-generated"
                title={revealed < n ? `Generating: ${revealed} of ${n} patches` : `Generated (sample ${gen.result.seed})`}
                image={genImage}
                alt={`A ${noun} sampled patch by patch in the ${label} order: ${revealed} of ${n} patches shown`}
                name={{ panel: 'patch', what: 'model-generated', params: { order: orderKey, ...(crops ? { data: 'crops' } : {}), sample: gen.result.seed, mode: gen.result.mode } }}
              />
            </div>
          )}

          <TrainControls
            trainer={trainer} backend={current.backend} canSave={!crops} saved={current.saved} batchItem={noun} formatLoss={fmtMse} rateDigits={1}
            resetsTo={current.source === 'fresh' ? 'fresh' : 'the shipped'} trainsOn={crops ? ', on random crops of the current image' : undefined} testIds={TEST_IDS}
          />
          {lossChart && (
            <ChartFigure id="patch-model-loss" title="Training loss" chart={lossChart} name={{ panel: 'patch', what: 'model-loss', params: { order: orderKey, ...(crops ? { data: 'crops' } : {}), steps: losses.length } }} />
          )}
        </>
      )}
    </section>
  );
});

interface HeatmapFigureProps {
  heat: { rows: number; cols: number; cells: Float32Array; steps: Int32Array; max: number };
  current: number;
  onPick(cell: number): void;
  name: { panel: string; what: string; params: Record<string, string | number> };
  label: string;
}

/** Held-out loss per patch position, coloured on the 7×7 grid, the current step's patch outlined. */
function HeatmapFigure({ heat, current, onPick, name, label }: HeatmapFigureProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const data = useMemo(() => ({ ...heat, current, title: `Held-out loss per patch, ${label} order` }), [heat, current, label]);
  // Repainted when the system's colour scheme changes: the ground and labels take the page's chart colours.
  const dark = usePrefersDark();
  useLayoutEffect(() => {
    if (ref.current) drawHeatmap(ref.current, data, Math.max(1, Math.min(3, window.devicePixelRatio || 1)), false, canvasColours(ref.current));
  }, [data, dark]);
  const size = heatmapSize(heat.rows, heat.cols);
  const text = heatmapText(heat, heat.steps);
  const toCanvas = async () => {
    const out = document.createElement('canvas');
    drawHeatmap(out, data, 2, true);
    return out;
  };
  let lo = 0;
  let hi = 0;
  heat.cells.forEach((v, i) => {
    if (v < heat.cells[lo]) lo = i;
    if (v > heat.cells[hi]) hi = i;
  });
  const where = (i: number) => `row ${Math.floor(i / heat.cols) + 1}, column ${(i % heat.cols) + 1}`;
  return (
    <Figure id="patch-model-heatmap" title="Held-out loss per patch" name={name} toCanvas={toCanvas} csv={() => heatmapTable(heat, heat.steps)}>
      <canvas
        ref={ref}
        className="heatmap"
        style={{ width: size.width, maxWidth: '100%', aspectRatio: `${size.width} / ${size.height}` }}
        role="img"
        aria-label={`Held-out next-patch MSE of each patch in the ${label} order, from ${fmtMse(heat.cells[lo])} (${where(lo)}) to ${fmtMse(heat.cells[hi])} (${where(hi)}); the current step's patch is outlined. Colour scale 0 to ${fmtMse(heat.max)}.`}
        title={text}
        data-testid="canvas-patch-model-heatmap"
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const px = ((e.clientX - r.left) / r.width) * size.width;
          const py = ((e.clientY - r.top) / r.height) * size.height;
          const c = Math.floor(px / HEATMAP_CELL);
          const row = Math.floor(py / HEATMAP_CELL);
          if (c >= 0 && c < heat.cols && row >= 0 && row < heat.rows) onPick(row * heat.cols + c);
        }}
      />
    </Figure>
  );
}
