// A long job's progress as every view shows it: a named bar, what the job is doing, the time left once there is an
// estimate, and Cancel; after a cancel, a note saying what is still shown and a button that starts the job again.
import type { Pending } from '../hooks/useWorkerRequest';
import { TimeLeft } from './TimeLeft';

export interface WorkProgressProps {
  working: boolean;
  /** Done so far, 0 to 1. */
  fraction: number;
  /** The progress bar's accessible name. */
  label: string;
  /** What the job is doing now (the worker's label). */
  text?: string;
  etaSeconds?: number | null;
  /** Reads `text` out as it changes. */
  announce?: boolean;
  /** Offers Cancel while the job works. */
  onCancel?(): void;
  /** The last run was cancelled by the user. */
  cancelled?: boolean;
  /** A result from before the cancelled run is still shown. */
  kept?: boolean;
  /** Offered after a cancel, to start the job again. */
  onRestart?(): void;
  testId?: string;
}

export function WorkProgress({ working, fraction, label, text, etaSeconds, announce = false, onCancel, cancelled = false, kept = false, onRestart, testId }: WorkProgressProps) {
  if (working) {
    return (
      <div className="model-progress">
        <progress value={fraction} max={1} aria-label={label} data-testid={testId} />
        {text !== undefined && <span className="hint" aria-live={announce ? 'polite' : undefined}>{text}</span>}
        <TimeLeft seconds={etaSeconds} testId={testId && `${testId}-time-left`} />
        {onCancel && <button type="button" onClick={onCancel} aria-label={`Cancel: ${label}`} data-testid={testId && `${testId}-cancel`}>Cancel</button>}
      </div>
    );
  }
  if (!cancelled) return null;
  return (
    <p className="hint" role="status" data-testid={testId && `${testId}-cancelled`}>
      Cancelled{kept ? '; what is shown is from before.' : '.'}{' '}
      {onRestart && <button type="button" onClick={onRestart} aria-label={`Start again: ${label}`}>Start again</button>}
    </p>
  );
}

/** The progress of a request that follows the view (useWorkerRequest), with Cancel and, after it, Start again. */
export function RequestProgress({ pending, label, testId }: { pending: Pending<unknown>; label: string; testId?: string }) {
  return (
    <WorkProgress
      working={pending.status === 'working'} fraction={pending.progress} etaSeconds={pending.etaSeconds} label={label}
      onCancel={pending.cancel} cancelled={pending.cancelled} kept={pending.result !== null} onRestart={pending.retry} testId={testId}
    />
  );
}
