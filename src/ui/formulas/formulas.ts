// When the typeset formulas are available. Until `loadFormulas()` has been called and KaTeX has arrived, every
// formula shows its plain-text form; then they all re-render typeset, at once.
import { useSyncExternalStore } from 'react';

export type TexRenderer = (tex: string, display: boolean) => string;

let renderer: TexRenderer | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** Starts loading KaTeX (once); resolves when the formulas are typeset, or stay plain text because it failed to load. */
export function loadFormulas(): Promise<void> {
  loading ??= import('./katexRender').then(
    (m) => {
      renderer = m.renderTex;
      for (const l of listeners) l();
    },
    () => undefined, // the plain-text forms stay: they say the same
  );
  return loading;
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The TeX renderer once loaded, else null. */
export function useTexRenderer(): TexRenderer | null {
  return useSyncExternalStore(subscribe, () => renderer, () => null);
}
