// The patch transformer's "Load the model" → heat map drawn, timed from the click in the page (timeLoadClick), on
// fresh pages: cold (clicked as the first panel is ready) or warm (once tfjs has started in the model worker).
import type { BrowserContext, Page, Request } from 'playwright-core';
import { waitBackend } from './denoiserLoad';
import { timeLoadClick, waitReady } from './sliders';

/** A fresh page; "Load the model" clicked once the first panel is ready (warm: once tfjs has started too). */
export async function patchModelLoad(context: BrowserContext, url: string, warm: boolean, onRequest?: (r: Request) => void): Promise<{ page: Page; ms: number }> {
  const page = await context.newPage();
  if (onRequest) page.on('request', onRequest);
  await page.goto(`${url}#v=1&img=astronaut&size=128`);
  await waitReady(page);
  if (warm) await waitBackend(page);
  await page.waitForSelector('[data-testid="model-load"]');
  const ms = await timeLoadClick(page, { load: 'model-load', done: '[data-testid="canvas-patch-model-heatmap"]', error: 'model-error' });
  if (onRequest) page.off('request', onRequest);
  return { page, ms };
}

/** `n` loads, each on a fresh page; the times in ms. */
export async function patchModelLoadTimes(context: BrowserContext, url: string, warm: boolean, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const { page, ms } = await patchModelLoad(context, url, warm);
    times.push(ms);
    await page.close();
  }
  return times;
}
