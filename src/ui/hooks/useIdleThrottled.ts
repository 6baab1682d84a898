// A value that follows its input at most once per `ms`, in the page's idle time, and always ends on the newest
// value. The Diffusion panel's spectra and v target follow a dragged t through it: each update renders and
// commits inside an idle period that has `need` ms left, so it never runs in front of the next input frame;
// when the frames leave no such period it still comes `maxWait` ms after the input changed. A fast machine
// then redraws them about ten times a second during a drag, a busy one less often, and x_t and the chart
// markers keep following every frame.
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

export interface IdleThrottleOptions {
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

export function useIdleThrottled<T>(value: T, ms: number, { need = 6, maxWait = 400 }: IdleThrottleOptions = {}): T {
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
