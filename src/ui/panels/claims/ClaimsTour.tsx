// The claims tour: the talk's claims, one per item, each with a button that sets the panels to the view testing it
// and measures it right then (on the current image and settings, or on the shipped models), and the result in an
// <output>. The claim shown last is in the link (state/tourSlice.ts): a link opened on it measures it again.
// Folded, the tour keeps one line of Show buttons and hides the statements, so a returning reader sees the panels'
// tops; it opens on a first visit and on a claim's link, and otherwise as the reader last left it.
import { useEffect, useId, useRef, useState } from 'react';
import { CLAIM_IDS, type ClaimId } from '../../../core/claimIds';
import { appStore } from '../../../state/store';
import { isClaim } from '../../../state/tourSlice';
import { LoadStatus } from '../../components/LoadStatus';
import { useWorkerAction, type Send } from '../../hooks/useWorkerAction';
import { CLAIM_TEXT } from './claimText';
import type { ClaimResult } from './measure';

/** Which claim to run, and whether to set its view first (a link already holds the view it was copied in). */
interface ClaimRequest {
  id: ClaimId;
  apply: boolean;
}

const sendClaim: Send<ClaimRequest, ClaimResult, undefined> = async ({ id, apply }, { signal, onProgress }) => {
  const { MEASURES } = await import('./measure');
  if (apply) MEASURES[id].apply(appStore);
  return MEASURES[id].run(appStore, { signal, onProgress });
};

const OPEN_KEY = 'decomposition-explorer:claims-tour';

/** Open on a claim's link; else as left last time; on a first visit open, and folded on the visits after it. */
function initiallyOpen(fromLink: boolean): boolean {
  if (fromLink) return true;
  try {
    const stored = localStorage.getItem(OPEN_KEY);
    if (stored === null) localStorage.setItem(OPEN_KEY, 'folded');
    return stored !== 'folded';
  } catch {
    return true; // storage refused: open, as on a first visit
  }
}

function remember(open: boolean): void {
  try {
    localStorage.setItem(OPEN_KEY, open ? 'open' : 'folded');
  } catch {
    // Storage refused: for this visit only.
  }
}

function ClaimItem({ id, index, fromLink, open }: { id: ClaimId; index: number; fromLink: boolean; open: boolean }) {
  const text = CLAIM_TEXT[id];
  const action = useWorkerAction(sendClaim);
  const { run } = action;
  const statementId = useId();
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (!fromLink) return;
    item.current?.scrollIntoView?.({ block: 'nearest' });
    void run({ id, apply: false }, { label: 'Measuring…' });
  }, [fromLink, id, run]);
  const show = () => {
    appStore.getState().setTour({ claim: id });
    void run({ id, apply: true }, { label: text.models ? 'Loading the models…' : 'Measuring…' });
  };
  const p = action.progress;
  const load = {
    working: action.working, progress: p?.fraction ?? 0, label: p?.label ?? '', etaSeconds: p?.etaSeconds ?? null,
    error: action.status === 'error' ? action.error : null,
  };
  return (
    <li ref={item} className="claim" data-testid={`claim-${id}`}>
      <p className="claim-statement" id={statementId} hidden={!open}><span className="claim-number">{index + 1}.</span> {text.statement}</p>
      {text.talk && <p className="hint claim-talk" hidden={!open}>{text.talk}</p>}
      <div className="claim-actions">
        <button type="button" onClick={show} aria-describedby={statementId} data-testid={`claim-show-${id}`}>
          Show: {text.name}
        </button>
        {action.working && (
          <button type="button" onClick={action.cancel} data-testid={`claim-cancel-${id}`}>Cancel</button>
        )}
      </div>
      <LoadStatus load={load} label={`Measuring claim ${index + 1}`} failed="The measurement failed:" testIds={{ progress: `claim-progress-${id}`, error: `claim-error-${id}` }} />
      {action.status === 'cancelled' && <p className="hint">Cancelled{action.result ? '; the result shown is the previous one.' : '.'}</p>}
      {action.result && <output className="claim-output" data-testid={`claim-output-${id}`}>{action.result.text}</output>}
    </li>
  );
}

/** The tour, near the top of the page: what the app tests, one click per claim. */
export function ClaimsTour() {
  // Read once: the claim of the link the page opened with (a later Show changes the link, not this).
  const opened = useRef(appStore.getState().tour.claim);
  const [open, setOpen] = useState(() => initiallyOpen(isClaim(opened.current)));
  const toggle = () => {
    remember(!open);
    setOpen(!open);
  };
  const headingId = useId();
  const listId = useId();
  return (
    <section className={open ? 'claims' : 'claims folded'} aria-label="Claims" data-testid="claims">
      <h2 id={headingId}>
        <button type="button" className="disclosure" aria-expanded={open} aria-controls={listId} onClick={toggle} data-testid="claims-toggle">
          Claims tour
        </button>
      </h2>
      <p className="explanation" hidden={!open}>
        The talk’s claims, each tested here: <em>Show</em> sets the panels to the view that tests it and measures it
        now, on the current image or the shipped models. The link then opens on that claim.
      </p>
      <ol className="claim-list" id={listId} aria-labelledby={headingId}>
        {CLAIM_IDS.map((id, i) => (
          <ClaimItem key={id} id={id} index={i} open={open} fromLink={isClaim(opened.current) && opened.current === id} />
        ))}
      </ol>
    </section>
  );
}
