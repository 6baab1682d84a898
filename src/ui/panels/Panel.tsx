import type { ReactNode } from 'react';

interface PanelProps {
  id: string;
  title: string;
  explanation: ReactNode;
  children: ReactNode;
}

/** One decomposition: a title, a plain-language explanation, then its controls and figures. */
export function Panel({ id, title, explanation, children }: PanelProps) {
  return (
    <section className={`panel panel-${id}`} aria-labelledby={`${id}-title`} data-testid={`panel-${id}`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className="explanation">{explanation}</p>
      {children}
    </section>
  );
}

/** An honest placeholder for a decomposition whose view has not been built yet. */
export function ComingSoon({ id, title, explanation, plan }: { id: string; title: string; explanation: ReactNode; plan: string }) {
  return (
    <Panel id={id} title={title} explanation={explanation}>
      <div className="coming-soon" role="note">
        <strong>Coming soon.</strong> {plan}
      </div>
    </Panel>
  );
}

/** Stands in for a panel whose code is still loading: its title in the same frame, marked busy. */
export function PanelPlaceholder({ id, title }: { id: string; title: string }) {
  return (
    <section className={`panel panel-${id}`} aria-labelledby={`${id}-title`} aria-busy="true" data-testid={`panel-${id}`} style={{ minHeight: '60vh' }}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className="explanation">Loading…</p>
    </section>
  );
}
