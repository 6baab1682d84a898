import { timeLeftText } from '../hooks/timeLeft';

/** A running job's estimated time left ("about 12 s left"), once there is an estimate. */
export function TimeLeft({ seconds, testId }: { seconds: number | null | undefined; testId?: string }) {
  const text = timeLeftText(seconds ?? null);
  return text ? <span className="hint" data-testid={testId}>{text}</span> : null;
}
