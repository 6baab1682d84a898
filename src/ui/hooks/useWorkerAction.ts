// The one way for the page to ask a worker for something: run it with a payload, follow its progress (with an
// estimate of the time left), cancel it, and read its result or what went wrong. A new run supersedes (aborts) the
// running one and unmounting aborts it; the answer of a superseded or cancelled run is dropped, so a stale answer
// never overwrites a newer one. The last result stays through a later cancel or failure.
import { useCallback, useEffect, useRef, useState } from 'react';
import { getComputeClient } from '../../compute/client';
import { errorMessage, isAbort } from '../../compute/requests';
import type { PayloadOf, ProgressDataOf, RequestKind, ResultOf } from '../../protocol';
import { secondsLeft } from './timeLeft';

export type ActionStatus = 'idle' | 'working' | 'done' | 'cancelled' | 'error';

/** A running job's progress: the worker's last reply and what it comes to. */
export interface ActionProgress<D> {
  done: number;
  total: number;
  /** What the job is doing: the run's start label, then each reply's as the run reads it. */
  label: string;
  /** The last reply's own details (ProgressDataOf its kind). */
  data: D | undefined;
  /** Done so far, 0 to 1. */
  fraction: number;
  /** Seconds left at the pace so far (secondsLeft); null until a little progress has been made. */
  etaSeconds: number | null;
}

/** How a run ended, for the caller that waits for it; a run never rejects. A superseded run ends 'cancelled'. */
export type Outcome<R> = { status: 'done'; result: R } | { status: 'cancelled' } | { status: 'error'; error: string };

/** A progress reply as the run shows it; a field left out keeps its last value. */
export type ReadProgress<D> = (done: number, total: number, label: string | undefined, data: D | undefined) => { fraction?: number; label?: string };

export interface RunOptions<D> {
  /** Shown until a progress reply brings another label. */
  label?: string;
  /** Reads each progress reply; by default done / total (0 without a total) and the reply's label. */
  read?: ReadProgress<D>;
  /** Hears each progress reply of the run while it is the current one (a training run's losses). */
  onProgress?(done: number, total: number, label: string | undefined, data: D | undefined): void;
  /**
   * Shows the progress at most once per this many ms (default 0: each reply). Replies that come in between wait,
   * then are heard in order in one task with the progress, so a run that reports every step (training) renders
   * its section a few times a second, not once per step; the last ones are heard before the run's outcome.
   */
  paceMs?: number;
}

export interface WorkerAction<P, R, D> {
  /** Starts a run, aborting the running one; resolves with how it ended. */
  run(payload: P, options?: RunOptions<D>): Promise<Outcome<R>>;
  /** Aborts the running run, if any; the last result stays. */
  cancel(): void;
  status: ActionStatus;
  working: boolean;
  /** The answer of the last run that succeeded. */
  result: R | null;
  /** The last run's failure, until the next run starts. */
  error: string | null;
  /** Set while a run works. */
  progress: ActionProgress<D> | null;
}

/** How an action reaches its worker: the client's request of one kind, or a function taking the same options. */
export type Send<P, R, D> = (
  payload: P,
  options: { signal: AbortSignal; onProgress(done: number, total: number, label?: string, data?: D): void },
) => Promise<R>;

type State<R, D> = Pick<WorkerAction<unknown, R, D>, 'status' | 'result' | 'error' | 'progress'>;

const readFraction: ReadProgress<unknown> = (done, total, label) => ({ fraction: total > 0 ? done / total : 0, label });

export function useWorkerAction<K extends RequestKind>(kind: K): WorkerAction<PayloadOf<K>, ResultOf<K>, ProgressDataOf<K>>;
export function useWorkerAction<P, R, D = undefined>(send: Send<P, R, D>): WorkerAction<P, R, D>;
export function useWorkerAction<P, R, D>(how: RequestKind | Send<P, R, D>): WorkerAction<P, R, D> {
  const [state, setState] = useState<State<R, D>>({ status: 'idle', result: null, error: null, progress: null });
  // A run sends through the latest render's `how`: a new function per render starts nothing.
  const send = useRef(how);
  send.current = how;
  const running = useRef<AbortController | null>(null);

  useEffect(() => () => {
    running.current?.abort();
    running.current = null;
  }, []);

  const cancel = useCallback(() => {
    const controller = running.current;
    if (!controller) return;
    running.current = null;
    controller.abort();
    setState((s) => ({ ...s, status: 'cancelled', progress: null }));
  }, []);

  const run = useCallback((payload: P, options: RunOptions<D> = {}): Promise<Outcome<R>> => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    const current = () => running.current === controller;
    const read = (options.read ?? readFraction) as ReadProgress<D>;
    let label = options.label ?? '';
    let fraction = 0;
    // The pace counts from the last reply with nothing done, or where the fraction fell back (the job's next phase).
    let origin = { time: performance.now(), fraction: 0 };
    setState((s) => ({ ...s, status: 'working', error: null, progress: { done: 0, total: 0, label, data: undefined, fraction, etaSeconds: null } }));

    const hear = (done: number, total: number, replyLabel: string | undefined, data: D | undefined, now: number): ActionProgress<D> => {
      options.onProgress?.(done, total, replyLabel, data);
      const shown = read(done, total, replyLabel, data);
      const next = shown.fraction ?? fraction;
      if (next === 0 || next < fraction) origin = { time: now, fraction: next };
      fraction = next;
      label = shown.label ?? label;
      return { done, total, label, data, fraction, etaSeconds: secondsLeft(fraction, now - origin.time, origin.fraction) };
    };
    // Replies waiting to be shown (paceMs), each with the time it came.
    const pace = options.paceMs ?? 0;
    let waiting: [number, number, string | undefined, D | undefined, number][] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    let shownAt = -Infinity;
    const flush = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const replies = waiting;
      waiting = [];
      if (replies.length === 0 || !current()) return;
      shownAt = performance.now();
      let progress!: ActionProgress<D>;
      for (const r of replies) progress = hear(...r);
      setState((s) => ({ ...s, progress }));
    };
    const onProgress = (done: number, total: number, replyLabel?: string, data?: D) => {
      if (!current()) return;
      const now = performance.now();
      waiting.push([done, total, replyLabel, data, now]);
      const wait = shownAt + pace - now;
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    };

    let request: Promise<R>;
    try {
      const via = send.current;
      request = typeof via === 'function'
        ? via(payload, { signal: controller.signal, onProgress })
        : (getComputeClient().request(via, payload as never, { signal: controller.signal, onProgress: onProgress as never }) as Promise<R>);
    } catch (e) {
      request = Promise.reject(e);
    }
    return request.then(
      (result): Outcome<R> => {
        flush();
        if (!current()) return { status: 'cancelled' };
        running.current = null;
        setState({ status: 'done', result, error: null, progress: null });
        return { status: 'done', result };
      },
      (e): Outcome<R> => {
        flush();
        if (!current()) return { status: 'cancelled' };
        running.current = null;
        if (isAbort(e)) {
          // Superseded in the worker by a request from elsewhere on the same channel.
          setState((s) => ({ ...s, status: 'cancelled', progress: null }));
          return { status: 'cancelled' };
        }
        const error = errorMessage(e);
        setState((s) => ({ ...s, status: 'error', error, progress: null }));
        return { status: 'error', error };
      },
    );
  }, []);

  return { ...state, working: state.status === 'working', run, cancel };
}
