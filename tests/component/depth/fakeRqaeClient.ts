// A stand-in for the compute client's RQ auto-encoder requests: records every request and lets each test
// answer it (at once or later) and send progress; unanswered kinds fail.
import type { ComputeClient, RequestOptions } from '../../../src/compute/client';
import type { RequestKind, RqaeComparison, RqaeModelStatus, RqaeReconstruction } from '../../../src/protocol';

export interface Call {
  kind: RequestKind;
  payload: Record<string, unknown>;
  opts: RequestOptions;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  aborted: boolean;
}

export class FakeRqaeClient {
  calls: Call[] = [];
  handlers: Partial<Record<RequestKind, (call: Call) => void>> = {};

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
      else queueMicrotask(() => reject(new Error(`${kind}: not answered in this test`)));
    }) as never,
    onBackendChange: () => () => {},
    dispose: () => {},
  };

  of(kind: RequestKind): Call[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  last(kind: RequestKind): Call {
    const c = this.of(kind).at(-1);
    if (!c) throw new Error(`no ${kind} request`);
    return c;
  }

  answer(kind: RequestKind, make: (call: Call) => unknown): void {
    this.handlers[kind] = (call) => queueMicrotask(() => call.resolve(make(call)));
  }

  hold(kind: RequestKind): void {
    this.handlers[kind] = () => {};
  }
}

const curve = (d: number) => Array.from({ length: d }, (_, i) => 18 + 6 * (1 - 0.5 ** (i + 1)));

export function status(model = 'summed-d4', extra: Partial<RqaeModelStatus> = {}): RqaeModelStatus {
  const depth = Number(model.split('-d')[1]);
  return {
    key: model, model, data: 'digits', objective: model.startsWith('full') ? 'full' : 'summed', depth, codebookSize: 128, sharedCodebook: true,
    latentDim: 8, side: 28, channels: 1, source: 'shipped', note: null, saved: false, paramCount: 23_456, heldoutCount: 500,
    psnrPerDepth: curve(depth), nonMonotoneFraction: 0.42, increaseFractionPerStep: Array(depth - 1).fill(0.1),
    health: Array.from({ length: depth }, (_, d) => ({ counts: Array.from({ length: 128 }, (_, k) => (k < 20 ? 100 - d : 0)), perplexity: 20 - d, dead: 108 })),
    recorded: null, version: 1, losses: [], trainedSteps: 1000, checkpoint: { stored: null, unavailable: null, note: null }, backend: 'wasm', ...extra,
  };
}

export function comparison(): RqaeComparison {
  return {
    heldoutCount: 500,
    models: [
      { model: 'summed-d4', objective: 'summed', depth: 4, source: 'shipped', psnrPerDepth: curve(4), nonMonotoneFraction: 0.25, increaseFractionPerStep: [0, 0, 0.25] },
      { model: 'summed-d8', objective: 'summed', depth: 8, source: 'shipped', psnrPerDepth: curve(8), nonMonotoneFraction: 0.6, increaseFractionPerStep: Array(7).fill(0.1) },
      {
        model: 'summed-d16', objective: 'summed', depth: 16, source: 'shipped', psnrPerDepth: curve(16), nonMonotoneFraction: 0.7, increaseFractionPerStep: Array(15).fill(0.1),
        // 0.7 at 1e-6 falling to 0.1 at 5 %
        nonMonotoneByThreshold: Array.from({ length: 19 }, (_, i) => 0.7 - (0.6 * i) / 18),
      },
      { model: 'full-d8', objective: 'full', depth: 8, source: 'shipped', psnrPerDepth: curve(8), nonMonotoneFraction: 0.9, increaseFractionPerStep: Array(7).fill(0.1) },
    ],
  };
}

/** A digit whose error falls, then rises at depth 3 (of 4). */
export function reconstruction(s: RqaeModelStatus, digit: number): RqaeReconstruction {
  const size = s.side * s.side * s.channels;
  return {
    key: s.key, version: s.version, digit, digitCount: s.heldoutCount, truth: new Float32Array(size).fill(0.5),
    reconstructions: new Float32Array(s.depth * size).fill(0.4), msePerDepth: [0.04, 0.02, 0.03, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01].slice(0, s.depth),
  };
}
