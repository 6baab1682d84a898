// Start-up. This entry is small on purpose: it starts what the first panel waits for (the link's view, the image
// fetch and decode, the analysis worker) as soon as the page has parsed, while the React app and its panels
// (a separate chunk, preloaded by the page: see vite.config.ts) still download and compile.
import { StrictMode } from 'react';
import { appStore } from './state/store';
import { startUrlSync } from './state/urlSync';
import { startImagePipeline } from './ui/image/pipeline';
import { getComputeClient, holdBackgroundUntil, whenAnalysisIdle } from './compute/client';
import { askAhead } from './compute/answers';
import { BITPLANE_REQUEST, bitplanePayload } from './compute/requests';
import './ui/styles.css';

/**
 * The app mounts once the first image is in (or at the latest MOUNT_WAIT_MS after start-up), and then the first
 * panel's first answer (at most ANSWER_WAIT_MS more: see askFirstAnswer). Rendered before the image, the panels
 * render, lay out and paint a "Loading" state whose work sits in front of the image's decode and then render again,
 * a few hundred ms on a busy two-core machine. The image's bytes are preloaded by the page, so the wait is short,
 * and the first paint shows the panel with its image and its charts.
 */
function mountApp(): void {
  const el = document.getElementById('root')!;
  const imageOrTimeout = Promise.race([imageSettled, new Promise<void>((resolve) => setTimeout(resolve, MOUNT_WAIT_MS))]);
  const loaded = Promise.all([import('react-dom'), import('react-dom/client'), import('./ui/App'), imageOrTimeout]);
  // Then the first panel's first answer, for at most ANSWER_WAIT_MS more (the panel asks again if it is not in).
  const answered = loaded.then(async (modules) => {
    await Promise.race([firstAnswer, new Promise<void>((resolve) => setTimeout(resolve, ANSWER_WAIT_MS))]);
    return modules;
  });
  answered.then(
    ([{ flushSync }, { createRoot }, { App }]) => {
      const root = createRoot(el);
      // Synchronously, so the panels' effects (the first panel's worker request) run before the browser lays out
      // and paints the page, not after: the worker computes while it paints.
      flushSync(() =>
        root.render(
          <StrictMode>
            <App onMounted={appMounted} restAfter={firstPanelShown} onRestMounted={restMounted} />
          </StrictMode>,
        ),
      );
    },
    (e: Error) => {
      el.textContent = `The app could not load (${e.message}). Reloading the page may help.`;
    },
  );
}

/**
 * The first panel's first answer (the bit-plane curves of its default view: BitplaneView's own request, from
 * compute/requests), asked for as soon as the image is in:
 * the worker computes it while the app's code loads, the app mounts with it, and the panel's first render draws
 * its charts. Asked for by the panel itself after its first render, the answer came back behind that render's
 * layout and paint, and a second render, layout and paint followed for the charts.
 */
function askFirstAnswer(): Promise<void> {
  return imageSettled.then(() => {
    const { image, depth } = appStore.getState();
    if (!image.working || depth.view !== 'bitplanes') return;
    return askAhead(BITPLANE_REQUEST, image.workingHash, bitplanePayload(image.working, image.workingHash));
  });
}

/**
 * The analysis worker would start on its first request, which the first panel makes only once the image is in
 * and drawn; its thread start and module load then sat on the path to the first interactive panel (150–400 ms
 * here). The built page starts it as it parses (see vite.config.ts); this takes it over, or starts it, at once,
 * and a one-pixel analysis loads its code while the image and the app load.
 */
function startAnalysisWorker(): void {
  const pixel = { width: 1, height: 1, data: new Float32Array(3), hash: 'start-up' };
  getComputeClient().request(BITPLANE_REQUEST, { image: pixel }).catch(() => undefined);
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** At the latest this long after start-up, the rest of the page starts even if the first panel is not ready. */
const FIRST_PANEL_WAIT_MS = 4000;
/** At the latest this long after start-up, the background work starts even if the other panels have not mounted. */
const REST_WAIT_MS = 8000;
/** At the latest this long after start-up, the app mounts even if the first image is not in yet. */
const MOUNT_WAIT_MS = 600;
/** The app waits at most this long for the first panel's first answer once its code and the image are in. */
const ANSWER_WAIT_MS = 100;

/** Resolves once the first working image is in, or its loading has ended (it failed). */
function whenImageSettled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => appStore.getState().image.working !== null || !appStore.getState().image.loading;
    if (done()) return resolve();
    const unsubscribe = appStore.subscribe(() => {
      if (!done()) return;
      unsubscribe();
      resolve();
    });
  });
}

/**
 * Resolves once the first panel has shown the first image with its analyses: the working image is in (or
 * failed to load), the panel has drawn it and sent its requests, the analysis worker has answered them, and
 * a frame has passed to paint the result. The rest of the page (the other panels, the rate–distortion sweeps,
 * tfjs) waits for this, so that it does not compete for the same two cores with what the reader sees first.
 */
function whenFirstPanelShown(): Promise<void> {
  const shown = Promise.all([imageSettled, appShown])
    .then(nextFrame) // the panel has rendered the image…
    .then(nextTask) // …and its effects have posted their requests
    .then(whenAnalysisIdle)
    .then(nextFrame);
  return Promise.race([shown, new Promise<void>((resolve) => setTimeout(resolve, FIRST_PANEL_WAIT_MS))]);
}

/**
 * tfjs starts in the model worker once every panel is shown and the page is idle. Started at first paint it
 * parsed and compiled megabytes of JS and wasm while the image decoded and the analysis worker started, on the
 * same two cores, and delayed the first interactive panel by about a second; nothing on screen needs it sooner
 * (models load on request). Without an image (it failed to load) it starts all the same.
 */
function startComputeWhenIdle(): void {
  const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
  // The panels have mounted and posted their first requests; then idle, or at the latest 3 s later. At the latest
  // REST_WAIT_MS after start-up in any case (a panel that failed to load).
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    idle(() => void import('./compute/requests').then(({ startCompute }) => startCompute(appStore)), { timeout: 3000 });
  };
  void panelsMounted.then(start);
  setTimeout(start, REST_WAIT_MS);
}

/** Settled by App: its first commit, and the later panels' mount. */
let appMounted: () => void = () => undefined;
let restMounted: () => void = () => undefined;
const appShown = new Promise<void>((resolve) => (appMounted = resolve));
const panelsMounted = new Promise<void>((resolve) => (restMounted = resolve));

startUrlSync(appStore);
startImagePipeline(appStore);
startAnalysisWorker();
const imageSettled = whenImageSettled();
const firstAnswer = askFirstAnswer();
/** The Depth panel has shown the first image and its analyses: the other panels follow (see App), then tfjs. */
const firstPanelShown = whenFirstPanelShown();
// The rate–distortion sweeps' progress updates would interrupt (and so restart) the other panels' first render.
holdBackgroundUntil(Promise.race([panelsMounted, new Promise<void>((resolve) => setTimeout(resolve, REST_WAIT_MS))]));
mountApp();
startComputeWhenIdle();
