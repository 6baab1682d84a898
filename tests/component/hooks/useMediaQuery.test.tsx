import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useMediaQuery } from '../../../src/ui/hooks/useMediaQuery';

/** A matchMedia stand-in: one list per call, whose `matches` the test flips and whose listeners it calls. */
function stubMatchMedia(initially: boolean) {
  const state = { matches: initially, calls: 0, listeners: new Set<() => void>() };
  vi.stubGlobal('matchMedia', (query: string) => {
    state.calls++;
    return {
      media: query,
      get matches() { return state.matches; },
      addEventListener: (_: string, f: () => void) => state.listeners.add(f),
      removeEventListener: (_: string, f: () => void) => state.listeners.delete(f),
    };
  });
  return state;
}

function Shows({ query, tick }: { query: string; tick: number }) {
  return <p data-testid="out" data-tick={tick}>{useMediaQuery(query) ? 'yes' : 'no'}</p>;
}

afterEach(() => vi.unstubAllGlobals());

describe('useMediaQuery', () => {
  it('asks the browser once per query however often it renders, and follows the query’s changes', () => {
    const media = stubMatchMedia(false);
    const query = '(prefers-reduced-motion: reduce) and (min-width: 1px)'; // unused elsewhere: the lists are kept per query
    const { rerender } = render(<Shows query={query} tick={0} />);
    for (let tick = 1; tick <= 5; tick++) rerender(<Shows query={query} tick={tick} />);
    expect(screen.getByTestId('out').textContent).toBe('no');
    expect(media.calls).toBe(1);
    act(() => {
      media.matches = true;
      for (const f of media.listeners) f();
    });
    expect(screen.getByTestId('out').textContent).toBe('yes');
    expect(media.calls).toBe(1);
  });
});
