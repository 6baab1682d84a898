// Keeps location.hash and the store in step: store → hash on every view change (one history entry per
// gesture: rapid changes such as a dragged slider replace the entry they started), hash → store on
// back/forward and on hand-edited links.
import { decodeView, encodeView, linkedView, SLICE_NAMES, type ViewState } from './hash';
import type { AppStore, Store } from './store';
import { SETTLE_MS } from './settle';

/** Changes closer together than this belong to one gesture and share one history entry. */
const GESTURE_MS = 600;
/**
 * A change after a quiet spell is written just after the frame that draws it; changes that follow it closer than
 * this (a dragged slider) are written once, this long after the last of them: a history write costs the browser
 * several ms per call (8–10 ms measured for a patch-size or working-size change), too much for a drag's frames
 * or the frame that answers a key press.
 */
export { SETTLE_MS };

/**
 * Runs `fn` once the next frame has been painted (a task queued from that frame's animation callbacks), or at the
 * next task where there are no frames (a hidden page, no requestAnimationFrame). Returns a cancel.
 */
function afterPaint(win: Window, fn: () => void): () => void {
  let task: ReturnType<typeof setTimeout> | null = null;
  if (typeof win.requestAnimationFrame !== 'function' || win.document?.visibilityState === 'hidden') {
    task = setTimeout(fn, 0);
    return () => clearTimeout(task!);
  }
  const frame = win.requestAnimationFrame(() => (task = setTimeout(fn, 0)));
  return () => {
    win.cancelAnimationFrame(frame);
    if (task !== null) clearTimeout(task);
  };
}

export function viewOf(s: Store): ViewState {
  return linkedView(s);
}

/** One update per slice, in the link's order, merged into the slice as its own setter would. */
export function applyView(store: AppStore, view: ViewState): void {
  for (const name of SLICE_NAMES) store.setState((s) => ({ [name]: { ...s[name], ...view[name] } }));
}

/** How many of a link's problems a notice spells out; the rest are counted. */
const NOTED_PROBLEMS = 4;

/** The notice for a link read with problems: what was ignored or replaced, at most NOTED_PROBLEMS of them spelled out. */
export function linkNotice(problems: string[]): string {
  const more = problems.length - NOTED_PROBLEMS;
  const listed = problems.slice(0, NOTED_PROBLEMS).join(' ');
  return `Part of this link could not be used. ${listed}${more > 0 ? ` (${more} more ${more === 1 ? 'value was' : 'values were'} replaced too.)` : ''}`;
}

/** Read a hash into the store, with a notice for whatever had to be replaced. */
export function applyHash(store: AppStore, hash: string): void {
  const { view, problems } = decodeView(hash);
  applyView(store, view);
  if (problems.length > 0) store.getState().notify('info', linkNotice(problems));
}

export function currentHash(store: AppStore): string {
  return encodeView(viewOf(store.getState()));
}

/**
 * currentHash, recomputed only when one of the linked slices is a new object: most store updates (progress,
 * worker results, the working image) leave every slice of the link as it was, and encoding the whole view at each
 * of them cost tens of ms during start-up and a slider drag's frames.
 */
function cachedHash(store: AppStore): () => string {
  let seen: unknown[] = [];
  let hash = '';
  return () => {
    const s = store.getState();
    const slices = SLICE_NAMES.map((name) => s[name]);
    if (slices.length !== seen.length || slices.some((x, i) => x !== seen[i])) {
      seen = slices;
      hash = currentHash(store);
    }
    return hash;
  };
}

export function startUrlSync(store: AppStore, win: Window = window): () => void {
  applyHash(store, win.location.hash);
  const hashNow = cachedHash(store);
  let newGesture = false;
  let applying = false;
  let pending: (() => void) | null = null; // cancels the scheduled write
  const write = () => {
    pending = null;
    if (applying) return;
    const hash = hashNow();
    if (win.location.hash.replace(/^#/, '') === hash) return;
    const url = `${win.location.pathname}${win.location.search}#${hash}`;
    if (newGesture) win.history.pushState(null, '', url);
    else win.history.replaceState(null, '', url);
    newGesture = false;
  };
  // The first write replaces the entry the app was opened with (it may have been normalized).
  win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}#${hashNow()}`);
  let prev = hashNow();
  let lastChange = -Infinity;
  const unsubscribe = store.subscribe(() => {
    const h = hashNow();
    if (h === prev) return;
    prev = h;
    const now = Date.now();
    const gap = now - lastChange;
    lastChange = now;
    if (gap > GESTURE_MS) newGesture = true;
    const quiet = gap > SETTLE_MS;
    pending?.();
    if (quiet) pending = afterPaint(win, write);
    else {
      const timer = setTimeout(write, SETTLE_MS);
      pending = () => clearTimeout(timer);
    }
  });
  const onPop = () => {
    applying = true;
    try {
      applyHash(store, win.location.hash);
      prev = hashNow();
    } finally {
      applying = false;
    }
  };
  win.addEventListener('popstate', onPop);
  win.addEventListener('hashchange', onPop);
  return () => {
    pending?.();
    unsubscribe();
    win.removeEventListener('popstate', onPop);
    win.removeEventListener('hashchange', onPop);
  };
}
