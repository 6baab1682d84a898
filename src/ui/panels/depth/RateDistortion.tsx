import { useMemo, useState } from 'react';
import type { DepthSpec } from '../../../core/depth/views';
import { useStore } from '../../../state/store';
import { keptChart } from '../../charts/keptChart';
import { lineChart } from '../../charts/lineChart';
import { ChartFigure } from '../../components/Figure';
import { imagePayload } from '../../../compute/requests';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import { RD_CODEBOOK_CAPTION, rateDistortionSeries } from './rdSeries';
import { specOf, type ViewCurves } from './StepsView';
import { ErrorText } from '../../components/ErrorText';
import { RequestProgress } from '../../components/WorkProgress';
import { Formula } from '../../formulas/Formula';
import { FORMULAS } from '../../formulas/tex';

const CHEAP: { id: string; label: string; spec: (q: number) => DepthSpec }[] = [
  { id: 'bitplanes', label: 'bit-planes', spec: () => ({ kind: 'bitplanes' }) },
  { id: 'rgb', label: 'R, G, B', spec: () => ({ kind: 'channels', space: 'rgb' }) },
  { id: 'ycbcr', label: 'Y, Cb, Cr', spec: () => ({ kind: 'channels', space: 'ycbcr' }) },
  { id: 'scales', label: 'scales', spec: (q) => ({ kind: 'scales', step: q / 255 }) },
  { id: 'dct-block', label: 'block DCT', spec: (q) => ({ kind: 'dct-block', step: q / 255 }) },
  { id: 'dct-whole', label: 'whole DCT', spec: (q) => ({ kind: 'dct-whole', step: q / 255 }) },
];

/**
 * Every decomposition on one rate–distortion chart, so they can be compared at equal rate. The cheap curves come
 * from the background worker; the costly or order-specific one of the view on screen (RQ, VQ, a bit order) is the
 * steps view's own answer (`viewCurves`), so changing K, the patch size or D fits it once, not twice.
 */
export function RateDistortion({ viewCurves = null }: { viewCurves?: ViewCurves | null } = {}) {
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  const sampleId = useStore((s) => s.image.sampleId);
  const size = useStore((s) => s.image.size);
  const view = useStore((s) => s.depth);
  // The costly or order-specific curves join only while their view is on screen.
  const learned = view.view === 'rq' || view.view === 'vq' ? [{ id: view.view, label: `${view.view.toUpperCase()} (K=${view.K})`, spec: specOf(view) }]
    : view.view === 'bit-order' && view.bitOrder !== 'msb' ? [{ id: `bits-${view.bitOrder}`, label: `bit-planes, ${view.bitOrder === 'lsb' ? 'LSB first' : 'interleaved'}`, spec: specOf(view) }]
      : [];
  const qstep = view.qstep;
  const cheap = useMemo(() => CHEAP.map((c) => ({ ...c, spec: c.spec(qstep) })), [qstep]);
  const key = `${hash}|${JSON.stringify(cheap.map((s) => s.spec))}`;
  const rd = useWorkerRequest('depth-rd', image && (() => ({ image: imagePayload(image, hash), specs: cheap.map((s) => s.spec) })), key, { remember: true });
  // The view's curve, once the steps view has it for this image and decomposition (null: not yet).
  const ownKey = learned.length > 0 ? `${hash}|${JSON.stringify(learned[0].spec)}` : '';
  const ownId = learned[0]?.id ?? '';
  const ownLabel = learned[0]?.label ?? '';
  const own = useMemo(() => (!ownKey ? [] : viewCurves?.key === ownKey ? [{ id: ownId, label: ownLabel, steps: viewCurves.steps }] : null), [ownKey, ownId, ownLabel, viewCurves]);
  // The chart is built when every curve it names has its answer, in the render that has them (an answer remembered
  // from a working size just left is there at once, with its chart kept: keptChart); until then the last one stays.
  const built = useMemo(() => {
    if (!rd.result || rd.result.length !== cheap.length || !own) return null;
    const answer = rd.result;
    const build = () => {
      const { series, description } = rateDistortionSeries([...cheap.map((s, i) => ({ id: s.id, label: s.label, steps: answer[i] })), ...own]);
      return lineChart(series, {
        title: 'Rate–distortion of every decomposition',
        description,
        xLabel: 'rate (bits per pixel, entropy-coded)', yLabel: 'PSNR (dB)', width: 420, height: 300,
      });
    };
    // The cheap curves alone are the answer's own chart; a view's curve joins from the steps view's answer.
    return own.length === 0 ? keptChart(answer, 'rd', build) : build();
  }, [rd.result, own, cheap]);
  const [shown, setShown] = useState<ReturnType<typeof lineChart> | null>(null);
  if (built && built !== shown) setShown(built);
  const chart = built ?? shown;
  return (
    <>
      {rd.error && <ErrorText onRetry={rd.retry}>The rate–distortion curves failed: {rd.error}</ErrorText>}
      <Formula formula={FORMULAS.rate} block />
      <ChartFigure id="depth-rd" title="Rate–distortion" chart={chart} name={{ panel: 'depth', what: 'rate-distortion', params: { img: sampleId, size, qstep: view.qstep } }}
        caption={view.view === 'rq' || view.view === 'vq' ? RD_CODEBOOK_CAPTION : undefined} />
      {/* Under the chart: a recomputation's bar moves nothing above it. */}
      <RequestProgress pending={rd} label="Computing rate–distortion curves" testId="depth-rd-progress" />
    </>
  );
}
