// A value that follows its input at most once per `ms` while the input keeps changing, and always ends on the
// newest value: the Diffusion panel's spectra and v target follow a dragged t through it, so a drag rebuilds
// them about ten times a second instead of on every frame, while x_t and the chart markers follow every frame.
import { useEffect, useRef, useState } from 'react';

export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(-Infinity);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const show = () => {
      last.current = performance.now();
      setShown(value);
    };
    const wait = last.current + ms - performance.now();
    if (wait <= 0) {
      show();
      return;
    }
    const id = setTimeout(show, wait);
    return () => clearTimeout(id);
  }, [value, shown, ms]);
  return shown;
}
