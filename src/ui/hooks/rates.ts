// How a view follows values that move with a slider, named by how often it updates:
// - useEveryFrame: a store value; its component renders on every change, each frame of a drag (x_t, the readouts,
//   the charts' marks);
// - useInIdleTime: a value that follows at most so many times a second, in the page's idle time (the Diffusion
//   panel's spectra and v target);
// - useOnceSettled: a store value that follows once the store has been still for SETTLE_MS (the denoiser's views,
//   whose worker requests a drag must not queue).
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { shallow } from 'zustand/shallow';
import { SETTLE_MS } from '../../state/settle';
import { appStore, useStore, type Store } from '../../state/store';

/** A store value; its component renders whenever it changes. */
export function useEveryFrame<T>(select: (s: Store) => T): T {
  return useStore(select);
}

export interface InIdleTimeOptions {
  /** Idle time an update needs (ms): a shorter idle period is passed over. */
  need?: number;
  /** The longest an update waits for such a period after the input changed (ms). */
  maxWait?: number;
}

type Deadline = { didTimeout: boolean; timeRemaining(): number };

function requestIdle(cb: (d?: Deadline) => void, timeout: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(cb, { timeout });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(() => cb(), 0);
  return () => clearTimeout(id);
}

/**
 * Follows `value` at most once per `ms`, in the page's idle time, and always ends on the newest value: each update
 * renders and commits inside an idle period that has `need` ms left, so it never runs in front of the next input
 * frame; when the frames leave no such period it still comes `maxWait` ms after the value changed. A fast machine
 * then redraws a view that follows a dragged slider through it about ten times a second, a busy one less often.
 */
export function useInIdleTime<T>(value: T, ms: number, { need = 6, maxWait = 400 }: InIdleTimeOptions = {}): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const current = useRef(value);
  const last = useRef(-Infinity);
  const cancel = useRef<(() => void) | null>(null);

  useEffect(() => {
    latest.current = value;
    if (cancel.current || Object.is(value, current.current)) return;
    const since = performance.now();
    const show = () => {
      cancel.current = null;
      last.current = performance.now();
      if (Object.is(latest.current, current.current)) return;
      current.current = latest.current;
      const next = latest.current;
      flushSync(() => setShown(next));
    };
    const attempt = (deadline?: Deadline) => {
      const now = performance.now();
      const wait = last.current + ms - now;
      if (wait > 0) {
        const id = setTimeout(() => (cancel.current = requestIdle(attempt, Math.max(0, since + maxWait - performance.now()))), wait);
        cancel.current = () => clearTimeout(id);
      } else if (deadline && !deadline.didTimeout && deadline.timeRemaining() < need && now - since < maxWait) {
        cancel.current = requestIdle(attempt, Math.max(0, since + maxWait - now));
      } else show();
    };
    cancel.current = requestIdle(attempt, maxWait);
  }, [value, ms, need, maxWait]);

  useEffect(() => () => cancel.current?.(), []);
  return shown;
}

/**
 * A store value that follows the store only once it has been still for `ms`. It listens outside React, so its
 * component does not render on each move. `select` must return primitives or a flat object of them (compared
 * shallowly).
 */
export function useOnceSettled<T>(select: (s: Store) => T, ms = SETTLE_MS): T {
  const [value, setValue] = useState(() => select(appStore.getState()));
  const latest = useRef(select);
  latest.current = select;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      const next = latest.current(appStore.getState());
      setValue((prev) => (shallow(prev, next) ? prev : next));
    };
    settle(); // anything that changed between the first render and this subscription
    const unsubscribe = appStore.subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(settle, ms);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [ms]);
  return value;
}
