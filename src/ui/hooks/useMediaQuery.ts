// Whether a media query matches now, following its changes (the system's colour scheme, its motion setting).
import { useSyncExternalStore } from 'react';

type Watch = { subscribe(onChange: () => void): () => void; matches(): boolean };

/**
 * One MediaQueryList per query, made on first use: matchMedia parses and evaluates its query each call, and a
 * panel's hooks would otherwise call it on every render (2–3 ms a patch-size change, measured).
 */
const watches = new Map<string, Watch>();

function watchOf(query: string): Watch {
  let watch = watches.get(query);
  if (!watch) {
    const list = typeof matchMedia === 'function' ? matchMedia(query) : null;
    watch = {
      subscribe: (onChange) => {
        list?.addEventListener('change', onChange);
        return () => list?.removeEventListener('change', onChange);
      },
      matches: () => list?.matches ?? false,
    };
    watches.set(query, watch);
  }
  return watch;
}

export function useMediaQuery(query: string): boolean {
  const watch = watchOf(query);
  return useSyncExternalStore(watch.subscribe, watch.matches, () => false);
}

/** Whether the system asks for the dark colour scheme: canvases drawn on screen repaint their ground and labels. */
export function usePrefersDark(): boolean {
  return useMediaQuery('(prefers-color-scheme: dark)');
}
