// Three lines for a first visit: what the panels are, what to move, and where the claims tour is. Dismissed once,
// it stays hidden on this browser (localStorage; where storage is refused it simply shows again next time).
import { useState } from 'react';

const KEY = 'decomposition-explorer:start-here-dismissed';

function wasDismissed(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function StartHere() {
  const [hidden, setHidden] = useState(wasDismissed);
  if (hidden) return null;
  const dismiss = () => {
    try {
      localStorage.setItem(KEY, '1');
    } catch {
      // Storage refused: hidden for this visit only.
    }
    setHidden(true);
  };
  return (
    <aside className="start-here" aria-label="Start here" data-testid="start-here">
      <ul>
        <li><strong>Start here.</strong> Each panel cuts one image into sub-tasks a model learns one after another: patches in an order, refinements in depth, noise levels.</li>
        <li>Drag the sliders (step, bits, t) or pick another image above; every chart follows, and “Copy link” keeps the view.</li>
        <li>The claims tour below tests the talk’s claims one click each, measured on this image or the shipped models.</li>
      </ul>
      <button type="button" onClick={dismiss} data-testid="start-here-dismiss">Got it, hide this</button>
    </aside>
  );
}
