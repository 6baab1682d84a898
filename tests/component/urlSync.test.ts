import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../../src/state/store';
import { startUrlSync, SETTLE_MS } from '../../src/state/urlSync';

/** A frame and the task after it, under fake timers (requestAnimationFrame fires every 16 ms). */
const FRAME_MS = 20;

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  vi.restoreAllMocks();
  vi.useRealTimers();
  history.replaceState(null, '', '/');
});

describe('URL hash ↔ store', () => {
  it('applies the link it was opened with', () => {
    history.replaceState(null, '', '/#v=1&img=coffee&size=64&dview=bitplanes&bits=2');
    const store = createAppStore();
    stop = startUrlSync(store);
    expect(store.getState().image.sampleId).toBe('coffee');
    expect(store.getState().image.size).toBe(64);
    expect(store.getState().depth.bits).toBe(2);
    expect(store.getState().ui.notices).toEqual([]);
  });

  it('writes view changes into the hash, one history entry per gesture', () => {
    vi.useFakeTimers();
    history.replaceState(null, '', '/');
    const store = createAppStore();
    stop = startUrlSync(store);
    const start = history.length;
    store.getState().setDepth({ bits: 5 });
    // Not in the task that made the change (a history write costs several ms): just after the frame that draws it.
    expect(location.hash).not.toContain('bits=5');
    vi.advanceTimersByTime(FRAME_MS);
    expect(location.hash).toContain('bits=5');
    // Changes in quick succession: the newest once they settle, in the same history entry.
    store.getState().setDepth({ bits: 6 });
    store.getState().setDepth({ bits: 7 });
    vi.advanceTimersByTime(SETTLE_MS);
    expect(location.hash).toContain('bits=7');
    expect(history.length).toBe(start + 1);
    vi.advanceTimersByTime(1000);
    store.getState().setImage({ sampleId: 'cat' });
    vi.advanceTimersByTime(FRAME_MS);
    expect(history.length).toBe(start + 2);
  });

  it('writes the address bar at most twice for a dragged slider (as it starts, if a frame passes first, and once it settles on the newest view)', () => {
    vi.useFakeTimers();
    history.replaceState(null, '', '/');
    const store = createAppStore();
    stop = startUrlSync(store);
    const start = history.length;
    const writes = vi.spyOn(history, 'replaceState');
    const pushes = vi.spyOn(history, 'pushState');
    for (let i = 0; i < 60; i++) {
      store.getState().setDiffusion({ t: (i + 1) / 100 });
      vi.advanceTimersByTime(16); // one move per frame for about a second
    }
    expect(location.hash).not.toContain('t=0.6'); // nothing written while the drag goes on
    vi.advanceTimersByTime(SETTLE_MS);
    expect(location.hash).toContain('t=0.6');
    expect(writes.mock.calls.length + pushes.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(writes.mock.calls.length + pushes.mock.calls.length).toBeLessThanOrEqual(2);
    expect(history.length).toBe(start + 1); // one history entry for the drag
    writes.mockRestore();
    pushes.mockRestore();
  });

  it('keeps the hash on the view through updates that change no linked setting, and follows the next change', () => {
    vi.useFakeTimers();
    history.replaceState(null, '', '/');
    const store = createAppStore();
    stop = startUrlSync(store);
    store.getState().setDepth({ bits: 3 });
    vi.advanceTimersByTime(1000);
    const writes = vi.spyOn(history, 'replaceState');
    const pushes = vi.spyOn(history, 'pushState');
    // Page state outside the link (playback, notices) and a slice rewritten with the same values.
    store.getState().setPlaying(true);
    store.getState().notify('info', 'a notice');
    store.getState().setDepth({ bits: 3 });
    vi.advanceTimersByTime(1000);
    expect(writes.mock.calls.length + pushes.mock.calls.length).toBe(0);
    expect(location.hash).toContain('bits=3');
    store.getState().setPatch({ step: 7 });
    vi.advanceTimersByTime(FRAME_MS);
    expect(location.hash).toContain('step=7');
    expect(location.hash).toContain('bits=3');
    writes.mockRestore();
    pushes.mockRestore();
  });

  it('follows a hand-edited hash and reports what it had to fix', () => {
    history.replaceState(null, '', '/');
    const store = createAppStore();
    stop = startUrlSync(store);
    location.hash = '#v=1&bits=0&img=cat';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    expect(store.getState().depth.bits).toBe(1);
    expect(store.getState().image.sampleId).toBe('cat');
    expect(store.getState().ui.notices.map((n) => n.text).join(' ')).toMatch(/bits=0/);
  });

  it('shows the default view with a notice for a future version', () => {
    history.replaceState(null, '', '/#v=3&bits=2');
    const store = createAppStore();
    stop = startUrlSync(store);
    expect(store.getState().depth.bits).toBe(4);
    expect(store.getState().ui.notices[0].text).toMatch(/newer version/);
    expect(location.hash).toContain('v=1');
  });
});
