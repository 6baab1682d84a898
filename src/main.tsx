import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { appStore } from './state/store';
import { startUrlSync } from './state/urlSync';
import { App } from './ui/App';
import { startCompute } from './ui/compute';
import { startImagePipeline } from './ui/image/pipeline';
import { getComputeClient } from './workers/client';
import './ui/styles.css';

startUrlSync(appStore);
startImagePipeline(appStore);
startAnalysisWorker();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

/**
 * The analysis worker starts on its first request, which the panels make only after the image has decoded and
 * rendered (effects run after paint); its thread start and module load then sat on the path to the first
 * interactive panel (150–400 ms here). A one-pixel analysis, posted now, loads it while the image loads.
 */
function startAnalysisWorker(): void {
  const pixel = { width: 1, height: 1, data: new Float32Array(3), hash: 'start-up' };
  getComputeClient().request('bitplane-analysis', { image: pixel }).catch(() => undefined);
}

/**
 * tfjs starts in the model worker once the first image is shown and the page is idle. Started at first paint it
 * parsed and compiled megabytes of JS and wasm while the image decoded and the analysis worker started, on the
 * same two cores, and delayed the first interactive panel by about a second; nothing on screen needs it sooner
 * (models load on request).
 */
function startComputeWhenIdle(): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    unsubscribe();
    const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
    // Two frames: the panels' first requests are posted; then idle, or at the latest 3 s later.
    requestAnimationFrame(() => requestAnimationFrame(() => idle(() => void startCompute(appStore), { timeout: 3000 })));
  };
  const unsubscribe = appStore.subscribe((s) => {
    if (s.image.working) start();
  });
  if (appStore.getState().image.working) start();
  // Without an image (it failed to load) the backend still starts.
  setTimeout(start, 5000);
}
startComputeWhenIdle();
