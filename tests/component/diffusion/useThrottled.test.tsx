import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useThrottled } from '../../../src/ui/panels/diffusion/useThrottled';

afterEach(() => vi.useRealTimers());

describe('useThrottled', () => {
  it('follows a value changed every frame at most once per interval and ends on the newest value', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const { result, rerender } = renderHook(({ v }) => {
      const shown = useThrottled(v, 100);
      if (seen[seen.length - 1] !== shown) seen.push(shown);
      return shown;
    }, { initialProps: { v: 0 } });
    // One change per 16 ms frame for one second.
    for (let i = 1; i <= 60; i++) {
      act(() => {
        vi.advanceTimersByTime(16);
        rerender({ v: i });
      });
    }
    expect(seen.length).toBeLessThanOrEqual(1 + Math.ceil((60 * 16) / 100) + 1);
    expect(seen.length).toBeGreaterThanOrEqual(5); // it does follow during the drag
    act(() => { vi.advanceTimersByTime(100); });
    expect(result.current).toBe(60);
  });

  it('shows a single change after a quiet spell at once', () => {
    vi.useFakeTimers();
    const { result, rerender } = renderHook(({ v }) => useThrottled(v, 100), { initialProps: { v: 'a' } });
    act(() => { vi.advanceTimersByTime(1000); rerender({ v: 'b' }); });
    expect(result.current).toBe('b');
  });
});
