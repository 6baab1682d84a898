import type { StateCreator } from 'zustand';
import type { BackendStatus } from '../protocol';
import type { Store } from './store';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
  /** Optional one-click follow-up shown as a button in the notice. */
  action?: { label: string; run: () => void };
}

export interface UiSlice {
  ui: { notices: Notice[]; backend: BackendStatus | null; backendBusy: boolean; playing: boolean };
  notify(kind: Notice['kind'], text: string, action?: Notice['action']): number;
  dismiss(id: number): void;
  setBackend(status: BackendStatus | null, busy?: boolean): void;
  /** Whether the patch-order steps are animating (not part of the link: a link opens paused). */
  setPlaying(playing: boolean): void;
}

let nextNoticeId = 1;

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set) => ({
  ui: { notices: [], backend: null, backendBusy: true, playing: false },
  notify(kind, text, action) {
    const id = nextNoticeId++;
    // The same text twice in a row adds nothing; keep the list short.
    set((s) => ({ ui: { ...s.ui, notices: [...s.ui.notices.filter((n) => n.text !== text), { id, kind, text, action }].slice(-4) } }));
    return id;
  },
  dismiss: (id) => set((s) => ({ ui: { ...s.ui, notices: s.ui.notices.filter((n) => n.id !== id) } })),
  setBackend: (backend, busy = false) => set((s) => ({ ui: { ...s.ui, backend, backendBusy: busy } })),
  setPlaying: (playing) => set((s) => ({ ui: { ...s.ui, playing } })),
});
