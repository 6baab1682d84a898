import { useEffect, useMemo } from 'react';
import type { RgbImage } from '../../../core/image';
import { keptSource, type RgbaFrame } from '../../components/PixelCanvas';
import { bitPlaneRgba, keepTopBitsRgba, planeOfStep } from '../../../core/depth/bitplanes';
import { appStore, useStore } from '../../../state/store';
import { barChart } from '../../charts/barChart';
import { lineChart } from '../../charts/lineChart';
import { keptChart } from '../../charts/keptChart';
import { ChartFigure, PixelFigure } from '../../components/Figure';
import { LiveReadout } from '../../components/LiveReadout';
import { Slider } from '../../components/Slider';
import { BITPLANE_REQUEST, bitplanePayload } from '../../../compute/requests';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import { ErrorText } from '../../components/ErrorText';
import { RequestProgress } from '../../components/WorkProgress';
import { Formula } from '../../formulas/Formula';
import { FORMULAS } from '../../formulas/tex';


const fmtDb = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} dB` : '∞ dB (exact)');

const psnrDescription = (psnr: number[], bits: number) =>
  `PSNR in dB of the image rebuilt from the top k bit-planes of each channel, for k = 1 to 8. At k = ${bits}: ${fmtDb(psnr[bits - 1])}.`;
const entropyDescription = (entropy: number[], bits: number) =>
  `Empirical entropy, in bits per value, of the bit-plane added at each step k (most significant first). The plane at k = ${bits} has ${entropy[bits - 1].toFixed(3)} bits.`;

/** Bit-planes: the image rebuilt from the k most significant bits of each 8-bit channel. */
export function BitplaneView() {
  const image = useStore((s) => s.image.working);
  const hash = useStore((s) => s.image.workingHash);
  const sampleId = useStore((s) => s.image.sampleId);
  const size = useStore((s) => s.image.size);
  const bits = useStore((s) => s.depth.bits);
  const analysis = useWorkerRequest(BITPLANE_REQUEST, image && (() => bitplanePayload(image, hash)), hash, { remember: true });

  // The 8 reconstructions and planes are built once per image, ahead of time in idle moments, so that a slider
  // move only draws cached pixels; the per-image curves come from the worker.
  const frames = useFrameCache(image);
  const recon = image ? frames.get(bits, 'recon') : null;
  const original = image && keptSource(image); // its bytes kept with it: a working size just left draws them again
  const plane = image ? frames.get(bits, 'plane') : null;

  const a = analysis.result;
  // Both charts are built once per analysis (and kept with it: keptChart); the step marks follow the slider in place
  // (ChartFigure's `live`).
  const psnrChart = useMemo(
    () => a && keptChart(a, 'psnr', () => lineChart(
      [{ id: 'psnr', label: 'PSNR', points: a.psnr.map((y, i) => ({ x: i + 1, y })) }],
      {
        title: 'Reconstruction quality vs bits kept',
        description: psnrDescription(a.psnr, appStore.getState().depth.bits),
        xLabel: 'bits per channel k', yLabel: 'PSNR (dB)', xTicks: [1, 2, 3, 4, 5, 6, 7, 8], xDomain: [1, 8],
        highlight: { seriesId: 'psnr', x: appStore.getState().depth.bits }, formatY: fmtDb,
      },
    )),
    [a],
  );
  const entropyChart = useMemo(
    () => a && keptChart(a, 'entropy', () => barChart(
      a.entropy.map((h, i) => ({ key: String(i + 1), label: `k=${i + 1} (bit ${planeOfStep(i + 1)})`, value: h, highlighted: i + 1 === appStore.getState().depth.bits })),
      {
        title: 'Entropy of each bit-plane',
        description: entropyDescription(a.entropy, appStore.getState().depth.bits),
        xLabel: 'step k (plane added)', yLabel: 'entropy (bits/value)', yDomain: [0, 1], formatValue: (v) => `${v.toFixed(3)} bits`,
      },
    )),
    [a],
  );

  const params = { img: sampleId, size, bits };
  const psnrNow = a ? fmtDb(a.psnr[bits - 1]) : '…';
  return (
    <div className="view">
      <Slider
        label="Bits per channel k"
        value={bits}
        min={1}
        max={8}
        onChange={(v) => appStore.getState().setDepth({ bits: v })}
        format={(v) => `${v} (${3 * v} bits/pixel)`}
        testId="bits-slider"
      />
      <LiveReadout testId="bits-readout" longest="Top 8 of 8 planes: PSNR ∞ dB (exact). The newest plane is bit 0 (least significant).">
        Top {bits} of 8 planes: PSNR {psnrNow}. The newest plane is bit {planeOfStep(bits)} ({bits === 1 ? 'most significant' : bits === 8 ? 'least significant' : `${bits}ᵗʰ from the top`}).
      </LiveReadout>
      <div className="image-row">
        <PixelFigure id="depth-original" title="Original" alt="The working image" image={original} name={{ panel: 'depth', what: 'original', params: { img: sampleId, size } }} />
        <PixelFigure id="depth-recon" title={`Top ${bits} bits`} alt={`The image rebuilt from its top ${bits} bit-planes`} image={recon} name={{ panel: 'depth', what: 'bitplanes-recon', params }} />
        <PixelFigure id="depth-plane" title={`Bit-plane k=${bits} (bit ${planeOfStep(bits)})`} alt={`Bit ${planeOfStep(bits)} of each channel, shown as R, G, B on or off`} image={plane} name={{ panel: 'depth', what: 'bitplanes-plane', params }} />
      </div>
      <RequestProgress pending={analysis} label="Analysing bit-planes" />
      {analysis.error && <ErrorText onRetry={analysis.retry}>The bit-plane analysis failed: {analysis.error}</ErrorText>}
      <div className="chart-row">
        <Formula formula={FORMULAS.psnr} block />
        <ChartFigure id="depth-psnr" title="PSNR vs bits" chart={psnrChart} live={a ? { highlightX: bits, description: psnrDescription(a.psnr, bits) } : undefined} name={{ panel: 'depth', what: 'bitplanes-psnr', params }} />
        <Formula formula={FORMULAS.entropy} block />
        <ChartFigure id="depth-entropy" title="Entropy per plane" chart={entropyChart} live={a ? { barKeys: [String(bits)], description: entropyDescription(a.entropy, bits) } : undefined} name={{ panel: 'depth', what: 'bitplanes-entropy', params }} />
      </div>
    </div>
  );
}

type FrameKind = 'recon' | 'plane';

/** The pixels of a reconstruction or a plane, straight from the image's codes (no float image in between). */
function buildFrame(image: RgbImage, k: number, kind: FrameKind): RgbaFrame {
  const data = kind === 'recon' ? keepTopBitsRgba(image, k) : bitPlaneRgba(image, planeOfStep(k));
  return { width: image.width, height: image.height, data };
}

/** Per-image cache of the bit-plane frames, filled one frame per idle slot (each well under 50 ms at 512²). */
const frameCaches = new WeakMap<RgbImage, Map<string, RgbaFrame>>();

function cacheOf(image: RgbImage): Map<string, RgbaFrame> {
  let cache = frameCaches.get(image);
  if (!cache) frameCaches.set(image, (cache = new Map()));
  return cache;
}

function useFrameCache(image: RgbImage | null) {
  useEffect(() => {
    if (!image) return;
    const cache = cacheOf(image);
    const todo: [number, FrameKind][] = [];
    for (let k = 1; k <= 8; k++) todo.push([k, 'recon'], [k, 'plane']);
    let handle = 0;
    const idle = (cb: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(cb) : window.setTimeout(cb, 16));
    const cancel = (h: number) => (typeof cancelIdleCallback === 'function' ? cancelIdleCallback(h) : window.clearTimeout(h));
    const next = () => {
      const job = todo.shift();
      if (!job) return;
      const key = `${job[1]}${job[0]}`;
      if (!cache.has(key)) cache.set(key, buildFrame(image, job[0], job[1]));
      handle = idle(next);
    };
    handle = idle(next);
    return () => cancel(handle);
  }, [image]);
  return {
    /** The frame, built now if the idle fill has not reached it yet. */
    get(k: number, kind: FrameKind): RgbaFrame {
      const cache = cacheOf(image!);
      const key = `${kind}${k}`;
      let f = cache.get(key);
      if (!f) cache.set(key, (f = buildFrame(image!, k, kind)));
      return f;
    },
  };
}
