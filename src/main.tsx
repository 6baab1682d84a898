import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { appStore } from './state/store';
import { startUrlSync } from './state/urlSync';
import { App } from './ui/App';
import { startCompute } from './ui/compute';
import { startImagePipeline } from './ui/image/pipeline';
import './ui/styles.css';

startUrlSync(appStore);
startImagePipeline(appStore);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// tfjs loads in the worker after the first paint, so it never delays the page.
requestAnimationFrame(() => setTimeout(() => void startCompute(appStore), 0));
