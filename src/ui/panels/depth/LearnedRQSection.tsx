// The Depth panel's learned residual-quantization auto-encoder: pick a shipped model (objective (a) or (b),
// depth 4/8/16, shared or per-depth codebooks), load it (a button, so start-up stays fast), then see its
// held-out PSNR per depth next to the other shipped models, how many digits get worse with more depth (next to
// the talk's reported numbers, and over the training run when the script recorded checkpoints), one digit
// rebuilt depth by depth, codebook health per depth, and train it here (LearnedRQTrain). All model work goes
// through the worker client.
import { memo, useId, useMemo, useRef, useState } from 'react';
import { useStore } from '../../../state/store';
import { RQAE_SHIPPED_MODELS, type RqaeComparison, type RqaeDataKind, type RqaeModelStatus, type RqaeModelTarget } from '../../../protocol';
import { ChartFigure, PixelFigure } from '../../components/Figure';
import { LoadStatus } from '../../components/LoadStatus';
import { useModelLoad } from '../../hooks/useModelLoad';
import { Slider } from '../../components/Slider';
import { imagePayload, publicBase } from '../../../compute/requests';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import {
  checkpointChart, digitMseChart, fmtDb, healthChart, modelChoiceLabel, modelLabel, nonMonotoneChart, nonMonotoneThresholdChart, pct, psnrChart, toRgb, usageChart,
  type CheckpointRun, type Measured,
} from './learnedRqCharts';
import { LearnedRQTrain } from './LearnedRQTrain';
import { ErrorText } from '../../components/ErrorText';
import { SelectField } from '../../components/SelectField';

const SOURCE_TEXT: Record<RqaeModelStatus['source'], string> = {
  shipped: 'the shipped pretrained weights',
  indexeddb: 'the weights you saved in this browser',
  fresh: 'fresh weights trained only in this session',
};

const DATA_LABELS: Record<RqaeDataKind, string> = {
  digits: 'MNIST digits (28×28, shipped weights)',
  crops: '32×32 crops of the current image (fresh model)',
};

export const LearnedRQSection = memo(function LearnedRQSection() {
  const [modelKey, setModelKey] = useState('summed-d8');
  const [requested, setRequested] = useState(false);
  const [status, setStatus] = useState<RqaeModelStatus | null>(null);
  const [comparison, setComparison] = useState<RqaeComparison | null>(null);
  const [depth, setDepth] = useState(8);
  const [digit, setDigit] = useState(0);
  const [training, setTraining] = useState(false);
  const [data, setData] = useState<RqaeDataKind>('digits');
  const [perDepth, setPerDepth] = useState(false);
  const ids = { heading: useId(), digit: useId() };
  const crops = data === 'crops';
  const noun = crops ? 'crop' : 'digit';
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  // Crop models follow the working image: a new one re-evaluates on held-out crops of it.
  const cropHash = crops ? hash : '';
  const perDepthHere = crops && perDepth; // the shipped digit models share one codebook
  const statusKey = crops ? `crops|${modelKey}${perDepthHere ? '|per-depth' : ''}` : modelKey;
  const target = useMemo<RqaeModelTarget>(
    () => ({ model: modelKey, baseUrl: publicBase(), data, ...(perDepthHere ? { perDepthCodebooks: true } : {}) }),
    [modelKey, data, perDepthHere],
  );
  // What is loaded: the target, and for a crop model the image it follows.
  const loadTarget = useMemo(() => ({ target, cropHash }), [target, cropHash]);
  // Each request gets its own copy of the image: the client transfers (detaches) the buffer it sends.
  const imageRef = useRef({ image, hash });
  imageRef.current = { image, hash };
  const withImage = <T extends RqaeModelTarget>(t: T): T => {
    const { image: img, hash: h } = imageRef.current;
    return t.data === 'crops' && img ? { ...t, image: imagePayload(img, h) } : t;
  };
  const current = status && status.key === statusKey ? status : null;

  // reload re-reads the model's status (its held-out numbers after training).
  const { load, reload, cancel: cancelLoad } = useModelLoad('rqae-load', requested && !(crops && !image) ? loadTarget : null, (l) => withImage(l.target), { onResult: setStatus });

  // Once a model is loaded, measure every shipped model on the same digits for the overlay and the bars.
  const loaded = current !== null;
  const { load: compare, reload: remeasure, cancel: cancelCompare } = useModelLoad(
    'rqae-compare',
    requested && !comparison && loaded && !crops ? target.baseUrl : null,
    (baseUrl) => ({ baseUrl }),
    { onResult: setComparison, startLabel: 'Measuring the shipped models' },
  );

  const D = current?.depth ?? 8;
  const d = Math.min(Math.max(1, depth), D);
  const example = current ? Math.min(digit, current.heldoutCount - 1) : digit;
  const recon = useWorkerRequest('rqae-reconstruct', current ? () => withImage({ ...target, digit: example }) : null, `${statusKey}|${cropHash}|${example}|${current?.version ?? 0}`);
  const rec = recon.result && recon.result.key === statusKey ? recon.result : null;

  // The loaded model's live numbers win over the comparison's (they differ after training here); the shipped
  // digit models are no comparison for a crop model.
  const others = useMemo(() => (crops ? [] : (comparison?.models ?? []).filter((m) => m.model !== modelKey)), [comparison, crops, modelKey]);
  const curves = useMemo(() => {
    const list = others.map((m) => ({ model: m.model, psnrPerDepth: m.psnrPerDepth }));
    return current ? [...list, { model: modelKey, psnrPerDepth: current.psnrPerDepth }] : list;
  }, [others, current, modelKey]);
  const measured = useMemo<Measured[]>(() => {
    const list: Measured[] = [...others];
    if (current) list.push({ model: modelKey, depth: current.depth, objective: current.objective, nonMonotoneFraction: current.nonMonotoneFraction, nonMonotoneByThreshold: current.nonMonotoneByThreshold });
    return RQAE_SHIPPED_MODELS.flatMap((s) => list.filter((m) => m.model === s.key));
  }, [others, current, modelKey]);
  // The training script's checkpoints (shipped weights only: they describe the run that made them).
  const runs = useMemo<CheckpointRun[]>(() => {
    if (crops) return [];
    const list: CheckpointRun[] = others.flatMap((m) => (m.checkpoints?.length ? [{ model: m.model, checkpoints: m.checkpoints }] : []));
    const mine = current?.source === 'shipped' ? current.recorded?.checkpoints : undefined;
    if (mine?.length) list.push({ model: modelKey, checkpoints: mine });
    return RQAE_SHIPPED_MODELS.flatMap((s) => list.filter((r) => r.model === s.key));
  }, [crops, others, current, modelKey]);
  const heldout = current?.heldoutCount ?? 0;
  const checkpoints = useMemo(() => (runs.length > 0 ? checkpointChart(runs, heldout) : null), [runs, heldout]);
  const charts = useMemo(() => {
    if (!current) return null;
    return {
      psnr: psnrChart(curves, modelKey, d, heldout, noun),
      bars: nonMonotoneChart(measured, heldout, noun),
      thresholds: nonMonotoneThresholdChart(measured, heldout, noun),
      perplexity: healthChart(current.health, 'perplexity', current.codebookSize),
      dead: healthChart(current.health, 'dead', current.codebookSize),
    };
  }, [current, curves, measured, modelKey, d, heldout, noun]);
  const usage = useMemo(() => (current ? usageChart(current.health[d - 1], d) : null), [current, d]);
  const digitChart = useMemo(() => (rec ? digitMseChart(rec.msePerDepth, d, rec.digit, noun) : null), [rec, d, noun]);
  const images = useMemo(() => {
    if (!current || !rec) return null;
    const size = current.side * current.side * current.channels;
    return { truth: toRgb(rec.truth, current.side, current.channels), recon: toRgb(rec.reconstructions, current.side, current.channels, (d - 1) * size) };
  }, [current, rec, d]);
  const params = { model: modelKey, ...(crops ? { data: 'crops' } : {}), ...(perDepthHere ? { codebooks: 'per-depth' } : {}), depth: d };
  const rose = rec && d > 1 && rec.msePerDepth[d - 1] > rec.msePerDepth[d - 2] * (1 + 1e-6);

  return (
    <section className="model-section" aria-labelledby={ids.heading} data-testid="rqae-section">
      <h3 id={ids.heading} className="subhead">Learned RQ auto-encoder</h3>
      <p className="hint">
        A small convolutional auto-encoder turns a 28×28 digit into a 7×7 grid of latent vectors and quantizes each one
        residually with D codes from one shared codebook of 128 codewords (or one per depth). Objective (a) is RQ-VAE&apos;s:
        the reconstruction at full depth only, the encoder committed to every partial sum, each codeword pulled toward the
        residuals it quantizes; objective (b) sums the reconstruction losses of every depth — the one the talk analyses,
        where later codes can make the reconstruction worse.
      </p>
      <div className="button-row">
        <SelectField
          label="Model" value={modelKey} choices={RQAE_SHIPPED_MODELS.map((m) => m.key)} disabled={training} testId="rqae-model" onChange={setModelKey}
          format={modelChoiceLabel}
        />
        <SelectField label="Data" value={data} choices={Object.keys(DATA_LABELS) as RqaeDataKind[]} format={(k) => DATA_LABELS[k]} disabled={training} testId="rqae-data" onChange={setData} />
        {crops && (
          <label className="check">
            <input type="checkbox" checked={perDepth} disabled={training} data-testid="rqae-per-depth" onChange={(e) => setPerDepth(e.currentTarget.checked)} /> One codebook per depth
          </label>
        )}
        {!requested && <button type="button" data-testid="rqae-load" onClick={() => setRequested(true)}>Load the model</button>}
      </div>
      {crops && !image && <p className="hint" role="note">Pick an image first: the crop model trains on 32×32 crops of it.</p>}
      <LoadStatus load={load} label="Loading the RQ auto-encoder" failed="The model could not load:" onRetry={reload} onCancel={cancelLoad} testIds={{ progress: 'rqae-progress', error: 'rqae-error' }} />
      {current && charts && (
        <>
          <p className="readout" data-testid="rqae-readout">
            {modelLabel(modelKey)}: {SOURCE_TEXT[current.source]}
            {current.trainedSteps !== null ? ` (${current.trainedSteps.toLocaleString('en')} training steps)` : ''}, {current.paramCount.toLocaleString('en')} parameters, {current.sharedCodebook ? 'one shared codebook' : 'one codebook per depth'} of {current.codebookSize} codewords, on {current.backend || 'tfjs'}.
            Held-out PSNR {fmtDb(current.psnrPerDepth[0])} at depth 1, {fmtDb(current.psnrPerDepth[D - 1])} at depth {D};
            {' '}{pct(current.nonMonotoneFraction)} of {heldout} held-out {noun}s get worse somewhere between depth 1 and {D}
            {current.largeRiseFraction !== undefined ? ` (${pct(current.largeRiseFraction)} by more than 1 %)` : ''}.
            {current.recorded && current.source === 'shipped' ? ` (Recorded at training time: ${fmtDb(current.recorded.psnrPerDepth[D - 1])}, ${pct(current.recorded.nonMonotoneFraction)}.)` : ''}
          </p>
          {current.note && <p className="hint" role="note">{current.note}</p>}
          <LoadStatus load={compare} label="Measuring all shipped models" failed="Measuring the other models failed:" onRetry={remeasure} onCancel={cancelCompare} />
          <div className="chart-row">
            <ChartFigure id="rqae-psnr" title="Held-out PSNR per depth" chart={charts.psnr} name={{ panel: 'depth', what: 'rqae-psnr', params }} />
            <ChartFigure
              id="rqae-nonmonotone"
              title="Non-monotone fraction: reported in the talk vs measured here"
              chart={charts.bars}
              name={{ panel: 'depth', what: 'rqae-nonmonotone', params: { model: modelKey } }}
              caption="Light bars: reported in the talk (summed objective, shared codebook, with an information bottleneck). Dark bars: measured here on the held-out data."
            />
            <ChartFigure
              id="rqae-thresholds"
              title="Non-monotone fraction against the rise that counts"
              chart={charts.thresholds}
              name={{ panel: 'depth', what: 'rqae-thresholds', params: { model: modelKey } }}
              caption="What the talk reports (grey): about 30 / 40 / over 50 % of samples getting worse with depth at D = 4 / 8 / 16, for the summed objective (b) with a shared codebook, the depth-8 figure with an information bottleneck; it does not say what size of rise counts. What differs here: a 27.5 k-parameter convolutional auto-encoder on 28×28 MNIST digits, 128 codewords, trained in minutes on 9 000 digits. A fraction at 1e-6 counts rises of any size; at 1 % only visible ones."
            />
            {checkpoints && (
              <ChartFigure
                id="rqae-checkpoints"
                title="Non-monotone fraction during training"
                chart={checkpoints}
                name={{ panel: 'depth', what: 'rqae-checkpoints', params: { model: modelKey } }}
                caption="Recorded by the training script on the held-out digits, at a few checkpoints of each shipped model's run; the shipped weights are those of its best validation loss."
              />
            )}
          </div>
          <Slider label="Depth d" value={d} min={1} max={D} onChange={setDepth} format={(v) => `${v} of ${D} (held-out PSNR ${fmtDb(current.psnrPerDepth[v - 1])})`} testId="rqae-depth-slider" />
          <div className="button-row">
            <label htmlFor={ids.digit}>Held-out {noun}</label>
            <input id={ids.digit} type="number" className="seed" min={0} max={current.heldoutCount - 1} value={example} data-testid="rqae-digit"
              onChange={(e) => setDigit(Math.min(current.heldoutCount - 1, Math.max(0, Math.floor(Number(e.currentTarget.value) || 0))))} />
            <button type="button" onClick={() => setDigit((x) => (x + 1) % current.heldoutCount)}>Next {noun}</button>
          </div>
          {recon.error && <ErrorText onRetry={recon.retry}>The reconstruction failed: {recon.error}</ErrorText>}
          <div className="image-row">
            <PixelFigure id="rqae-truth" title={`${crops ? 'Crop' : 'Digit'} ${example}`} image={images?.truth ?? null} alt={`Held-out ${noun} ${example} as it is`} name={{ panel: 'depth', what: 'rqae-truth', params: { ...params, digit: example } }} />
            <PixelFigure id="rqae-recon" title={`From its first ${d} code${d === 1 ? '' : 's'}`} image={images?.recon ?? null}
              alt={`${crops ? 'Crop' : 'Digit'} ${example} reconstructed by the decoder from the first ${d} codes of each latent vector`} name={{ panel: 'depth', what: 'rqae-recon', params: { ...params, digit: example } }} />
            {digitChart && <ChartFigure id="rqae-digit-mse" title={`This ${noun}'s MSE per depth`} chart={digitChart} name={{ panel: 'depth', what: 'rqae-digit-mse', params: { ...params, digit: example } }} />}
          </div>
          {rec && (
            <p className="readout" data-testid="rqae-digit-readout">
              Depth {d}: MSE {rec.msePerDepth[d - 1].toFixed(5)}{d > 1 ? ` (depth ${d - 1}: ${rec.msePerDepth[d - 2].toFixed(5)})` : ''}
              {rose ? ' — this code made the reconstruction worse.' : '.'}
            </p>
          )}
          <h4 className="subhead">Codebook health per depth</h4>
          <div className="chart-row">
            <ChartFigure id="rqae-perplexity" title="Perplexity per depth" chart={charts.perplexity} name={{ panel: 'depth', what: 'rqae-perplexity', params: { model: modelKey } }} />
            <ChartFigure id="rqae-dead" title="Dead codes per depth" chart={charts.dead} name={{ panel: 'depth', what: 'rqae-dead', params: { model: modelKey } }} />
            <ChartFigure id="rqae-usage" title={`Codeword usage at depth ${d}`} chart={usage} name={{ panel: 'depth', what: 'rqae-usage', params }} />
          </div>
          <LearnedRQTrain status={current} target={() => withImage(target)} onTraining={setTraining} onStatus={setStatus} onReload={reload} />
        </>
      )}
    </section>
  );
});
