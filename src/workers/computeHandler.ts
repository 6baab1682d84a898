// The compute worker's logic, kept apart from the worker globals so Node tests can drive it directly.
import { analyzeBitplanes, type BitplaneAnalysis } from '../core/depth/bitplanes';
import { analyzeOrdering, specKey, type OrderingAnalysis } from '../core/patch/analysis';
import { patchGrid, type PatchGrid } from '../core/patch/grid';
import { pixelToModel } from '../core/conventions';
import { seededNoise } from '../core/diffusion/forward';
import { spectraForImage, type SpectraPrecomputed } from '../core/diffusion/spectrum';
import { depthSteps, type DepthSpec, type DepthStep } from '../core/depth/views';
import { initBackend as startBackend, tensorMemory } from '../models/backend';
import {
  CANCELLED,
  CHANNEL,
  type BackendName,
  type BackendStatus,
  type DepthStepInfo,
  type ImagePayload,
  type Inbound,
  type Reply,
  type Request,
  type ResultMap,
} from './protocol';
import type { PatchModelHost, PatchModelHostOptions } from './patchModel';
import { PATCH_MODEL_CHANNELS, type PatchModelRequest } from './patchModelProtocol';
import { DENOISER_CHANNELS, type DenoiserRequest } from './diffusionModelProtocol';
import type { DenoiserHost, DenoiserHostOptions } from './diffusionModel';
import { RQAE_MODEL_CHANNELS, type RqaeModelRequest } from './rqaeModelProtocol';
import type { RqaeModelHost, RqaeModelHostOptions } from './rqaeModel';

export interface ComputeHandlerDeps {
  post: (reply: Reply) => void;
  /** Injectable so tests need not start tfjs. */
  initBackend?: (preferred: BackendName | undefined, onChange: (status: BackendStatus) => void) => Promise<BackendStatus>;
  /** Options of the patch transformers' host (tests pass a file fetch and an in-memory store). */
  patchModel?: Omit<PatchModelHostOptions, 'ready'>;
  /** Options of the denoisers' host (tests pass a file fetch and an in-memory store). */
  denoiser?: Omit<DenoiserHostOptions, 'ready'>;
  /** Options of the RQ auto-encoders' host (tests pass a file fetch and an in-memory store). */
  rqaeModel?: Omit<RqaeModelHostOptions, 'ready'>;
}

type Job = { id: number; channel: string; cancelled: boolean; abort: AbortController };

/** Per-image results kept for re-visited images; analyses are small, images are not kept. */
const CACHE_ENTRIES = 32;

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Lets queued messages (a cancel, a newer request) run before this job spends CPU. Best effort. */
function yieldToQueue(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function createComputeHandler({ post, initBackend = startBackend, patchModel, denoiser, rqaeModel }: ComputeHandlerDeps): (msg: Inbound) => Promise<void> {
  // Model work needs a running backend: the UI starts one at once, but a model request may come first.
  let backendReady: Promise<BackendStatus> | null = null;
  let patchHost: Promise<PatchModelHost> | null = null;
  let denoiserHost: Promise<DenoiserHost> | null = null;
  let rqaeHost: Promise<RqaeModelHost> | null = null;
  const backendChanged = (status: BackendStatus) => {
    void patchHost?.then((h) => h.clear()); // tensors are gone with a lost backend: reload on the next request
    void denoiserHost?.then((h) => h.clear());
    void rqaeHost?.then((h) => h.clear());
    post({ id: -1, kind: 'backend-changed', status });
  };
  const startBackendOnce = (preferred?: BackendName) => {
    const started = initBackend(preferred, backendChanged);
    backendReady = started;
    started.catch(() => backendReady === started && (backendReady = null));
    return started;
  };
  /** The model host is loaded on first use, so the analysis worker never pulls in tfjs. */
  function runPatchModel(req: PatchModelRequest, job: Job) {
    patchHost ??= import('./patchModel').then((m) => m.createPatchModelHost({ ...patchModel, ready: () => backendReady ?? startBackendOnce() }));
    return patchHost.then((host) => host.handle(req, {
      cancelled: () => job.cancelled,
      signal: job.abort.signal,
      progress: (done, total, label, data) => post({ id: job.id, kind: 'progress', done, total, label, data }),
    }));
  }
  function runDenoiser(req: DenoiserRequest, job: Job) {
    denoiserHost ??= import('./diffusionModel').then((m) => m.createDenoiserHost({ ...denoiser, ready: () => backendReady ?? startBackendOnce() }));
    return denoiserHost.then((host) => host.handle(req, {
      cancelled: () => job.cancelled,
      signal: job.abort.signal,
      progress: (done, total, label, data) => post({ id: job.id, kind: 'progress', done, total, label, data }),
    }));
  }
  function runRqaeModel(req: RqaeModelRequest, job: Job) {
    rqaeHost ??= import('./rqaeModel').then((m) => m.createRqaeModelHost({ ...rqaeModel, ready: () => backendReady ?? startBackendOnce() }));
    return rqaeHost.then((host) => host.handle(req, {
      cancelled: () => job.cancelled,
      signal: job.abort.signal,
      progress: (done, total, label, data) => post({ id: job.id, kind: 'progress', done, total, label, data }),
    }));
  }
  const pending = new Map<number, Job>();
  const channels = new Map<string, Job>();
  const bitplanes = new Map<string, BitplaneAnalysis>();
  const orderings = new Map<string, OrderingAnalysis>();
  const spectra = new Map<string, SpectraPrecomputed>();
  // Depth steps hold one reconstruction per step: keep few of them (a 512² view of 16 steps is ~50 MB).
  const depthCache = new Map<string, DepthStep[]>();
  const DEPTH_ENTRIES = 8;

  async function stepsFor(image: ImagePayload, spec: DepthSpec, job: Job, label: string): Promise<DepthStep[]> {
    const key = `${image.hash}|${JSON.stringify(spec)}`;
    let hit = depthCache.get(key);
    if (hit) depthCache.delete(key);
    else {
      await yieldToQueue();
      if (job.cancelled) throw new Error(CANCELLED);
      hit = depthSteps({ width: image.width, height: image.height, data: image.data }, spec, (done, total) => post({ id: job.id, kind: 'progress', done, total, label }));
    }
    depthCache.set(key, hit);
    if (depthCache.size > DEPTH_ENTRIES) depthCache.delete(depthCache.keys().next().value as string);
    return hit;
  }

  const info = (steps: DepthStep[]): DepthStepInfo[] => steps.map(({ reconstruction: _r, codes: _c, ...rest }) => rest);

  async function depthView(req: Extract<Request, { kind: 'depth-view' }>, job: Job): Promise<ResultMap['depth-view']> {
    const steps = await stepsFor(req.image, req.spec, job, `Computing ${req.spec.kind}`);
    const d = Math.min(Math.max(1, Math.round(req.d)), steps.length);
    return { steps: info(steps), d, reconstruction: steps[d - 1].reconstruction, previous: d > 1 ? steps[d - 2].reconstruction : null, codes: steps[d - 1].codes ?? null };
  }

  // The curves need only each step's numbers: keep those (small), not the reconstructions. The RD curves
  // run in a background worker of their own (client.ts), so this cache is what that worker remembers.
  const rdCache = new Map<string, DepthStepInfo[]>();

  async function depthRd(req: Extract<Request, { kind: 'depth-rd' }>, job: Job): Promise<ResultMap['depth-rd']> {
    const out: DepthStepInfo[][] = [];
    const label = 'Rate–distortion curves';
    for (let i = 0; i < req.specs.length; i++) {
      post({ id: job.id, kind: 'progress', done: i, total: req.specs.length, label });
      const key = `${req.image.hash}|${JSON.stringify(req.specs[i])}`;
      const full = depthCache.get(key);
      let hit = rdCache.get(key) ?? (full && info(full));
      if (!hit) {
        await yieldToQueue(); // between curves: a cancel or a newer request gets through
        if (job.cancelled) throw new Error(CANCELLED);
        const { width, height, data } = req.image;
        hit = info(depthSteps({ width, height, data }, req.specs[i], (done, total) => post({ id: job.id, kind: 'progress', done, total, label })));
      }
      rdCache.delete(key);
      remember(rdCache, key, hit);
      out.push(hit);
    }
    return out;
  }

  /** FFTs of x0 and of the seeded ε, once per image and seed: every t is then a per-ring combination. */
  function diffusionSpectra(req: Extract<Request, { kind: 'diffusion-spectra' }>): SpectraPrecomputed {
    const { width, height, data, hash } = req.image;
    if (width !== height || (width & (width - 1)) !== 0) throw new RangeError(`spectra need a square power-of-two image, got ${width}×${height}`);
    const key = `${hash}|${req.seed}`;
    let hit = spectra.get(key);
    if (hit) spectra.delete(key);
    else {
      const x0 = new Float32Array(data.length);
      for (let i = 0; i < data.length; i++) x0[i] = pixelToModel(data[i]);
      hit = spectraForImage(x0, seededNoise(data.length, req.seed), width);
    }
    remember(spectra, key, hit);
    return hit;
  }

  /** Least-recently-used caching: Map order doubles as recency order. */
  function remember<T>(cache: Map<string, T>, key: string, value: T): void {
    cache.set(key, value);
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }

  async function patchStats(req: Extract<Request, { kind: 'patch-stats' }>, job: Job): Promise<ResultMap['patch-stats']> {
    const { width, height, data, hash } = req.image;
    if (data.length !== width * height * 3) throw new RangeError(`image data has ${data.length} values, expected ${width * height * 3}`);
    if (width % req.patch !== 0 || height % req.patch !== 0) throw new RangeError(`patch size ${req.patch} does not divide ${width}×${height}`);
    const total = req.orderings.length;
    const out: OrderingAnalysis[] = [];
    let grid: PatchGrid | null = null; // built once, on the first cache miss
    for (let i = 0; i < total; i++) {
      const key = `${hash}|${req.patch}|${specKey(req.orderings[i])}`;
      let hit = orderings.get(key);
      if (hit) orderings.delete(key);
      else {
        post({ id: job.id, kind: 'progress', done: i, total, label: 'Patch statistics' });
        await yieldToQueue(); // a newer request (another step size, another image) may cancel this one
        if (job.cancelled) throw new Error(CANCELLED);
        grid ??= patchGrid({ width, height, data }, req.patch);
        hit = analyzeOrdering(grid, req.orderings[i]);
      }
      remember(orderings, key, hit);
      out.push(hit);
    }
    post({ id: job.id, kind: 'progress', done: total, total, label: 'Patch statistics' });
    return { rows: height / req.patch, cols: width / req.patch, orderings: out };
  }

  function cancel(job: Job): void {
    if (job.cancelled) return;
    job.cancelled = true;
    job.abort.abort();
    post({ id: job.id, kind: 'error', message: CANCELLED });
  }

  function analyse(req: Extract<Request, { kind: 'bitplane-analysis' }>, job: Job): BitplaneAnalysis {
    const { width, height, data, hash } = req.image;
    const hit = bitplanes.get(hash);
    if (hit) {
      bitplanes.delete(hash); // re-insert: Map order doubles as least-recently-used order
      bitplanes.set(hash, hit);
      return hit;
    }
    if (data.length !== width * height * 3) throw new RangeError(`image data has ${data.length} values, expected ${width * height * 3}`);
    post({ id: job.id, kind: 'progress', done: 0, total: 1, label: 'Analysing bit-planes' });
    const result = analyzeBitplanes({ width, height, data });
    remember(bitplanes, hash, result);
    post({ id: job.id, kind: 'progress', done: 1, total: 1, label: 'Analysing bit-planes' });
    return result;
  }

  async function run(req: Request, job: Job): Promise<ResultMap[Request['kind']]> {
    if (req.kind in PATCH_MODEL_CHANNELS) return runPatchModel(req as PatchModelRequest, job);
    if (req.kind in DENOISER_CHANNELS) return runDenoiser(req as DenoiserRequest, job);
    if (req.kind in RQAE_MODEL_CHANNELS) return runRqaeModel(req as RqaeModelRequest, job);
    switch (req.kind) {
      case 'init-backend':
        return startBackendOnce(req.preferred);
      case 'tf-memory':
        return tensorMemory();
      case 'bitplane-analysis':
        return analyse(req, job);
      case 'patch-stats':
        return patchStats(req, job);
      case 'diffusion-spectra':
        return diffusionSpectra(req);
      case 'depth-view':
        return depthView(req, job);
      case 'depth-rd':
        return depthRd(req, job);
      default:
        throw new Error(`unknown request kind '${(req as { kind: unknown }).kind}'`);
    }
  }

  return async function handle(msg: Inbound): Promise<void> {
    if (msg.kind === 'cancel') {
      const job = pending.get(msg.id);
      if (job) cancel(job);
      return;
    }
    const channel = CHANNEL[msg.kind] ?? msg.kind;
    const older = channels.get(channel);
    if (older) cancel(older); // a newer request on the same channel makes the older one pointless
    const job: Job = { id: msg.id, channel, cancelled: false, abort: new AbortController() };
    pending.set(job.id, job);
    channels.set(channel, job);
    try {
      await yieldToQueue();
      if (job.cancelled) return;
      const result = await run(msg, job);
      // Results are never transferred: cached ones must stay intact here.
      if (!job.cancelled) post({ id: job.id, kind: 'result', result });
    } catch (e) {
      if (!job.cancelled) post({ id: job.id, kind: 'error', message: errorMessage(e) });
    } finally {
      pending.delete(job.id);
      if (channels.get(channel) === job) channels.delete(channel);
    }
  };
}
