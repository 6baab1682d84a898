// The typed messages between the UI thread and the compute worker. tfjs-free, so the UI can import it.
import type { BitplaneAnalysis } from '../core/depth/bitplanes';
import type { OrderingAnalysis, OrderingSpec } from '../core/patch/analysis';
import type { SpectraPrecomputed } from '../core/diffusion/spectrum';
import type { BackendName, BackendStatus } from './backendTypes';

export type { BackendFailure, BackendName, BackendStatus } from './backendTypes';
export { BACKEND_NAMES } from './backendTypes';

/** An RgbImage plus its content hash (core/image imageHash), which keys the worker's per-image caches. */
export type ImagePayload = { width: number; height: number; data: Float32Array; hash: string };

export type Request =
  | { id: number; kind: 'init-backend'; preferred?: BackendName }
  | { id: number; kind: 'bitplane-analysis'; image: ImagePayload }
  | { id: number; kind: 'patch-stats'; image: ImagePayload; patch: number; orderings: OrderingSpec[] }
  | { id: number; kind: 'diffusion-spectra'; image: ImagePayload; seed: number };

/** Per-ordering statistics, in the order the orderings were asked for. */
export type PatchStatsResult = { rows: number; cols: number; orderings: OrderingAnalysis[] };

/** Asks the worker to drop request `id`; it answers that request with an error 'cancelled' if still pending. */
export type CancelMessage = { id: number; kind: 'cancel' };

/** Everything the worker receives. */
export type Inbound = Request | CancelMessage;

export type Reply =
  | { id: number; kind: 'progress'; done: number; total: number; label?: string }
  | { id: number; kind: 'result'; result: unknown }
  | { id: number; kind: 'error'; message: string }
  | { id: -1; kind: 'backend-changed'; status: BackendStatus };

/** What each request kind resolves to. */
export interface ResultMap {
  'init-backend': BackendStatus;
  'bitplane-analysis': BitplaneAnalysis;
  'patch-stats': PatchStatsResult;
  'diffusion-spectra': SpectraPrecomputed;
}

export type RequestKind = Request['kind'];
export type RequestOf<K extends RequestKind> = Extract<Request, { kind: K }>;
/** A request's fields besides id and kind. */
export type PayloadOf<K extends RequestKind> = Omit<RequestOf<K>, 'id' | 'kind'>;
export type ResultOf<K extends RequestKind> = ResultMap[K];

/**
 * Requests on one channel supersede each other: a newer one answers the older pending one with 'cancelled'
 * (a newer image makes an older image's analysis pointless; a newer backend choice wins).
 * Cancelling only stops the answer: a backend switch already under way still completes before the next.
 */
export const CHANNEL: Record<RequestKind, string> = {
  'init-backend': 'backend',
  'bitplane-analysis': 'bitplanes',
  'patch-stats': 'patch-stats',
  'diffusion-spectra': 'diffusion-spectra',
};

/** The error message of a cancelled or superseded request. */
export const CANCELLED = 'cancelled';
