// The UI's one door to the compute worker: backend start-up and switching, and per-image analyses.
import { useEffect, useRef, useState } from 'react';
import type { RgbImage } from '../core/image';
import type { AppStore } from '../state/store';
import { getComputeClient } from '../workers/client';
import type { BackendName, ImagePayload, PayloadOf, RequestKind, ResultOf } from '../workers/protocol';

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

/** A copy of the image for the worker (its buffer is transferred); the store keeps its own. */
export function imagePayload(image: RgbImage, hash: string): ImagePayload {
  return { width: image.width, height: image.height, data: image.data.slice(), hash };
}

/**
 * Runs a worker request whenever `key` changes (null payload: nothing to do yet). A newer request cancels the
 * older one, so dragging never queues stale work; the last result stays shown until the new one arrives.
 */
export function useWorkerRequest<K extends RequestKind>(kind: K, makePayload: (() => PayloadOf<K>) | null, key: string): Pending<ResultOf<K>> {
  const [state, setState] = useState<Pending<ResultOf<K>>>({ status: 'idle', result: null, progress: 0, error: null });
  const make = useRef(makePayload);
  make.current = makePayload;
  useEffect(() => {
    const build = make.current;
    if (!build) return;
    const abort = new AbortController();
    setState((s) => ({ ...s, status: 'working', progress: 0, error: null }));
    getComputeClient()
      .request(kind, build(), {
        signal: abort.signal,
        onProgress: (done, total) => setState((s) => ({ ...s, progress: total > 0 ? done / total : 0 })),
      })
      .then(
        (result) => setState({ status: 'idle', result, progress: 1, error: null }),
        (e: Error) => {
          if (e.name !== 'AbortError') setState({ status: 'idle', result: null, progress: 0, error: e.message });
        },
      );
    return () => abort.abort();
  }, [kind, key]);
  return state;
}
