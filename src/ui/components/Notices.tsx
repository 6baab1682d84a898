import { useStore } from '../../state/store';
import { appStore } from '../../state/store';

/** Messages about input and links: each stays until dismissed, so nothing is lost if the user looks away. */
export function Notices() {
  const notices = useStore((s) => s.ui.notices);
  if (notices.length === 0) return null;
  const { dismiss } = appStore.getState();
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${n.kind}`}>
          <span>{n.text}</span>
          {n.action && (
            <button type="button" onClick={() => { n.action?.run(); dismiss(n.id); }}>{n.action.label}</button>
          )}
          <button type="button" className="dismiss" aria-label="Dismiss message" onClick={() => dismiss(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
