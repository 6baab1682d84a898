// The analysis host: per-image analyses (bit-planes, patch statistics, diffusion spectra, depth views and
// rate–distortion curves), each cached per image. Pure core computations; no tfjs. The analysis and background
// workers serve it (dispatch.ts routes the analysis kinds here).
import { analyzeBitplanes, type BitplaneAnalysis } from '../../core/depth/bitplanes';
import { analyzeOrdering, specKey, type OrderingAnalysis } from '../../core/patch/analysis';
import { patchGrid, type PatchGrid } from '../../core/patch/grid';
import { pixelToModel } from '../../core/conventions';
import { seededNoise } from '../../core/diffusion/forward';
import { spectraForImage, type SpectraPrecomputed } from '../../core/diffusion/spectrum';
import { depthSteps, ssimScorer, type DepthSpec, type DepthStep } from '../../core/depth/views';
import { CANCELLED, type AnalysisRequest, type AnalysisResults, type DepthStepInfo, type ImagePayload, type RdStepInfo } from '../../protocol';
import { LruMap } from '../../core/lru';
import { yieldToQueue, type ModelContext } from './hostHelpers';

/** Per-image results kept for re-visited images; analyses are small, images are not kept. */
const CACHE_ENTRIES = 32;
// Depth steps hold one reconstruction per step: keep few of them (a 512² view of 16 steps is ~50 MB).
const DEPTH_ENTRIES = 8;

type Req<K extends AnalysisRequest['kind']> = Extract<AnalysisRequest, { kind: K }>;

const info = (steps: DepthStep[]): DepthStepInfo[] => steps.map(({ reconstruction: _r, codes: _c, ...rest }) => rest);
/** A rate–distortion curve's steps: as info, without SSIM (the curves are computed without it). */
const rdInfo = (steps: DepthStep[]): RdStepInfo[] => steps.map(({ reconstruction: _r, codes: _c, ssim: _s, ...rest }) => rest);

function checkImage({ width, height, data }: ImagePayload): void {
  if (data.length !== width * height * 3) throw new RangeError(`image data has ${data.length} values, expected ${width * height * 3}`);
}

export interface AnalysisHost {
  handle<K extends AnalysisRequest['kind']>(req: Req<K>, ctx: ModelContext): Promise<AnalysisResults[K]>;
}

export function createAnalysisHost(): AnalysisHost {
  const bitplanes = new LruMap<string, BitplaneAnalysis>({ entries: CACHE_ENTRIES });
  const orderings = new LruMap<string, OrderingAnalysis>({ entries: CACHE_ENTRIES });
  const spectra = new LruMap<string, SpectraPrecomputed>({ entries: CACHE_ENTRIES });
  const depthCache = new LruMap<string, DepthStep[]>({ entries: DEPTH_ENTRIES });
  // The curves need only each step's numbers: keep those (small), not the reconstructions. The RD curves run
  // in a background worker of their own (compute/client.ts), so this cache is what that worker remembers.
  const rdCache = new LruMap<string, RdStepInfo[]>({ entries: CACHE_ENTRIES });

  /** Every step of a view, without SSIM: that is scored per step as the step is shown (showStep). */
  async function stepsFor(image: ImagePayload, spec: DepthSpec, ctx: ModelContext, label: string): Promise<DepthStep[]> {
    const key = `${image.hash}|${JSON.stringify(spec)}`;
    let hit = depthCache.get(key);
    if (!hit) {
      await yieldToQueue();
      if (ctx.cancelled()) throw new Error(CANCELLED);
      hit = depthSteps({ width: image.width, height: image.height, data: image.data }, spec, (done, total) => ctx.progress(done, total, label), { ssim: false });
      depthCache.set(key, hit);
    }
    return hit;
  }

  // The steps view shows the SSIM of the step on screen only: scored when a step is first shown, and kept with the
  // cached step. Scoring every step with the view was more than half its cost at 512².
  let scorer: { hash: string; ssimOf: (reconstruction: DepthStep['reconstruction']) => number } | null = null;
  function showStep(image: ImagePayload, step: DepthStep): void {
    if (!Number.isNaN(step.ssim)) return;
    if (scorer?.hash !== image.hash) scorer = { hash: image.hash, ssimOf: ssimScorer(image) };
    step.ssim = scorer.ssimOf(step.reconstruction);
  }

  async function depthView(req: Req<'depth-view'>, ctx: ModelContext): Promise<AnalysisResults['depth-view']> {
    const steps = await stepsFor(req.image, req.spec, ctx, `Computing ${req.spec.kind}`);
    const d = Math.min(Math.max(1, Math.round(req.d)), steps.length);
    showStep(req.image, steps[d - 1]);
    return { steps: info(steps), d, reconstruction: steps[d - 1].reconstruction, previous: d > 1 ? steps[d - 2].reconstruction : null, codes: steps[d - 1].codes ?? null, of: `${req.image.hash}|${JSON.stringify(req.spec)}` };
  }

  async function depthRd(req: Req<'depth-rd'>, ctx: ModelContext): Promise<AnalysisResults['depth-rd']> {
    const out: RdStepInfo[][] = [];
    const label = 'Rate–distortion curves';
    for (let i = 0; i < req.specs.length; i++) {
      ctx.progress(i, req.specs.length, label);
      const key = `${req.image.hash}|${JSON.stringify(req.specs[i])}`;
      let hit = rdCache.get(key);
      if (!hit) {
        const full = depthCache.peek(key); // the view's own steps, when it was shown
        if (!full) {
          await yieldToQueue(); // between curves: a cancel or a newer request gets through
          if (ctx.cancelled()) throw new Error(CANCELLED);
        }
        const { width, height, data } = req.image;
        hit = rdInfo(full ?? depthSteps({ width, height, data }, req.specs[i], (done, total) => ctx.progress(done, total, label), { ssim: false }));
        rdCache.set(key, hit);
      }
      out.push(hit);
    }
    return out;
  }

  /** FFTs of x0 and of the seeded ε, once per image and seed: every t is then a per-ring combination. */
  function diffusionSpectra(req: Req<'diffusion-spectra'>): SpectraPrecomputed {
    const { width, height, data, hash } = req.image;
    if (width !== height || (width & (width - 1)) !== 0) throw new RangeError(`spectra need a square power-of-two image, got ${width}×${height}`);
    const key = `${hash}|${req.seed}`;
    return spectra.getOrSet(key, () => {
      const x0 = new Float32Array(data.length);
      for (let i = 0; i < data.length; i++) x0[i] = pixelToModel(data[i]);
      return spectraForImage(x0, seededNoise(data.length, req.seed), width);
    });
  }

  async function patchStats(req: Req<'patch-stats'>, ctx: ModelContext): Promise<AnalysisResults['patch-stats']> {
    const { width, height, data, hash } = req.image;
    checkImage(req.image);
    if (width % req.patch !== 0 || height % req.patch !== 0) throw new RangeError(`patch size ${req.patch} does not divide ${width}×${height}`);
    const total = req.orderings.length;
    const out: OrderingAnalysis[] = [];
    let grid: PatchGrid | null = null; // built once, on the first cache miss
    for (let i = 0; i < total; i++) {
      const key = `${hash}|${req.patch}|${specKey(req.orderings[i])}`;
      let hit = orderings.get(key);
      if (!hit) {
        ctx.progress(i, total, 'Patch statistics');
        await yieldToQueue(); // a newer request (another step size, another image) may cancel this one
        if (ctx.cancelled()) throw new Error(CANCELLED);
        grid ??= patchGrid({ width, height, data }, req.patch);
        hit = analyzeOrdering(grid, req.orderings[i]);
        orderings.set(key, hit);
      }
      out.push(hit);
    }
    ctx.progress(total, total, 'Patch statistics');
    return { rows: height / req.patch, cols: width / req.patch, orderings: out };
  }

  function analyse(req: Req<'bitplane-analysis'>, ctx: ModelContext): BitplaneAnalysis {
    const { width, height, data, hash } = req.image;
    return bitplanes.getOrSet(hash, () => {
      checkImage(req.image);
      ctx.progress(0, 1, 'Analysing bit-planes');
      const analysis = analyzeBitplanes({ width, height, data });
      ctx.progress(1, 1, 'Analysing bit-planes');
      return analysis;
    });
  }

  const handlers: { [K in AnalysisRequest['kind']]: (req: Req<K>, ctx: ModelContext) => AnalysisResults[K] | Promise<AnalysisResults[K]> } = {
    'bitplane-analysis': analyse,
    'patch-stats': patchStats,
    'diffusion-spectra': diffusionSpectra,
    'depth-view': depthView,
    'depth-rd': depthRd,
  };

  return {
    async handle(req, ctx) {
      return handlers[req.kind](req, ctx);
    },
  };
}
