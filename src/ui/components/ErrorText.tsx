import type { ReactNode } from 'react';

/** An error, announced as an alert, with a "Try again" button when the failed work can be run again. */
export function ErrorText({ children, onRetry, testId }: { children: ReactNode; onRetry?: () => void; testId?: string }) {
  return (
    <p className="error-text" role="alert" data-testid={testId}>
      {children}
      {onRetry && <>{' '}<button type="button" onClick={onRetry}>Try again</button></>}
    </p>
  );
}
