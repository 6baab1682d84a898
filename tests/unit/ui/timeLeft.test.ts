import { describe, expect, it } from 'vitest';
import { MIN_ELAPSED_MS, MIN_FRACTION, secondsLeft, timeLeftText } from '../../../src/ui/hooks/timeLeft';

describe('the time left of a job', () => {
  it('is the time taken so far, scaled to the part still to do', () => {
    expect(secondsLeft(0.25, 1000)).toBeCloseTo(3, 12);
    expect(secondsLeft(0.5, 4000)).toBeCloseTo(4, 12);
    expect(secondsLeft(1, 2000)).toBe(0);
  });

  it('has no estimate before a little of the job is done and a little time has passed', () => {
    expect(secondsLeft(MIN_FRACTION * 0.9, 10_000)).toBeNull();
    expect(secondsLeft(0.5, MIN_ELAPSED_MS - 1)).toBeNull();
    expect(secondsLeft(MIN_FRACTION, MIN_ELAPSED_MS)).toBeCloseTo(((1 - MIN_FRACTION) * MIN_ELAPSED_MS) / MIN_FRACTION / 1000, 12);
    expect(secondsLeft(NaN, 1000)).toBeNull();
  });

  it('counts the pace from where the measure started (a later phase of the job)', () => {
    // 0.2 → 0.6 in 2 s: 0.2 per second, 0.4 left.
    expect(secondsLeft(0.6, 2000, 0.2)).toBeCloseTo(2, 12);
    expect(secondsLeft(0.22, 2000, 0.2)).toBeNull();
  });

  it('reads as seconds, then minutes', () => {
    expect(timeLeftText(null)).toBe('');
    expect(timeLeftText(Infinity)).toBe('');
    expect(timeLeftText(0.2)).toBe('about 1 s left');
    expect(timeLeftText(12.4)).toBe('about 12 s left');
    expect(timeLeftText(89)).toBe('about 89 s left');
    expect(timeLeftText(150)).toBe('about 3 min left');
  });
});
