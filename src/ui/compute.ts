// The UI's one door to the compute worker: backend start-up and switching, and per-image analyses.
import { useEffect, useState } from 'react';
import type { RgbImage } from '../core/image';
import type { AppStore } from '../state/store';
import { getComputeClient } from '../workers/client';
import type { BackendName } from '../workers/protocol';

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

export type Pending<T> = { status: 'idle' | 'working'; result: T | null; progress: number; error: string | null };

/**
 * Runs a per-image worker analysis whenever the image changes; a newer image cancels the older request,
 * so dragging never queues stale work.
 */
export function useImageAnalysis<T>(
  kind: 'bitplane-analysis', image: RgbImage | null, hash: string,
): Pending<T> {
  const [state, setState] = useState<Pending<T>>({ status: 'idle', result: null, progress: 0, error: null });
  useEffect(() => {
    if (!image) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, status: 'working', progress: 0, error: null }));
    // A copy goes to the worker (its buffer is transferred); the store keeps its own.
    const payload = { width: image.width, height: image.height, data: image.data.slice(), hash };
    getComputeClient()
      .request(kind, { image: payload }, {
        signal: abort.signal,
        onProgress: (done, total) => setState((s) => ({ ...s, progress: total > 0 ? done / total : 0 })),
      })
      .then(
        (result) => setState({ status: 'idle', result: result as T, progress: 1, error: null }),
        (e: Error) => {
          if (e.name !== 'AbortError') setState({ status: 'idle', result: null, progress: 0, error: e.message });
        },
      );
    return () => abort.abort();
  }, [kind, image, hash]);
  return state;
}
