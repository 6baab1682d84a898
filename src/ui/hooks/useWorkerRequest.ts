// The worker request that follows the view: a worker action run again whenever its key changes, newest wins.
import { useEffect, useState } from 'react';
import { keepAnswer, recallAnswer } from '../../compute/answers';
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

export interface RequestOptions {
  /**
   * Keep this kind's answers on the page by key (the last few), and answer a key seen before without asking the
   * worker. Only for small answers that depend on nothing but the key.
   */
  remember?: boolean;
}

/**
 * Runs a worker request whenever `key` changes (null payload: nothing to do yet). A newer request cancels the
 * older one, so dragging never queues stale work; the last result stays shown until the new one arrives, and
 * through a cancel. With `remember`, a key answered before is answered from the page (see above).
 */
export function useWorkerRequest<K extends RequestKind>(kind: K, makePayload: (() => PayloadOf<K>) | null, key: string, { remember = false }: RequestOptions = {}): Pending<ResultOf<K>> {
  const action = useWorkerAction(kind);
  const { run, cancel } = action;
  // The payload of the render whose key changed.
  const make = useLatest(makePayload);
  const [attempt, setAttempt] = useState(0);
  // The key whose request the user cancelled: a request superseded from elsewhere is not a cancel.
  const [cancelledKey, setCancelledKey] = useState<string | null>(null);
  const hit = remember && makePayload ? recallAnswer(kind, key) : undefined;
  const known = hit !== undefined;
  useEffect(() => {
    const build = make.current;
    if (!build) return;
    if (known) return cancel; // answered from the page: a request still running for an older key is dropped
    void run(build()).then((outcome) => {
      if (remember && outcome.status === 'done') keepAnswer(kind, key, outcome.result);
    });
    return cancel;
  }, [run, cancel, make, key, attempt, known, remember, kind]);
  // A failure drops the result it was to replace (the views show the error alone) until a newer one comes.
  const [dropped, setDropped] = useState<ResultOf<K> | null>(null);
  if (action.status === 'error' && action.result !== dropped) setDropped(action.result);
  if (known) {
    return {
      status: 'idle', result: hit, progress: 1, etaSeconds: null, error: null,
      retry: () => setAttempt((a) => a + 1),
      cancel: () => undefined,
      cancelled: false,
    };
  }
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
