// Whether a media query matches now, following its changes (the system's colour scheme, its motion setting).
import { useSyncExternalStore } from 'react';

const subscribers = (query: string) => (onChange: () => void): (() => void) => {
  if (typeof matchMedia !== 'function') return () => undefined;
  const list = matchMedia(query);
  list.addEventListener('change', onChange);
  return () => list.removeEventListener('change', onChange);
};
const cache = new Map<string, (onChange: () => void) => () => void>();

export function useMediaQuery(query: string): boolean {
  let subscribe = cache.get(query);
  if (!subscribe) cache.set(query, (subscribe = subscribers(query)));
  return useSyncExternalStore(subscribe, () => typeof matchMedia === 'function' && matchMedia(query).matches, () => false);
}

/** Whether the system asks for the dark colour scheme: canvases drawn on screen repaint their ground and labels. */
export function usePrefersDark(): boolean {
  return useMediaQuery('(prefers-color-scheme: dark)');
}
