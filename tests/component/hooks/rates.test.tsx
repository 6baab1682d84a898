import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SETTLE_MS } from '../../../src/state/settle';
import { appStore } from '../../../src/state/store';
import { useEveryFrame, useInIdleTime, useOnceSettled } from '../../../src/ui/hooks/rates';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** An idle callback that comes with the next 16 ms frame and finds `left` ms of it free, or its timeout first. */
function idleFrames(left: number) {
  vi.stubGlobal('requestIdleCallback', (cb: (d: { didTimeout: boolean; timeRemaining(): number }) => void, opts?: { timeout?: number }) => {
    const timeout = opts?.timeout ?? Infinity;
    return setTimeout(() => cb({ didTimeout: timeout <= 16, timeRemaining: () => left }), Math.min(16, timeout));
  });
  vi.stubGlobal('cancelIdleCallback', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
}

/** A value changed once per 16 ms frame for `frames` frames; returns every value the hook showed, in order. */
function drag(frames: number, opts?: { need?: number; maxWait?: number }) {
  const seen: number[] = [];
  const hook = renderHook(({ v }) => {
    const shown = useInIdleTime(v, 100, opts);
    if (seen[seen.length - 1] !== shown) seen.push(shown);
    return shown;
  }, { initialProps: { v: 0 } });
  for (let i = 1; i <= frames; i++) {
    act(() => {
      vi.advanceTimersByTime(16);
      hook.rerender({ v: i });
    });
  }
  return { seen, hook };
}

describe('useInIdleTime', () => {
  it('follows a value changed every frame at most once per interval and ends on the newest value', () => {
    vi.useFakeTimers();
    const { seen, hook } = drag(60);
    expect(seen.length).toBeLessThanOrEqual(1 + Math.ceil((60 * 16) / 100) + 1);
    expect(seen.length).toBeGreaterThanOrEqual(5); // it does follow during the drag
    act(() => { vi.advanceTimersByTime(500); });
    expect(hook.result.current).toBe(60);
  });

  it('shows a single change after a quiet spell in the next idle period', () => {
    vi.useFakeTimers();
    idleFrames(12);
    const { result, rerender } = renderHook(({ v }) => useInIdleTime(v, 100), { initialProps: { v: 'a' } });
    act(() => { vi.advanceTimersByTime(1000); rerender({ v: 'b' }); });
    expect(result.current).toBe('a');
    act(() => { vi.advanceTimersByTime(16); });
    expect(result.current).toBe('b');
  });

  it('with frames that leave enough idle time, updates about ten times a second', () => {
    vi.useFakeTimers();
    idleFrames(12);
    const { seen } = drag(60, { need: 6, maxWait: 400 });
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });

  it('with busy frames, waits for idle time but never longer than maxWait, and still ends on the newest value', () => {
    vi.useFakeTimers();
    idleFrames(2);
    const { seen, hook } = drag(60, { need: 6, maxWait: 400 });
    // Under one second of dragging: the first value, then one update per maxWait at most.
    expect(seen.length).toBeLessThanOrEqual(1 + Math.ceil((60 * 16) / 400));
    expect(seen.length).toBeGreaterThanOrEqual(2); // it still follows
    act(() => { vi.advanceTimersByTime(400); });
    expect(hook.result.current).toBe(60);
  });

  it('drops a pending update when it unmounts', () => {
    vi.useFakeTimers();
    idleFrames(2);
    const { hook } = drag(3);
    const pending = vi.getTimerCount();
    expect(pending).toBeGreaterThan(0);
    hook.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('following the store every frame and once settled', () => {
  it('renders on every move with useEveryFrame, and only once the moves stop for SETTLE_MS with useOnceSettled', () => {
    vi.useFakeTimers();
    act(() => appStore.getState().setDiffusion({ t: 0.5 }));
    let renders = 0;
    const every = renderHook(() => useEveryFrame((s) => s.diffusion.t));
    const settled = renderHook(() => {
      renders++;
      return useOnceSettled((s) => ({ t: s.diffusion.t }));
    });
    const before = renders;
    for (let i = 1; i <= 10; i++) {
      act(() => {
        appStore.getState().setDiffusion({ t: 0.5 + i / 100 });
        vi.advanceTimersByTime(16);
      });
      expect(every.result.current).toBeCloseTo(0.5 + i / 100, 12);
    }
    expect(renders).toBe(before);
    expect(settled.result.current.t).toBe(0.5);
    act(() => { vi.advanceTimersByTime(SETTLE_MS - 17); });
    expect(settled.result.current.t).toBe(0.5);
    act(() => { vi.advanceTimersByTime(1); });
    expect(settled.result.current.t).toBeCloseTo(0.6, 12);
  });
});
