// A compute client for hook tests: every request waits for the test to answer it.
import type { ComputeClient, RequestOptions } from '../../../src/compute/client';
import type { RequestKind } from '../../../src/protocol';

/** A request the test answers; its answer may come after it was aborted, as a worker's late reply would. */
export interface Call {
  payload: Record<string, unknown>;
  opts: RequestOptions;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  aborted: boolean;
}

/** A client that leaves every request to the test and does not reject on abort unless told to. */
export class HeldClient {
  calls: Call[] = [];
  rejectOnAbort = false;
  readonly client: ComputeClient = {
    request: (_kind: RequestKind, payload, opts = {}) => new Promise((resolve, reject) => {
      const call: Call = { payload: payload as Record<string, unknown>, opts: opts as RequestOptions, resolve: resolve as (v: unknown) => void, reject, aborted: false };
      this.calls.push(call);
      opts.signal?.addEventListener('abort', () => {
        call.aborted = true;
        if (this.rejectOnAbort) reject(new DOMException('The request was aborted', 'AbortError'));
      }, { once: true });
    }) as never,
    onBackendChange: () => () => {},
    dispose: () => {},
  };
}

