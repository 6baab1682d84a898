// The hook for a worker request that follows the view: rerun whenever its key changes, newest wins.
import { useEffect, useRef, useState } from 'react';
import { getComputeClient } from '../../compute/client';
import type { PayloadOf, RequestKind, ResultOf } from '../../protocol';

export type Pending<T> = { status: 'idle' | 'working'; result: T | null; progress: number; error: string | null };

/**
 * Runs a worker request whenever `key` changes (null payload: nothing to do yet). A newer request cancels the
 * older one, so dragging never queues stale work; the last result stays shown until the new one arrives.
 */
export function useWorkerRequest<K extends RequestKind>(kind: K, makePayload: (() => PayloadOf<K>) | null, key: string): Pending<ResultOf<K>> {
  const [state, setState] = useState<Pending<ResultOf<K>>>({ status: 'idle', result: null, progress: 0, error: null });
  const make = useRef(makePayload);
  make.current = makePayload;
  useEffect(() => {
    const build = make.current;
    if (!build) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, status: 'working', progress: 0, error: null }));
    getComputeClient()
      .request(kind, build(), {
        signal: abort.signal,
        onProgress: (done, total) => setState((s) => ({ ...s, progress: total > 0 ? done / total : 0 })),
      })
      .then(
        (result) => setState({ status: 'idle', result, progress: 1, error: null }),
        (e: Error) => {
          if (e.name !== 'AbortError') setState({ status: 'idle', result: null, progress: 0, error: e.message });
        },
      );
    return () => abort.abort();
  }, [kind, key]);
  return state;
}
