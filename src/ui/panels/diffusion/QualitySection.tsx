// Sample quality of the loaded class-conditional digit denoiser, measured in the model worker on request
// (docs/conventions.md, "Sample quality"): class accuracy and FD-classifier for guidance everywhere, at middle
// noise only and nowhere (same seeds), and the floor (held-out against training digits), as a table with a CSV
// export; a progress bar, the time left and Cancel while it runs.
import { useId, useMemo, useState } from 'react';
import { QUALITY_DEFAULTS, type DenoiserQuality, type DenoiserQualityProgress, type DenoiserStatus, type DenoiserTarget } from '../../../protocol';
import { downloadBytes } from '../../export/exportPng';
import { toCsv } from '../../export/csv';
import { exportFileName } from '../../export/fileName';
import { TimeLeft } from '../../components/TimeLeft';
import { useWorkerAction, type ReadProgress } from '../../hooks/useWorkerAction';
import { fmtMs, fmtPercent } from './denoiserData';
import { PLACEMENT_LABELS, qualityCsv, qualityRows, qualityWhat } from './qualityData';
import { SelectField } from '../../components/SelectField';

const PER_CLASS_CHOICES = [10, 20, 50, 100] as const;
const GUIDANCE_CHOICES = [1.5, 2, 3, 4] as const;
const TITLE = 'Sample quality';

const PHASE_TEXT: Record<Exclude<DenoiserQualityProgress['phase'], 'sampling'>, string> = {
  backend: 'Starting the compute backend…',
  data: 'Loading the held-out and training digits and the classifier…',
  weights: 'Loading the weights…',
  evaluating: 'Loading the model…',
};

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

const readProgress = (count: number): ReadProgress<DenoiserQualityProgress> => (done, total, label, data) => {
  if (data?.phase === 'sampling') {
    return { fraction: total > 0 ? done / total : 0, label: `Sampling, guidance ${lowerFirst(PLACEMENT_LABELS[data.placement])}: ${data.samples.toLocaleString('en')} of ${count.toLocaleString('en')} done` };
  }
  return { fraction: total > 0 ? done / total : undefined, label: data ? PHASE_TEXT[data.phase] : label };
};

const fmtFd = (fd: number) => (Number.isFinite(fd) ? fd.toFixed(2) : '—');

export function QualitySection({ status, target, name }: { status: DenoiserStatus; target: DenoiserTarget; name: string }) {
  const ids = { heading: useId() };
  const [perClass, setPerClass] = useState<number>(QUALITY_DEFAULTS.perClass);
  const [guidance, setGuidance] = useState<number>(QUALITY_DEFAULTS.guidance);
  const measuring = useWorkerAction('denoiser-quality');
  const classes = status.classes - 1;
  const onMeasure = () => {
    void measuring.run(
      { ...target, settings: { ...QUALITY_DEFAULTS, perClass, guidance } },
      { label: 'Starting…', read: readProgress(perClass * classes) },
    );
  };
  const busy = measuring.working;
  const result = measuring.result;
  const error = measuring.status === 'cancelled' ? `The measurement was cancelled${result ? '; the table shows the previous one' : ''}.`
    : measuring.status === 'error' ? `The measurement failed: ${measuring.error}` : null;

  return (
    <section aria-labelledby={ids.heading} data-testid="denoiser-quality">
      <h4 id={ids.heading} className="subhead">{TITLE}</h4>
      <p className="hint">
        Samples of every class, read by the digit classifier: the share read as the class asked for, and FD-classifier, the
        Fréchet distance between the classifier’s 128 penultimate-layer features of the samples and of the held-out digits
        (FID with this app’s classifier); it sees only what those features encode, so it cannot show a defect they do not
        respond to, nor tell a copied training digit from a new one.
      </p>
      <div className="button-row">
        <SelectField
          label="Samples per class" value={perClass} choices={PER_CLASS_CHOICES} format={(n) => `${n} (${(n * classes).toLocaleString('en')} per row)`}
          onChange={setPerClass} disabled={busy}
        />
        <SelectField label="Guidance w" value={guidance} choices={GUIDANCE_CHOICES} onChange={setGuidance} disabled={busy} />
      </div>
      <div className="button-row">
        <button type="button" data-testid="denoiser-quality-measure" onClick={onMeasure} disabled={busy}>Measure sample quality ({QUALITY_DEFAULTS.steps} DDIM steps)</button>
        {busy && <button type="button" onClick={measuring.cancel} data-testid="denoiser-quality-cancel">Cancel</button>}
        {busy && <progress value={measuring.progress?.fraction ?? 0} max={1} aria-label="Measuring sample quality" data-testid="denoiser-quality-progress" />}
        {busy && <span className="hint" aria-live="polite">{measuring.progress?.label}</span>}
        {busy && <TimeLeft seconds={measuring.progress?.etaSeconds} testId="denoiser-quality-eta" />}
      </div>
      {error && <p className="error-text" role="alert" data-testid="denoiser-quality-error">{error}</p>}
      {result && <QualityTable q={result} name={name} stale={result.version !== status.version} />}
    </section>
  );
}

function QualityTable({ q, name, stale }: { q: DenoiserQuality; name: string; stale: boolean }) {
  const rows = useMemo(() => qualityRows(q), [q]);
  const onCsv = () => {
    const { perClass, guidance, seed } = q.settings;
    downloadBytes(toCsv(qualityCsv(q)), exportFileName('diffusion', 'sample-quality', { model: q.model, n: perClass, w: guidance, seed }, 'csv'), 'text/csv;charset=utf-8');
  };
  return (
    <>
      <div className="table-wrap" role="region" aria-label="The sample-quality table (scrolls sideways on narrow screens)" tabIndex={0}>
        <table className="summary wrap-head" data-testid="denoiser-quality-table">
          <caption>{TITLE} of the {name} denoiser: {qualityWhat(q)}.</caption>
          <thead>
            <tr><th scope="col">Guidance</th><th scope="col">Class accuracy (%)</th><th scope="col">FD-classifier (feature units²)</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="denoiser-quality-row">
                <th scope="row">{r.label}</th>
                <td>{fmtPercent(r.accuracy, 1)}</td>
                <td>{fmtFd(r.fd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="readout" data-testid="denoiser-quality-readout">
        Lower FD-classifier is closer to real digits; the floor is what two sets of real digits score. The floor’s accuracy is the
        classifier’s own on held-out digits. {q.cached ? 'Answered from this page’s earlier measurement' : `Measured in ${fmtMs(q.milliseconds)}`} on {q.backend || 'tfjs'}.
        {stale ? ' The weights have changed since (training here): measure again to see the model as it is now.' : ''}
        {' '}
        <button type="button" className="small-button" onClick={onCsv} aria-label={`Export “${TITLE}” as CSV`} data-testid="denoiser-quality-csv">CSV</button>
      </p>
    </>
  );
}
