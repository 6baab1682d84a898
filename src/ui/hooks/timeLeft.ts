// How long a worker's job has left, from the pace so far: pure, so the hooks and their tests share it.

/** The share of the job that must be done before the pace is trusted. */
export const MIN_FRACTION = 0.05;
/** And the time that must have passed (ms): the first replies come in bursts. */
export const MIN_ELAPSED_MS = 500;

/**
 * Seconds left when `fraction` of the job is done, `elapsedMs` after it stood at `from`, at the pace so far; null
 * until at least MIN_FRACTION of it and MIN_ELAPSED_MS have gone by.
 */
export function secondsLeft(fraction: number, elapsedMs: number, from = 0): number | null {
  const made = fraction - from;
  if (!(made >= MIN_FRACTION) || !(elapsedMs >= MIN_ELAPSED_MS)) return null;
  return (Math.max(0, 1 - fraction) * elapsedMs) / made / 1000;
}

/** "about 12 s left", "about 3 min left"; '' without an estimate. */
export function timeLeftText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}
