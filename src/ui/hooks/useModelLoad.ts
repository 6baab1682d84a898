// Loading a model (or measuring models) in the model worker on the user's request: a worker action sent again
// whenever its target changes or on reload, with progress, the time left and errors.
import { useCallback, useEffect, useState } from 'react';
import { getComputeClient } from '../../compute/client';
import type { PayloadOf, ProgressDataOf, RequestKind, ResultOf } from '../../protocol';
import { useLatest } from './useLatest';
import { useWorkerAction, type ReadProgress } from './useWorkerAction';

/** A load in progress (fraction done, the worker's label, seconds left if known), or the message of the last failed one. */
export type LoadState = {
  working: boolean; progress: number; label: string; error: string | null; etaSeconds?: number | null;
  /** The user cancelled the load of this target (a newer target's load superseding it is not a cancel). */
  cancelled?: boolean;
};

export interface ModelLoadOptions<K extends RequestKind> {
  /** Receives the worker's answer. */
  onResult(result: ResultOf<K>): void;
  /** Shown until the worker's first progress reply; 'Starting…' by default. */
  startLabel?: string;
  /** Reads a progress reply (fraction and label); by default done / total and the worker's label. */
  readProgress?: ReadProgress<ProgressDataOf<K>>;
}

/**
 * Sends `kind` with `payload(target)` whenever `target` changes (by identity) or `reload()` is called; a null target
 * sends nothing; it is sent again when the worker moves to another backend after losing one. A newer request, a null target or unmounting cancels the running one; a cancelled request is no
 * error. `cancel()` stops the running load (reload() starts it again). The request's progress, failure and whether
 * the user cancelled it are in `load`.
 */
export function useModelLoad<K extends RequestKind, T>(
  kind: K,
  target: T | null,
  payload: (target: T) => PayloadOf<K>,
  options: ModelLoadOptions<K>,
): { load: LoadState; reload(): void; cancel(): void } {
  const action = useWorkerAction(kind);
  const { run, cancel } = action;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // The load the user cancelled, by its target and tick.
  const [cancelledAt, setCancelledAt] = useState<{ target: T | null; tick: number } | null>(null);
  // The request is sent when target or tick change, with the payload and callbacks of that render.
  const latest = useLatest({ payload, options });

  useEffect(() => {
    if (target === null) return;
    const { payload: make, options: opts } = latest.current;
    void run(make(target), { label: opts.startLabel ?? 'Starting…', read: opts.readProgress }).then((o) => {
      if (o.status === 'done') opts.onResult(o.result);
    });
    return cancel;
  }, [run, cancel, latest, target, tick]);

  // A lost GPU backend takes the worker's models with it: load again on the backend that replaced it.
  useEffect(() => {
    if (target === null) return;
    const stop = getComputeClient().onBackendChange(reload);
    return () => void stop();
  }, [target, reload]);

  const { progress } = action;
  const cancelled = action.status === 'cancelled' && cancelledAt !== null && cancelledAt.target === target && cancelledAt.tick === tick;
  const load = { working: action.working, progress: progress?.fraction ?? 0, label: progress?.label ?? '', error: action.error, etaSeconds: progress?.etaSeconds ?? null, cancelled };
  const stop = () => {
    setCancelledAt({ target, tick });
    cancel();
  };
  return { load, reload, cancel: stop };
}
