// A store value that follows the store only once it has stopped changing for `ms`: the denoiser's views read
// the t slider through it, so dragging never re-renders them (or asks the worker) per frame, and the
// model-free views repaint alone. It listens outside React, so the component does not render on each move.
import { useEffect, useRef, useState } from 'react';
import { shallow } from 'zustand/shallow';
import { appStore, type Store } from '../../state/store';

export const SETTLE_MS = 120;

/** `select` must return primitives or a flat object of them (compared shallowly). */
export function useSettled<T>(select: (s: Store) => T, ms = SETTLE_MS): T {
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
