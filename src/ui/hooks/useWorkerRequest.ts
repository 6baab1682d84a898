// The worker request that follows the view: a worker action run again whenever its key changes, newest wins.
import { useEffect, useState } from 'react';
import type { PayloadOf, RequestKind, ResultOf } from '../../protocol';
import { useLatest } from './useLatest';
import { useWorkerAction } from './useWorkerAction';

export type Pending<T> = {
  status: 'idle' | 'working'; result: T | null; progress: number; error: string | null;
  /** Seconds left at the pace so far, while working; null until there is an estimate. */
  etaSeconds: number | null;
  /** Sends the request again (after a failure: a crashed worker is restarted, see compute/client.ts; after a cancel). */
  retry(): void;
  /** Aborts the running request; the last result stays until the key changes or retry. */
  cancel(): void;
  /** The request for this key was cancelled by cancel() (not superseded by a newer one). */
  cancelled: boolean;
};

/**
 * Runs a worker request whenever `key` changes (null payload: nothing to do yet). A newer request cancels the
 * older one, so dragging never queues stale work; the last result stays shown until the new one arrives, and
 * through a cancel.
 */
export function useWorkerRequest<K extends RequestKind>(kind: K, makePayload: (() => PayloadOf<K>) | null, key: string): Pending<ResultOf<K>> {
  const action = useWorkerAction(kind);
  const { run, cancel } = action;
  // The payload of the render whose key changed.
  const make = useLatest(makePayload);
  const [attempt, setAttempt] = useState(0);
  // The key whose request the user cancelled: a request superseded from elsewhere is not a cancel.
  const [cancelledKey, setCancelledKey] = useState<string | null>(null);
  useEffect(() => {
    const build = make.current;
    if (!build) return;
    void run(build());
    return cancel;
  }, [run, cancel, make, key, attempt]);
  // A failure drops the result it was to replace (the views show the error alone) until a newer one comes.
  const [dropped, setDropped] = useState<ResultOf<K> | null>(null);
  if (action.status === 'error' && action.result !== dropped) setDropped(action.result);
  return {
    status: action.working ? 'working' : 'idle',
    result: action.result === dropped ? null : action.result,
    progress: action.progress?.fraction ?? (action.status === 'done' ? 1 : 0),
    etaSeconds: action.progress?.etaSeconds ?? null,
    error: action.error,
    retry: () => setAttempt((a) => a + 1),
    cancel: () => {
      setCancelledKey(key);
      cancel();
    },
    cancelled: action.status === 'cancelled' && cancelledKey === key,
  };
}
