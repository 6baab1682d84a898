import type { LoadState } from '../hooks/useModelLoad';
import { ErrorText } from './ErrorText';
import { WorkProgress } from './WorkProgress';

interface LoadStatusProps {
  load: LoadState;
  /** The progress bar's accessible name. */
  label: string;
  /** The error's opening words, before the worker's message ("The model could not load:"). */
  failed: string;
  /** Offers "Try again" after the error, and "Start again" after a cancel. */
  onRetry?: () => void;
  /** Offers Cancel while it loads. */
  onCancel?: () => void;
  /** Reads the progress label out as it changes. */
  announce?: boolean;
  testIds?: { progress: string; error: string };
}

/**
 * A model load's progress bar, label, time left and Cancel while it runs, what a cancel left, and its error (an
 * alert) when it failed.
 */
export function LoadStatus({ load, label, failed, onRetry, onCancel, announce = false, testIds }: LoadStatusProps) {
  return (
    <>
      <WorkProgress
        working={load.working} fraction={load.progress} label={label} text={load.label} etaSeconds={load.etaSeconds} announce={announce}
        onCancel={onCancel} cancelled={load.cancelled} onRestart={onRetry} testId={testIds?.progress}
      />
      {load.error && <ErrorText onRetry={onRetry} testId={testIds?.error}>{failed} {load.error}</ErrorText>}
    </>
  );
}
