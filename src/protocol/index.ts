// The protocol layer: the typed messages between the page and its workers, the enumerations both sides name
// (backends, shipped models) and nothing else. tfjs-free and DOM-free, so page, workers and models may all
// import it; lint keeps it that way (it imports only src/core).
import type { BackendName, BackendStatus } from './backend';
import { ANALYSIS_CHANNELS, type AnalysisRequest, type AnalysisResults } from './analysis';
import { PATCH_MODEL_CHANNELS, type PatchModelProgressData, type PatchModelRequest, type PatchModelResults } from './patchModel';
import { DENOISER_CHANNELS, type DenoiserProgressData, type DenoiserRequest, type DenoiserResults } from './denoiser';
import { RQAE_MODEL_CHANNELS, type RqaeModelProgressData, type RqaeModelRequest, type RqaeModelResults } from './rqaeModel';

export type { BackendFailure, BackendName, BackendStatus, WasmThreads } from './backend';
export { BACKEND_NAMES } from './backend';
export type { ImagePayload } from './image';
export { isShared } from './image';
export * from './analysis';
export * from './patchModel';
export * from './denoiser';
export * from './rqaeModel';
export * from './lab';
export * from './checkpoint';

/** Requests about the model worker's tfjs itself. */
export type BackendRequest =
  | { id: number; kind: 'init-backend'; preferred?: BackendName }
  /** Live tensors and bytes of the model worker's tfjs (null before it starts): leak checks. */
  | { id: number; kind: 'tf-memory' };

export type Request = AnalysisRequest | PatchModelRequest | DenoiserRequest | RqaeModelRequest | BackendRequest;

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
export interface ResultMap extends AnalysisResults, PatchModelResults, DenoiserResults, RqaeModelResults {
  'init-backend': BackendStatus;
  'tf-memory': { numTensors: number; numBytes: number } | null;
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

/** Kinds about the model worker's tfjs (backend start-up and memory). */
export const BACKEND_CHANNELS = { 'init-backend': 'backend', 'tf-memory': 'tf-memory' } as const satisfies Record<BackendRequest['kind'], string>;

/**
 * Requests on one channel supersede each other: a newer one answers the older pending one with 'cancelled'
 * (a newer image makes an older image's analysis pointless; a newer backend choice wins).
 * Cancelling only stops the answer: a backend switch already under way still completes before the next.
 */
export const CHANNEL: Record<RequestKind, string> = {
  ...ANALYSIS_CHANNELS,
  ...PATCH_MODEL_CHANNELS,
  ...DENOISER_CHANNELS,
  ...RQAE_MODEL_CHANNELS,
  ...BACKEND_CHANNELS,
};

/** The error message of a cancelled or superseded request. */
export const CANCELLED = 'cancelled';
