// Wires the compute handler to a worker's message port (both workers run the same protocol).
import { setWebglProbe } from '../models/backend';
import { createComputeHandler } from './dispatch';
import { probeWebglOffThread } from './webglProbe';
import type { Inbound, Reply } from '../protocol';

export function serveWorker(): void {
  // A backend start probes WebGL on a thread of its own, beside tfjs's download (webglProbe.ts).
  setWebglProbe(() => probeWebglOffThread());
  // The app's TypeScript lib is DOM, not WebWorker; name just the part of the worker scope used here.
  const scope = self as unknown as {
    postMessage(reply: Reply): void;
    addEventListener(type: 'message', listener: (event: MessageEvent<Inbound>) => void): void;
  };
  const handle = createComputeHandler({ post: (reply) => scope.postMessage(reply) });
  scope.addEventListener('message', (event) => void handle(event.data));
}
