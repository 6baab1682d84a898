import type { ReactNode } from 'react';

interface LiveReadoutProps {
  testId: string;
  /** The longest text the readout can show (worst-case numbers and every optional sentence), laid out invisibly. */
  longest: string;
  children: ReactNode;
}

/**
 * A readout that follows a slider. Its box is as tall as its longest text, laid out invisibly in the same place, so
 * a dragged slider never moves what is below it: content jumping up and down under the pointer is hard to read, and
 * a moved page section is repainted and re-layered on every frame.
 */
export function LiveReadout({ testId, longest, children }: LiveReadoutProps) {
  return (
    <div className="live-readout">
      <p className="readout" data-testid={testId}>{children}</p>
      <p className="readout live-readout-sizer" aria-hidden="true">{longest}</p>
    </div>
  );
}
