import type { LoadState } from '../hooks/useModelLoad';
import { ErrorText } from './ErrorText';
import { TimeLeft } from './TimeLeft';

interface LoadStatusProps {
  load: LoadState;
  /** The progress bar's accessible name. */
  label: string;
  /** The error's opening words, before the worker's message ("The model could not load:"). */
  failed: string;
  /** Offers "Try again" after the error. */
  onRetry?: () => void;
  /** Reads the progress label out as it changes. */
  announce?: boolean;
  testIds?: { progress: string; error: string };
}

/** A model load's progress bar, label and time left while it runs, and its error (an alert) when it failed. */
export function LoadStatus({ load, label, failed, onRetry, announce = false, testIds }: LoadStatusProps) {
  return (
    <>
      {load.working && (
        <div className="model-progress">
          <progress value={load.progress} max={1} aria-label={label} data-testid={testIds?.progress} />
          <span className="hint" aria-live={announce ? 'polite' : undefined}>{load.label}</span>
          <TimeLeft seconds={load.etaSeconds} />
        </div>
      )}
      {load.error && <ErrorText onRetry={onRetry} testId={testIds?.error}>{failed} {load.error}</ErrorText>}
    </>
  );
}
