// The page's request helpers: backend start-up and switching, the image payload every per-image request
// carries, and how a failed request reads. React-free; the hooks built on them live in src/ui/hooks.
import type { RgbImage } from '../core/image';
import type { AppStore } from '../state/store';
import { getComputeClient } from './client';
import { isShared, type BackendName, type ImagePayload, type PayloadOf } from '../protocol';

export async function startCompute(store: AppStore): Promise<void> {
  const client = getComputeClient();
  client.onBackendChange((status) => {
    store.getState().setBackend(status);
    store.getState().notify('info', `The compute backend changed to ${status.active}: ${status.reason}`);
  });
  try {
    store.getState().setBackend(await client.request('init-backend', {}));
  } catch (e) {
    store.getState().setBackend(null);
    store.getState().notify('error', `No compute backend could start: ${(e as Error).message}`);
  }
}

export async function switchBackend(store: AppStore, preferred: BackendName): Promise<void> {
  const prev = store.getState().ui.backend;
  store.getState().setBackend(prev, true);
  try {
    const status = await getComputeClient().request('init-backend', { preferred });
    store.getState().setBackend(status);
    if (status.active !== preferred) {
      store.getState().notify('error', `${preferred} could not start (${status.failures.map((f) => f.error).join('; ')}); using ${status.active}.`);
    }
  } catch (e) {
    // A newer choice superseded this one: its own answer updates the indicator.
    if ((e as Error).name === 'AbortError') return;
    store.getState().setBackend(prev);
    store.getState().notify('error', `Switching to ${preferred} failed: ${(e as Error).message}`);
  }
}

/**
 * The image for a worker: a copy (its buffer is transferred; the store keeps its own), or the image's own array
 * when that is in shared memory (ui/image/pipeline.ts puts working images there when the page is cross-origin
 * isolated): four panels' requests after a size change then copy nothing.
 */
export function imagePayload(image: RgbImage, hash: string): ImagePayload {
  return { width: image.width, height: image.height, data: isShared(image.data) ? image.data : image.data.slice(), hash };
}

/**
 * The Depth panel's default view's request: the bit-plane curves of a working image, remembered under the image's
 * hash. The panel (BitplaneView) asks it, and the entry (main.tsx) asks it ahead at start-up through this same
 * kind and payload under the same key, so that the panel's first render finds the answer.
 */
export const BITPLANE_REQUEST = 'bitplane-analysis';

export function bitplanePayload(image: RgbImage, hash: string): PayloadOf<typeof BITPLANE_REQUEST> {
  return { image: imagePayload(image, hash) };
}

/** Whether a request failed only because it was cancelled (aborted, or superseded by a newer one). */
export function isAbort(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

/** A rejection's message, for the error shown in place. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The app's public folder as an absolute URL: the worker resolves relative URLs against its own script. */
export function publicBase(): string {
  return new URL('./', document.baseURI).href;
}
