import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/shallow';
import { ORDERING_KINDS, ORDERING_LABELS } from '../../../core/orderings';
import { binMeans, orderOf, type OrderingSpec } from '../../../core/patch/analysis';
import { summarize } from '../../../core/patch/stats';
import { PATCH_ORDERINGS, PATCH_SIZES, PATCH_STATS, type PatchOrdering } from '../../../state/patchSlice';
import { appStore, useStore } from '../../../state/store';
import { lineChart, type Series } from '../../charts/lineChart';
import { keptChart } from '../../charts/keptChart';
import { ChartFigure } from '../../components/Figure';
import { Slider } from '../../components/Slider';
import { imagePayload } from '../../../compute/requests';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import { useLatest } from '../../hooks/useLatest';
import { useReducedMotion } from '../../hooks/useReducedMotion';
import { Panel } from '../Panel';
import { SeriesEmphasis } from '../../components/SeriesEmphasis';
import { STAT_INFO, statValues } from './patchCharts';
import { ModelSection } from './ModelSection';
import { LiveStepView, StepChartFigure, StepReadout, StepSlider } from './stepParts';
import { ErrorText } from '../../components/ErrorText';
import { RequestProgress } from '../../components/WorkProgress';
import { SelectField } from '../../components/SelectField';

const LABELS: Record<PatchOrdering, string> = { ...ORDERING_LABELS, custom: 'Custom (paint it)' };
/** Charts show at most this many points per curve (longer ones are averaged in bins). */
const CHART_POINTS = 400;
/** The all-orderings overlay shows trends: nine noisy curves on top of each other read as one blur. */
const OVERLAY_BINS = 24;
const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 0.1 ? v.toFixed(2) : v.toPrecision(2)) : '—');

function specOf(kind: PatchOrdering, seed: number, custom: number[]): OrderingSpec {
  return kind === 'custom' ? { kind, cells: custom } : kind === 'random' ? { kind, seed } : { kind };
}

/**
 * Plays the steps: the whole order in about eight seconds, whatever the grid. With reduced motion asked for, in
 * eight jumps a second apart instead of a smooth run.
 */
function usePlayer(playing: boolean, total: number) {
  const reduced = useReducedMotion();
  useEffect(() => {
    if (!playing) return;
    const ticks = reduced ? 8 : 240;
    const perTick = Math.max(1, Math.round(total / ticks));
    const id = setInterval(() => {
      const { patch, setPatch, setPlaying } = appStore.getState();
      const next = Math.min(total - 1, patch.step + perTick);
      setPatch({ step: next });
      if (next >= total - 1) setPlaying(false);
    }, reduced ? 1000 : 33);
    return () => clearInterval(id);
  }, [playing, total, reduced]);
}

export function PatchPanel() {
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  const sampleId = useStore((s) => s.image.sampleId);
  const size = useStore((s) => s.image.size);
  // Everything but the step: a step move re-renders only the parts that show it (stepParts), not the panel.
  const view = useStore(useShallow((s) => ({
    ordering: s.patch.ordering, patch: s.patch.patch, seed: s.patch.seed, numbers: s.patch.numbers, stat: s.patch.stat, custom: s.patch.custom,
  })));
  const playing = useStore((s) => s.ui.playing);
  const { setPatch } = appStore.getState();

  const rows = size / view.patch;
  const n = rows * rows;
  const spec = useMemo(() => specOf(view.ordering, view.seed, view.custom), [view.ordering, view.seed, view.custom]);
  const order = useMemo(() => orderOf(spec, rows, rows), [spec, rows]);
  usePlayer(playing, n);

  const specs = useMemo(
    () => [...ORDERING_KINDS.map((k) => specOf(k, view.seed, [])), ...(view.ordering === 'custom' ? [specOf('custom', 0, view.custom)] : [])],
    [view.seed, view.ordering, view.custom],
  );
  const kinds = useMemo<PatchOrdering[]>(() => specs.map((s) => s.kind), [specs]);
  // The overlay is rebuilt for a new answer, not for new orderings: it names its curves with those of that moment.
  const kindsNow = useLatest(kinds);
  const stats = useWorkerRequest(
    'patch-stats',
    image && (() => ({ image: imagePayload(image, hash), patch: view.patch, orderings: specs })),
    `${hash}|${view.patch}|${specs.map((s) => JSON.stringify(s)).join(';')}`,
    { remember: true },
  );
  const result = stats.result && stats.result.rows === rows ? stats.result : null;
  const mine = result ? result.orderings[kinds.indexOf(view.ordering)] : null;
  const info = STAT_INFO[view.stat];
  const params = { img: sampleId, size, order: view.ordering, patch: view.patch, stat: view.stat };

  // Built once per curve with its marker at step 0; the step marker then moves without a rebuild. Binned curves
  // (long orders) have no per-step marker: moving one still repaints the chart, about a millisecond a frame.
  const stepSeries: Series | null = useMemo(
    () => (mine ? { id: view.ordering, label: LABELS[view.ordering], points: binMeans(statValues(mine, view.stat), CHART_POINTS) } : null),
    [mine, view.stat, view.ordering],
  );
  const stepChart = useMemo(() => {
    if (!mine || !stepSeries) return null;
    const exact = n <= CHART_POINTS;
    return keptChart(mine, `${view.stat}|${view.ordering}|${view.patch}|${rows}`, () => lineChart(
      [stepSeries],
      {
        title: `${info.label}, per step`,
        description: `${info.label} at each step of the ${LABELS[view.ordering]} order over a ${rows}×${rows} grid of ${view.patch}-pixel patches. Dashed lines mark continuity breaks (the next patch is not adjacent to the previous one): ${mine.context.breaks.length} of them.${exact ? '' : ' Curves are averaged in bins.'}`,
        xLabel: 'step s', yLabel: info.axis, xDomain: [0, n - 1],
        markers: mine.context.breaks.length <= 200 ? mine.context.breaks.map((x) => ({ x })) : [],
        highlight: exact ? { seriesId: view.ordering, x: 0 } : undefined,
        width: 420, height: 240,
      },
    ));
  }, [mine, stepSeries, view.ordering, view.patch, view.stat, rows, n, info]);

  const allChart = useMemo(() => {
    if (!result) return null;
    const names = kindsNow.current;
    return keptChart(result, `${view.stat}|${rows}|${names.join(',')}`, () => lineChart(
      result.orderings.map((a, i) => ({ id: names[i], label: names[i], points: binMeans(statValues(a, view.stat), OVERLAY_BINS) })),
      {
        title: `${info.short} per step, every ordering`,
        description: `${info.label} against the step for every ordering, averaged in ${Math.min(OVERLAY_BINS, n)} bins of steps, on a ${rows}×${rows} grid.`,
        xLabel: 'step s', yLabel: info.axis, xDomain: [0, n - 1], width: 420, height: 300,
      },
    ));
  }, [result, view.stat, rows, n, info, kindsNow]);

  const table = useMemo(() => result?.orderings.map((a, i) => ({
    kind: kinds[i],
    breaks: a.context.breaks.length,
    stats: PATCH_STATS.map((st) => summarize(statValues(a, st))),
  })), [result, kinds]);

  return (
    <Panel
      id="patch"
      title="Patch order"
      explanation={
        <>
          Autoregression over space cuts the image into patches and predicts them one at a time in a fixed order.
          Each step is a sub-task: predict the next patch from the ones already made. How alike those sub-tasks are
          depends on the order — in raster order most next patches touch the last one, but every row break jumps
          far away, and the first patches have no context at all.
        </>
      }
    >
      <div className="controls">
        <div className="field">
          <SelectField label="Ordering" value={view.ordering} choices={PATCH_ORDERINGS} format={(k) => LABELS[k]} testId="ordering-select" onChange={(ordering) => setPatch({ ordering })} />
        </div>
        <Slider
          label="Patch size"
          value={PATCH_SIZES.indexOf(view.patch as (typeof PATCH_SIZES)[number])}
          min={0}
          max={PATCH_SIZES.length - 1}
          onChange={(i) => setPatch({ patch: PATCH_SIZES[i], step: 0 })}
          format={(i) => `${PATCH_SIZES[i]} px (${size / PATCH_SIZES[i]}×${size / PATCH_SIZES[i]} patches)`}
          testId="patch-size-slider"
          coalesce
        />
        <StepSlider n={n} />
        <div className="button-row">
          <button type="button" data-testid="play" onClick={() => {
            if (!playing && appStore.getState().patch.step >= n - 1) setPatch({ step: 0 });
            appStore.getState().setPlaying(!playing);
          }}>{playing ? 'Pause' : 'Play'}</button>
          <label className="check"><input type="checkbox" checked={view.numbers} onChange={(e) => setPatch({ numbers: e.currentTarget.checked })} /> Step numbers</label>
          {view.ordering === 'random' && (
            <label className="check">Seed <input type="number" min={0} value={view.seed} className="seed" onChange={(e) => setPatch({ seed: Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)) })} /></label>
          )}
          {view.ordering === 'custom' && (
            <>
              <button type="button" onClick={() => setPatch({ custom: view.custom.slice(0, -1) })} disabled={view.custom.length === 0}>Undo</button>
              <button type="button" onClick={() => setPatch({ custom: [], step: 0 })} disabled={view.custom.length === 0}>Clear</button>
            </>
          )}
        </div>
        {view.ordering === 'custom' && (
          <p className="hint">Click patches (or focus the image and use the arrow keys and Enter) to set the order; unpainted patches follow in raster order. {view.custom.filter((c) => c < n).length} of {n} painted.</p>
        )}
      </div>
      {image && (
        <LiveStepView
          n={n}
          image={image}
          patch={view.patch}
          order={order}
          numbers={view.numbers}
          painted={view.custom.length}
          onPaint={view.ordering === 'custom' ? (cell) => {
            const { custom } = appStore.getState().patch;
            if (!custom.includes(cell)) setPatch({ custom: [...custom, cell], step: custom.length });
          } : undefined}
          onUnpaint={() => setPatch({ custom: appStore.getState().patch.custom.slice(0, -1) })}
          params={params}
        />
      )}
      {mine && <StepReadout analysis={mine} n={n} />}
      <div className="field">
        <SelectField label="Statistic" value={view.stat} choices={PATCH_STATS} format={(s) => STAT_INFO[s].label} testId="stat-select" onChange={(stat) => setPatch({ stat })} />
      </div>
      <RequestProgress pending={stats} label="Computing patch statistics" />
      {stats.error && <ErrorText onRetry={stats.retry}>The patch statistics failed: {stats.error}</ErrorText>}
      <div className="chart-row">
        <StepChartFigure n={n} id="patch-per-step" title="Per step (this ordering)" chart={stepChart} name={{ panel: 'patch', what: 'per-step', params }} />
        <ChartFigure id="patch-all" title="Per step (all orderings)" chart={allChart} name={{ panel: 'patch', what: 'all-orderings', params }} />
        <SeriesEmphasis chart={allChart} current={view.ordering} label="Ordering drawn in colour on the all-orderings chart" />
      </div>
      <ModelSection />
      {table && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Summary per ordering (scrolls sideways)">
          <table className="summary wrap-head stacked-spread" data-testid="patch-summary">
            <caption>How equal are the sub-tasks? Mean ± spread (standard deviation) over the steps of each ordering.</caption>
            <thead>
              <tr><th scope="col">ordering</th><th scope="col">breaks</th>{PATCH_STATS.map((s) => <th key={s} scope="col">{STAT_INFO[s].short}</th>)}</tr>
            </thead>
            <tbody>
              {table.map((row) => (
                <tr key={row.kind} className={row.kind === view.ordering ? 'current' : undefined}>
                  <th scope="row">{row.kind}</th>
                  <td>{row.breaks}</td>
                  {row.stats.map((s, i) => <td key={i}>{fmt(s.mean)} <span className="spread">± {fmt(s.std)}</span></td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}
