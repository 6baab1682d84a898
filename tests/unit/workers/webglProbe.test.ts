// The off-thread WebGL probe: the answer of the probing worker, and the in-thread probe whenever that worker cannot
// answer (no worker, an error, silence, a malformed message). In Node the in-thread probe finds no WebGL.
import { describe, expect, it, vi } from 'vitest';
import { probeWebglOffThread } from '../../../src/workers/webglProbe';

/** A stand-in for the probing worker: records terminate(), lets the test post or fail. */
function fakeWorker() {
  const worker = { onmessage: null as ((e: MessageEvent) => void) | null, onerror: null as ((e: ErrorEvent) => void) | null, terminate: vi.fn() };
  return {
    spawn: () => worker as unknown as Worker,
    post: (data: unknown) => worker.onmessage?.({ data } as MessageEvent),
    fail: () => worker.onerror?.({ preventDefault: () => undefined } as ErrorEvent),
    terminated: () => worker.terminate.mock.calls.length,
  };
}

describe('probeWebglOffThread', () => {
  it('answers what the probing worker found, and stops that worker', async () => {
    const w = fakeWorker();
    const answer = probeWebglOffThread(w.spawn);
    w.post({ available: true, renderer: 'Google SwiftShader' });
    await expect(answer).resolves.toEqual({ available: true, renderer: 'Google SwiftShader' });
    expect(w.terminated()).toBe(1);
  });

  it('probes in this thread when the worker cannot start or fails', async () => {
    await expect(probeWebglOffThread(() => { throw new Error('workers are not allowed here'); })).resolves.toEqual({ available: false });
    const w = fakeWorker();
    const answer = probeWebglOffThread(w.spawn);
    w.fail();
    await expect(answer).resolves.toEqual({ available: false });
    expect(w.terminated()).toBe(1);
  });

  it('does not wait for a worker that never answers, and reads a malformed answer as no WebGL', async () => {
    const silent = fakeWorker();
    const started = performance.now();
    await expect(probeWebglOffThread(silent.spawn, 50)).resolves.toEqual({ available: false });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(silent.terminated()).toBe(1);
    const odd = fakeWorker();
    const answer = probeWebglOffThread(odd.spawn);
    odd.post('WebGL!');
    await expect(answer).resolves.toEqual({ available: false });
  });

  it('runs in this thread where there are no workers (Node)', async () => {
    await expect(probeWebglOffThread()).resolves.toEqual({ available: false });
  });
});
