// The typed messages between the UI thread and the compute worker. tfjs-free, so the UI can import it.
import type { BitplaneAnalysis } from '../core/depth/bitplanes';
import type { OrderingAnalysis, OrderingSpec } from '../core/patch/analysis';
import type { SpectraPrecomputed } from '../core/diffusion/spectrum';
import type { DepthSpec, DepthStep } from '../core/depth/views';
import type { RgbImage } from '../core/image';
import type { BackendName, BackendStatus } from './backendTypes';
import { PATCH_MODEL_CHANNELS, type ImagePayload, type PatchModelProgressData, type PatchModelRequest, type PatchModelResults } from './patchModelProtocol';
import { DENOISER_CHANNELS, type DenoiserProgressData, type DenoiserRequest, type DenoiserResults } from './diffusionModelProtocol';
import { RQAE_MODEL_CHANNELS, type RqaeModelProgressData, type RqaeModelRequest, type RqaeModelResults } from './rqaeModelProtocol';

export type { BackendFailure, BackendName, BackendStatus } from './backendTypes';
export { BACKEND_NAMES } from './backendTypes';
export * from './patchModelProtocol';
export * from './diffusionModelProtocol';
export * from './rqaeModelProtocol';
// ImagePayload (an RgbImage plus its content hash, core/image imageHash, which keys the worker's per-image
// caches) lives in patchModelProtocol.ts, whose crop models take one too; it is re-exported above.

export type Request =
  | PatchModelRequest
  | DenoiserRequest
  | RqaeModelRequest
  | { id: number; kind: 'init-backend'; preferred?: BackendName }
  /** Live tensors and bytes of the model worker's tfjs (null before it starts): leak checks. */
  | { id: number; kind: 'tf-memory' }
  | { id: number; kind: 'bitplane-analysis'; image: ImagePayload }
  | { id: number; kind: 'patch-stats'; image: ImagePayload; patch: number; orderings: OrderingSpec[] }
  | { id: number; kind: 'diffusion-spectra'; image: ImagePayload; seed: number }
  | { id: number; kind: 'depth-view'; image: ImagePayload; spec: DepthSpec; d: number }
  | { id: number; kind: 'depth-rd'; image: ImagePayload; specs: DepthSpec[] };

/** A step's numbers without its image or codes (curves travel; images and codes only for the step on screen). */
export type DepthStepInfo = Omit<DepthStep, 'reconstruction' | 'codes'>;
/** `codes`: step d's code per patch (RQ / VQ; null for other views), over steps[d − 1].grid. */
export type DepthViewResult = { steps: DepthStepInfo[]; d: number; reconstruction: RgbImage; previous: RgbImage | null; codes: Int32Array | null };

/** Per-ordering statistics, in the order the orderings were asked for. */
export type PatchStatsResult = { rows: number; cols: number; orderings: OrderingAnalysis[] };

/** Asks the worker to drop request `id`; it answers that request with an error 'cancelled' if still pending. */
export type CancelMessage = { id: number; kind: 'cancel' };

/** Everything the worker receives. */
export type Inbound = Request | CancelMessage;

export type Reply =
  /** `data`: a kind's own progress details (ProgressDataOf), e.g. the running loss of a training run. */
  | { id: number; kind: 'progress'; done: number; total: number; label?: string; data?: unknown }
  | { id: number; kind: 'result'; result: unknown }
  | { id: number; kind: 'error'; message: string }
  | { id: -1; kind: 'backend-changed'; status: BackendStatus };

/** What each request kind resolves to. */
export interface ResultMap extends PatchModelResults, DenoiserResults, RqaeModelResults {
  'init-backend': BackendStatus;
  'tf-memory': { numTensors: number; numBytes: number } | null;
  'bitplane-analysis': BitplaneAnalysis;
  'patch-stats': PatchStatsResult;
  'diffusion-spectra': SpectraPrecomputed;
  'depth-view': DepthViewResult;
  'depth-rd': DepthStepInfo[][];
}

export type RequestKind = Request['kind'];
export type RequestOf<K extends RequestKind> = Extract<Request, { kind: K }>;
/** A request's fields besides id and kind. */
export type PayloadOf<K extends RequestKind> = Omit<RequestOf<K>, 'id' | 'kind'>;
export type ResultOf<K extends RequestKind> = ResultMap[K];
/** What the `data` of a kind's progress replies holds (undefined for kinds that send none). */
export type ProgressDataOf<K extends RequestKind> = K extends keyof PatchModelProgressData
  ? PatchModelProgressData[K]
  : K extends keyof DenoiserProgressData
    ? DenoiserProgressData[K]
    : K extends keyof RqaeModelProgressData
      ? RqaeModelProgressData[K]
      : undefined;

/**
 * Requests on one channel supersede each other: a newer one answers the older pending one with 'cancelled'
 * (a newer image makes an older image's analysis pointless; a newer backend choice wins).
 * Cancelling only stops the answer: a backend switch already under way still completes before the next.
 */
export const CHANNEL: Record<RequestKind, string> = {
  ...PATCH_MODEL_CHANNELS,
  ...DENOISER_CHANNELS,
  ...RQAE_MODEL_CHANNELS,
  'init-backend': 'backend',
  'tf-memory': 'tf-memory',
  'bitplane-analysis': 'bitplanes',
  'patch-stats': 'patch-stats',
  'diffusion-spectra': 'diffusion-spectra',
  'depth-view': 'depth-view',
  'depth-rd': 'depth-rd',
};

/** The error message of a cancelled or superseded request. */
export const CANCELLED = 'cancelled';
