// One view of the Equivalence lab: a decomposition's sub-tasks on a model the user picks, measured in the model
// worker on the model as it is there now. Two measures: the accumulated gradients (the matrix arrives coarse
// after the first batch and sharpens batch by batch, with the batch count shown) and the transfer experiment.
// Each has its own button, progress and Cancel (which keeps the previous result); their settings are in the link.
import { useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import type { LabGradientsResult, LabProgress, LabResult, LabSettings, LabTransferResult, LabWeighting } from '../../../protocol/lab';
import { LAB_LIMITS } from '../../../protocol/lab';
import { LAB_BATCHES, LAB_K_RANGE, LAB_LRS, LAB_SEED_MAX, labModelChoice, labViewPatch, labViewSettings, type LabViewSettings } from '../../../state/labSlice';
import { appStore, useStore } from '../../../state/store';
import { ChartFigure } from '../../components/Figure';
import { SelectField, type SelectFieldProps } from '../../components/SelectField';
import { Slider } from '../../components/Slider';
import { TimeLeft } from '../../components/TimeLeft';
import { useWorkerAction, type ReadProgress, type WorkerAction } from '../../hooks/useWorkerAction';
import {
  alignmentChart, alignmentCsv, alignmentOf, correctedCsv, correctedHeatmap, crossCsv, crossHeatmap, fmt2, fmtSeconds, gramFacts,
  transferCsv, transferFacts, transferHeatmap, type GramShown,
} from './labFigures';
import { alignmentText, conflictText, controlText, correctedNote, depthText, gainText, modelText, noiseText, sharedText, spreadText, transferText } from './labText';
import { rowStartsAllowed, type LabViewSpec } from './labViews';
import { chosenWeighting } from './weighting';

type Payload = { model: string; settings: LabSettings };

/** Sub-task names as shown: a true minus sign before numbers (the worker writes λ −7.50 as "λ -7.50"). */
export const shownName = (name: string) => name.replace(/-(?=\d)/g, '−');

const PHASE_TEXT: Record<Exclude<LabProgress['phase'], 'gradients' | 'transfer'>, string> = {
  backend: 'Starting the compute backend…',
  data: 'Loading the data…',
  weights: 'Loading the model…',
  evaluating: 'Loading the model…',
};

/** A message as a sentence: with a full stop unless it ends in one. */
const sentence = (m: string) => (/[.!?]$/.test(m) ? m : `${m}.`);

/** The bar counts gradients (or training steps); loading shows at 0. */
function readGradients(k: number, batches: number): ReadProgress<LabProgress> {
  return (done, total, _label, data) => {
    if (data?.phase !== 'gradients') return { fraction: 0, label: data ? PHASE_TEXT[data.phase as keyof typeof PHASE_TEXT] : undefined };
    const batch = Math.min(batches, Math.floor(done / (3 * k)) + 1);
    return { fraction: total > 0 ? done / total : 0, label: `Gradients: batch ${batch} of ${batches} (gradient ${done} of ${total})` };
  };
}

function readTransfer(k: number, steps: number): ReadProgress<LabProgress> {
  return (done, total, _label, data) => {
    if (data?.phase !== 'transfer') return { fraction: 0, label: data ? PHASE_TEXT[data.phase as keyof typeof PHASE_TEXT] : undefined };
    const row = Math.min(k + 1, Math.floor(Math.max(0, done - 1) / steps) + 1);
    const step = ((Math.max(1, done) - 1) % steps) + 1;
    return { fraction: total > 0 ? done / total : 0, label: `Transfer: row ${row} of ${k + 1}${row === k + 1 ? ' (all sub-tasks)' : ''}, step ${step} of ${steps}` };
  };
}

type RunMeta = { model: string; grouping: string } | undefined;
const sameSubtasks = (r: LabResult, s: LabViewSettings, meta: RunMeta) => r.k === s.k && meta?.model === s.model && meta.grouping === s.grouping;
const sameGradients = (r: LabGradientsResult, s: LabViewSettings, meta: RunMeta) =>
  sameSubtasks(r, s, meta) && r.batch === s.batch && r.batches === s.batches && r.seed === s.seed;
const sameTransfer = (r: LabTransferResult, s: LabViewSettings, meta: RunMeta) =>
  sameSubtasks(r, s, meta) && r.batch === s.transferBatch && r.steps === s.steps && r.lr === s.lr && r.seed === s.seed;

/** A whole-number field that takes what is typed and commits it once it is a number within range. */
function WholeField({ label, value, min, max, onChange, testId }: { label: string; value: number; min: number; max: number; onChange(v: number): void; testId: string }) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <span className="lab-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id} type="number" inputMode="numeric" className="seed" min={min} max={max} step={1} value={draft ?? String(value)} data-testid={testId}
        onChange={(e) => {
          const raw = e.currentTarget.value;
          setDraft(raw);
          const n = Number(raw);
          if (raw.trim() !== '' && Number.isFinite(n)) onChange(Math.min(max, Math.max(min, Math.round(n))));
        }}
        onBlur={() => setDraft(null)}
      />
    </span>
  );
}

function ChoiceField<T extends string | number>({ disabled, ...props }: Omit<SelectFieldProps<T>, 'unavailable' | 'disabled'> & { disabled?: (v: T) => boolean }) {
  return (
    <span className="lab-field">
      <SelectField {...props} unavailable={disabled} />
    </span>
  );
}

function Progress({ action, name, testId }: { action: WorkerAction<Payload, LabResult, LabProgress>; name: string; testId: string }) {
  const { progress } = action;
  if (!progress) return null;
  return (
    <div className="model-progress">
      <progress value={progress.fraction} max={1} aria-label={name} data-testid={`${testId}-progress`} />
      <span className="hint" aria-live="polite" data-testid={`${testId}-progress-label`}>{progress.label}</span>
      <TimeLeft seconds={progress.etaSeconds} testId={`${testId}-time-left`} />
    </div>
  );
}

/** The error or the cancellation of the last run, in place. */
function Outcome({ action, what, testId }: { action: WorkerAction<Payload, LabResult, LabProgress>; what: string; testId: string }) {
  const previous = action.result ? ` The ${what} shown is the previous one.` : '';
  if (action.status === 'error') return <p className="error-text" role="alert" data-testid={`${testId}-error`}>The {what} could not be computed: {sentence(action.error ?? '')}{previous}</p>;
  if (action.status === 'cancelled') return <p className="hint" role="status" data-testid={`${testId}-note`}>Cancelled.{previous}</p>;
  return null;
}

export function LabView({ spec }: { spec: LabViewSpec }) {
  const { view, testId } = spec;
  const settings = useStore(useShallow((s) => labViewSettings(s.lab, view)));
  const hasImage = useStore((s) => s.image.working !== null);
  const weightingId = useStore((s) => s.labWeightings[view]);
  const runs = useStore((s) => s.labRuns);
  const headingId = useId();
  const set = (change: Partial<LabViewSettings>) => appStore.getState().setLab(labViewPatch(view, change));
  const send = (p: Payload, options: Parameters<LabViewSpec['send']>[2]) => spec.send(p.model, p.settings, options);
  const gradients = useWorkerAction<Payload, LabResult, LabProgress>(send);
  const transfer = useWorkerAction<Payload, LabResult, LabProgress>(send);
  const [partial, setPartial] = useState<(GramShown & { model: string; grouping: string }) | null>(null);
  const runNo = useRef(0);

  const gradResult = gradients.result as LabGradientsResult | null;
  const transResult = transfer.result as LabTransferResult | null;
  const metaOf = (r: LabResult | null): RunMeta => (r ? runs.find((x) => x.result === r) : undefined);
  const modelOf = (r: LabResult | null) => metaOf(r)?.model;
  const busy = gradients.working || transfer.working;
  const needsImage = spec.needsImage(settings.model) && !hasImage;

  async function onGradients() {
    const s = settings;
    const grouping = view === 'patch' ? { grouping: s.grouping } : {};
    const payload: Payload = { model: s.model, settings: { measure: 'gradients', k: s.k, batch: s.batch, batches: s.batches, seed: s.seed, ...grouping } };
    const known = gradResult && sameSubtasks(gradResult, s, metaOf(gradResult)) ? gradResult.subtasks : null;
    const names = (known ?? spec.provisionalNames(s.model, s.k, s.grouping)).map(shownName);
    const mine = ++runNo.current;
    setPartial(null);
    const outcome = await gradients.run(payload, {
      label: 'Starting…',
      read: readGradients(s.k, s.batches),
      onProgress: (_d, _t, _l, data) => {
        if (data?.gram && runNo.current === mine) {
          setPartial({ model: s.model, grouping: s.grouping, k: s.k, subtasks: names, gram: data.gram, batch: s.batch, batches: data.batches ?? 0, of: s.batches, complete: false });
        }
      },
    });
    if (runNo.current === mine) setPartial(null);
    if (outcome.status === 'done') appStore.getState().addLabRun({ view, model: s.model, grouping: s.grouping, result: outcome.result });
  }

  async function onTransfer() {
    const s = settings;
    const grouping = view === 'patch' ? { grouping: s.grouping } : {};
    const payload: Payload = { model: s.model, settings: { measure: 'transfer', k: s.k, batch: s.transferBatch, steps: s.steps, lr: s.lr, seed: s.seed, ...grouping } };
    const outcome = await transfer.run(payload, { label: 'Starting…', read: readTransfer(s.k, s.steps) });
    if (outcome.status === 'done') appStore.getState().addLabRun({ view, model: s.model, grouping: s.grouping, result: outcome.result });
  }

  const shown: GramShown | null = partial
    ?? (gradResult ? { k: gradResult.k, subtasks: gradResult.subtasks.map(shownName), gram: gradResult.gram, batch: gradResult.batch, batches: gradResult.batches, of: gradResult.batches, complete: true } : null);
  // While a run sharpens its matrix, the alignment reads the weightings of the last result with the same sub-tasks.
  const meta = metaOf(gradResult);
  const sameAsShown = !partial || (meta !== undefined && gradResult?.k === partial.k && meta.model === partial.model && meta.grouping === partial.grouping);
  const weightings = gradResult && sameAsShown ? gradResult.weightings : [];
  const weighting = chosenWeighting(weightings, weightingId, partial?.model ?? modelOf(gradResult) ?? settings.model);
  const gradStale = !partial && gradResult !== null && !sameGradients(gradResult, settings, metaOf(gradResult));
  const transStale = transResult !== null && !sameTransfer(transResult, settings, metaOf(transResult));
  const kText = view === 'depth' ? `K = D = ${settings.k} (fixed by the model)` : null;

  return (
    <section className="lab-view" aria-labelledby={headingId} data-testid={testId}>
      <h3 id={headingId} className="subhead">{spec.heading}</h3>
      <p className="hint lab-lead">{spec.lead}</p>
      <div className="lab-controls">
        <ChoiceField
          label="Model" value={settings.model} choices={spec.models.map((m) => m.id)} testId={`${testId}-model`}
          format={(id) => spec.models.find((m) => m.id === id)?.label ?? id}
          onChange={(model) => set(view === 'patch' && !rowStartsAllowed(model) ? { ...labModelChoice(view, model), grouping: 'equal' } : labModelChoice(view, model))}
        />
        {view === 'patch' && (
          <ChoiceField
            label="Grouping" value={settings.grouping} choices={['equal', 'row-starts'] as const} testId={`${testId}-grouping`}
            format={(g) => (g === 'equal' ? 'K equal groups of steps' : 'row starts vs mid-row (raster only, K = 2)')}
            disabled={(g) => g === 'row-starts' && !rowStartsAllowed(settings.model)}
            onChange={(grouping) => set({ grouping })}
          />
        )}
        {view !== 'depth' && settings.grouping === 'equal' && (
          <Slider
            label={view === 'noise' ? 'Noise levels K' : 'Step groups K'} value={settings.k} min={LAB_K_RANGE[0]} max={LAB_K_RANGE[1]}
            onChange={(k) => set({ k })} testId={`${testId}-k`}
            format={(k) => (view === 'noise' ? `${k} (equal bins of λ from −10 to 10)` : `${k} (equal groups of the steps)`)}
          />
        )}
        {kText && <p className="hint" data-testid={`${testId}-k`}>{kText}</p>}
        {needsImage && <p className="hint" role="status">The crop model needs the working image, which is still loading.</p>}
        <fieldset className="lab-measure">
          <legend>Gradients</legend>
          <div className="button-row">
            <ChoiceField label="Batch" value={settings.batch} choices={LAB_BATCHES} onChange={(batch) => set({ batch })} testId={`${testId}-batch`} />
            <WholeField label="Batches" value={settings.batches} min={1} max={LAB_LIMITS.maxBatches} onChange={(batches) => set({ batches })} testId={`${testId}-batches`} />
            <WholeField label="Seed" value={settings.seed} min={0} max={LAB_SEED_MAX} onChange={(seed) => set({ seed })} testId={`${testId}-seed`} />
          </div>
          <div className="button-row">
            <button type="button" onClick={() => void onGradients()} disabled={busy || needsImage} data-testid={`${testId}-compute`}>{spec.computeLabel}</button>
            {gradients.working && <button type="button" onClick={gradients.cancel} data-testid={`${testId}-cancel`}>Cancel</button>}
          </div>
          <Progress action={gradients} name={spec.computeLabel.replace(/^Compute/, 'Computing')} testId={testId} />
        </fieldset>
        <fieldset className="lab-measure">
          <legend>Transfer</legend>
          <div className="button-row">
            <WholeField label="Steps" value={settings.steps} min={1} max={LAB_LIMITS.maxSteps} onChange={(steps) => set({ steps })} testId={`${testId}-steps`} />
            <ChoiceField label="Learning rate" value={settings.lr} choices={LAB_LRS} onChange={(lr) => set({ lr })} testId={`${testId}-lr`} format={(v) => String(v)} />
            <ChoiceField label="Batch" value={settings.transferBatch} choices={LAB_BATCHES} onChange={(transferBatch) => set({ transferBatch })} testId={`${testId}-transfer-batch`} />
          </div>
          <div className="button-row">
            <button type="button" onClick={() => void onTransfer()} disabled={busy || needsImage} data-testid={`${testId}-transfer`}>{spec.transferLabel}</button>
            {transfer.working && <button type="button" onClick={transfer.cancel} data-testid={`${testId}-transfer-cancel`}>Cancel</button>}
          </div>
          <Progress action={transfer} name={spec.transferLabel.replace(/^Compute/, 'Computing')} testId={`${testId}-transfer`} />
        </fieldset>
      </div>
      <Outcome action={gradients} what="matrix" testId={testId} />
      {shown && (
        <GradientsFigures
          spec={spec} shown={shown} result={partial ? null : gradResult} weighting={weighting} weightings={weightings} stale={gradStale}
          onWeighting={(id) => appStore.getState().setLabWeighting(view, id)}
        />
      )}
      <Outcome action={transfer} what="transfer matrix" testId={`${testId}-transfer`} />
      {transResult && <TransferFigures spec={spec} result={transResult} stale={transStale} />}
    </section>
  );
}

function GradientsFigures({ spec, shown, result, weighting, weightings, stale, onWeighting }: {
  spec: LabViewSpec; shown: GramShown; result: LabGradientsResult | null; weighting: LabWeighting | null; weightings: LabWeighting[]; stale: boolean;
  onWeighting(id: string): void;
}) {
  const { nouns, testId, view } = spec;
  const facts = useMemo(() => gramFacts(shown.gram, shown.k), [shown]);
  const cross = useMemo(() => crossHeatmap(shown, facts, nouns), [shown, facts, nouns]);
  const corrected = useMemo(() => correctedHeatmap(shown, facts, nouns), [shown, facts, nouns]);
  const alignment = useMemo(() => (weighting ? alignmentChart(shown, weighting, nouns) : null), [shown, weighting, nouns]);
  const align = useMemo(() => (weighting ? alignmentOf(shown, weighting) : null), [shown, weighting]);
  const params = { k: shown.k, batch: shown.batch, batches: shown.batches };
  const name = (what: string) => ({ panel: 'lab', what: `${view}-${what}`, params: { ...params, ...(result ? { seed: result.seed } : {}) } });
  return (
    <div className="lab-results" data-testid={`${testId}-results`}>
      <p className="readout" data-testid={`${testId}-measured`}>
        {result
          ? <>{modelText(result)}, {result.paramCount.toLocaleString('en')} weights: {result.batches} batches of {result.batch} training examples, seed {result.seed}; {3 * result.k * result.batches} gradients in {fmtSeconds(result.milliseconds)} ({fmtSeconds(result.milliseconds / result.batches)} per batch) on {result.backend || 'tfjs'}.</>
          : <>Accumulating: the matrices after batch <strong>{shown.batches} of {shown.of}</strong>; they sharpen as batches add up.</>}
        {stale && <strong> The settings above have changed since: press “{spec.computeLabel}” to measure them.</strong>}
      </p>
      <div className="lab-figures">
        <ChartFigure id={`lab-${view}-cross`} title={`Cross cosines between ${nouns.many}`} chart={cross} name={name('cross')} csv={() => crossCsv(shown, facts)} />
        <div className="lab-control" data-testid={`${testId}-control`}>
          <p className="lab-number"><span>Control</span> {fmt2(facts.controlMean)}</p>
          <p className="hint">{controlText(facts, shown.k)}</p>
        </div>
      </div>
      <p className="readout" data-testid={`${testId}-noise`}>{noiseText(facts, shown.k)}</p>
      <p className="readout" data-testid={`${testId}-conflicts`}>{conflictText(shown, facts)}</p>
      <p className="readout" data-testid={`${testId}-spread`}>{spreadText(facts)}</p>
      {view === 'depth' && <p className="readout" data-testid={`${testId}-shared-terms`}>{depthText(facts)}</p>}
      <div className="lab-figures">
        <ChartFigure
          id={`lab-${view}-corrected`} title={`Noise-corrected cosines between ${nouns.many}`} chart={corrected} name={name('corrected')} csv={() => correctedCsv(shown, facts)}
          caption={correctedNote(facts, shown.k)}
        />
        {alignment && weighting && (
          <div className="lab-alignment">
            <span className="lab-field">
              <SelectField
                label="Weighting of the update" value={weighting.id} choices={weightings.map((w) => w.id)} testId={`${testId}-weighting`}
                format={(id) => weightings.find((w) => w.id === id)?.label} onChange={onWeighting}
              />
            </span>
            <ChartFigure
              id={`lab-${view}-alignment`} title={`Each ${nouns.one}'s alignment with the update`} chart={alignment}
              name={{ ...name('alignment'), params: { ...name('alignment').params, weighting: weighting.id } }} csv={() => alignmentCsv(shown, weighting)}
            />
            {align && <p className="readout" data-testid={`${testId}-alignment`}>{alignmentText(shown, align, weighting)}</p>}
          </div>
        )}
      </div>
      <p className="readout" data-testid={`${testId}-gain`}>{gainText(shown, facts)}</p>
      <p className="readout" data-testid={`${testId}-shared`}>{sharedText(facts)}</p>
    </div>
  );
}

function TransferFigures({ spec, result, stale }: { spec: LabViewSpec; result: LabTransferResult; stale: boolean }) {
  const { nouns, testId, view } = spec;
  const named = useMemo(() => ({ ...result, subtasks: result.subtasks.map(shownName) }), [result]);
  const facts = useMemo(() => transferFacts(named), [named]);
  const chart = useMemo(() => transferHeatmap(named, facts, nouns), [named, facts, nouns]);
  const params = { k: result.k, steps: result.steps, lr: result.lr, batch: result.batch, seed: result.seed };
  return (
    <div className="lab-results" data-testid={`${testId}-transfer-results`}>
      <p className="readout" data-testid={`${testId}-transfer-measured`}>
        {modelText(result)}: {result.k + 1} rows of {result.steps} steps in {fmtSeconds(result.milliseconds)} on {result.backend || 'tfjs'}; the weights are put back after each row.
        {stale && <strong> The settings above have changed since: press “{spec.transferLabel}” to measure them.</strong>}
      </p>
      <div className="lab-figures">
        <ChartFigure id={`lab-${view}-transfer`} title={`Loss transfer between ${nouns.many}`} chart={chart} name={{ panel: 'lab', what: `${view}-transfer`, params }} csv={() => transferCsv(named, facts)} />
      </div>
      <p className="readout" data-testid={`${testId}-transfer-readout`}>{transferText(named, facts, nouns)}</p>
    </div>
  );
}
