// A stand-in for the compute client's denoiser requests: records every request and lets each test answer it
// (at once, later, or never), send progress, and see aborts. Unanswered kinds fail like the placeholder worker.
import type { ComputeClient, RequestOptions } from '../../../src/compute/client';
import type { DenoiserPrediction, DenoiserSampleResult, DenoiserStatus, RequestKind } from '../../../src/protocol';

export interface Call {
  kind: RequestKind;
  payload: Record<string, unknown>;
  opts: RequestOptions;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  aborted: boolean;
}

type Handler = (call: Call) => void;

export class FakeDenoiserClient {
  calls: Call[] = [];
  handlers: Partial<Record<RequestKind, Handler>> = {};

  readonly client: ComputeClient = {
    request: (kind, payload, opts = {}) => new Promise((resolve, reject) => {
      const call: Call = { kind, payload: payload as Record<string, unknown>, opts: opts as RequestOptions, resolve: resolve as (v: unknown) => void, reject, aborted: false };
      this.calls.push(call);
      opts.signal?.addEventListener('abort', () => {
        call.aborted = true;
        reject(new DOMException('The request was aborted', 'AbortError'));
      }, { once: true });
      const handler = this.handlers[kind];
      if (handler) handler(call);
      else queueMicrotask(() => reject(new Error(`${kind}: the denoisers are not available yet`)));
    }) as never,
    onBackendChange: () => () => {},
    dispose: () => {},
  };

  of(kind: RequestKind): Call[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  last(kind: RequestKind): Call {
    const all = this.of(kind);
    if (all.length === 0) throw new Error(`no ${kind} request was made`);
    return all[all.length - 1];
  }

  /** Answers every request of `kind` at once with `make(call)`. */
  answer(kind: RequestKind, make: (call: Call) => unknown): void {
    this.handlers[kind] = (call) => queueMicrotask(() => call.resolve(make(call)));
  }

  /** Leaves requests of `kind` pending: the test resolves, rejects or sends progress itself. */
  hold(kind: RequestKind): void {
    this.handlers[kind] = () => {};
  }

  reset(): void {
    this.calls = [];
    this.handlers = {};
  }
}

export const LAMBDA_BINS = Array.from({ length: 50 }, (_, i) => -10 + ((i + 0.5) * 20) / 50);

export function digitStatus(over: Partial<DenoiserStatus> = {}): DenoiserStatus {
  return {
    model: 'digits-unet', side: 28, channels: 1, classes: 11, parameterization: 'eps', source: 'shipped', saved: false, paramCount: 123456,
    lambda: LAMBDA_BINS, loss: LAMBDA_BINS.map((l) => 0.5 / (1 + Math.exp(l / 2)) + 0.01), heldoutCount: 100, classifierAccuracy: 0.987,
    version: 1, losses: [], trainedSteps: 20000, checkpoint: { stored: null, unavailable: null, note: null }, backend: 'cpu', ...over,
  };
}

export function patchStatus(over: Partial<DenoiserStatus> = {}): DenoiserStatus {
  return digitStatus({ model: 'patches', side: 32, channels: 3, classes: 0, classifierAccuracy: null, ...over });
}

export function prediction(status: DenoiserStatus, mse = 0.0123): DenoiserPrediction {
  const n = status.side * status.side * status.channels;
  const clean = new Float32Array(n).map((_, i) => (i % 7) / 7);
  return {
    model: status.model, version: status.version, clean, label: status.classes > 0 ? 4 : null,
    noisy: new Float32Array(n).fill(0.5), x0hat: clean.map((v) => v * 0.9), error: clean.map((v) => v * 0.1), mse, lambda: 0.25,
  };
}

export function samples(status: DenoiserStatus, count: number, stripCount: number, classes: number[] | null): DenoiserSampleResult {
  const n = status.side * status.side * status.channels;
  return {
    model: status.model, images: new Float32Array(count * n).fill(0.3), strip: new Float32Array(count * stripCount * n).fill(0.6),
    stripSigma: Array.from({ length: stripCount }, (_, i) => 80 / 2 ** i), predictedClass: classes, confidence: classes ? classes.map(() => 0.99) : null,
    milliseconds: 87,
  };
}
