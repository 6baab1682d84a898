// Loading a model (or measuring models) in the model worker on the user's request, with progress and errors.
import { useCallback, useEffect, useRef, useState } from 'react';
import { getComputeClient } from '../../compute/client';
import type { PayloadOf, ProgressDataOf, RequestKind, ResultOf } from '../../protocol';
import { errorMessage, isAbort } from '../../compute/requests';

/** A load in progress (fraction done and the worker's label), or the message of the last failed one. */
export type LoadState = { working: boolean; progress: number; label: string; error: string | null };

export const LOAD_IDLE: LoadState = { working: false, progress: 0, label: '', error: null };

/** The load state after a progress reply: the fraction done (0 without a total) and the worker's label, if any. */
export function loadProgress(state: LoadState, done: number, total: number, label?: string): LoadState {
  return { ...state, progress: total > 0 ? done / total : 0, label: label ?? state.label };
}

export interface ModelLoadOptions<K extends RequestKind> {
  /** Receives the worker's answer. */
  onResult(result: ResultOf<K>): void;
  /** Shown until the worker's first progress reply; 'Starting…' by default. */
  startLabel?: string;
  /** The load state after a progress reply; loadProgress by default. */
  onProgress?: (state: LoadState, done: number, total: number, label?: string, data?: ProgressDataOf<K>) => LoadState;
}

/**
 * Sends `kind` with `payload(target)` whenever `target` changes (by identity) or `reload()` is called; a null target
 * sends nothing. A newer request, a null target or unmounting cancels the running one; a cancelled request is no
 * error. The request's progress and failure are in `load`.
 */
export function useModelLoad<K extends RequestKind, T>(
  kind: K,
  target: T | null,
  payload: (target: T) => PayloadOf<K>,
  options: ModelLoadOptions<K>,
): { load: LoadState; reload(): void } {
  const [load, setLoad] = useState<LoadState>(LOAD_IDLE);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // The request is sent when target or tick change, with the payload and callbacks of that render.
  const latest = useRef({ payload, options });
  latest.current = { payload, options };

  useEffect(() => {
    if (target === null) return;
    const { payload: make, options: opts } = latest.current;
    const next = opts.onProgress ?? loadProgress;
    const abort = new AbortController();
    setLoad({ working: true, progress: 0, label: opts.startLabel ?? 'Starting…', error: null });
    getComputeClient()
      .request(kind, make(target), {
        signal: abort.signal,
        onProgress: (done, total, label, data) => setLoad((l) => next(l, done, total, label, data)),
      })
      .then(
        (result) => {
          opts.onResult(result);
          setLoad({ working: false, progress: 1, label: '', error: null });
        },
        (e) => {
          if (!isAbort(e)) setLoad({ ...LOAD_IDLE, error: errorMessage(e) });
        },
      );
    return () => abort.abort();
  }, [kind, target, tick]);

  return { load, reload };
}
