// The compute worker (a module worker): heavy analyses and tfjs run here, off the UI thread.
// All logic is in computeHandler.ts; this file only wires it to the worker's message port.
import { createComputeHandler } from './computeHandler';
import type { Inbound, Reply } from './protocol';

// The app's TypeScript lib is DOM, not WebWorker; name just the part of the worker scope used here.
const scope = self as unknown as {
  postMessage(reply: Reply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Inbound>) => void): void;
};

const handle = createComputeHandler({ post: (reply) => scope.postMessage(reply) });
scope.addEventListener('message', (event) => void handle(event.data));
