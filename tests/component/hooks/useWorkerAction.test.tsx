import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWorkerAction, type Outcome } from '../../../src/ui/hooks/useWorkerAction';
import { HeldClient } from './heldClient';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', () => ({ getComputeClient: () => fake.current!.client }));

let worker: HeldClient;
let now = 0;
beforeEach(() => {
  worker = new HeldClient();
  fake.current = worker;
  now = 1000;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
});
afterEach(() => vi.restoreAllMocks());

/** A sample result the tests tell apart by its time. */
const answer = (milliseconds: number) => ({ milliseconds });
const payload = (seed: number) => ({ seed }) as never;

function setup() {
  return renderHook(() => useWorkerAction('denoiser-sample'));
}

/** Starts a run inside act and keeps its outcome. */
function start(hook: ReturnType<typeof setup>, seed: number, options?: Parameters<ReturnType<typeof useWorkerAction<'denoiser-sample'>>['run']>[1]) {
  let outcome!: Promise<Outcome<unknown>>;
  act(() => void (outcome = hook.result.current.run(payload(seed), options)));
  return outcome;
}

describe('useWorkerAction', () => {
  it('sends the payload, shows it working, and keeps the answer', async () => {
    const hook = setup();
    expect(hook.result.current).toMatchObject({ status: 'idle', working: false, result: null, error: null, progress: null });
    const outcome = start(hook, 1, { label: 'Starting…' });
    expect(worker.calls[0].payload).toEqual({ seed: 1 });
    expect(hook.result.current).toMatchObject({ status: 'working', working: true, progress: { fraction: 0, label: 'Starting…', etaSeconds: null } });
    await act(async () => worker.calls[0].resolve(answer(1)));
    expect(await outcome).toEqual({ status: 'done', result: answer(1) });
    expect(hook.result.current).toMatchObject({ status: 'done', working: false, result: answer(1), progress: null });
  });

  it('aborts the running request when a new run starts, and drops its late answer', async () => {
    const hook = setup();
    const first = start(hook, 1);
    const second = start(hook, 2);
    expect(worker.calls[0].aborted).toBe(true);
    expect(worker.calls[1].aborted).toBe(false);
    // The first request's answer arrives anyway, after the second was sent: it is not shown.
    await act(async () => worker.calls[0].resolve(answer(1)));
    expect(await first).toEqual({ status: 'cancelled' });
    expect(hook.result.current).toMatchObject({ status: 'working', result: null });
    // Nor is its progress.
    act(() => worker.calls[0].opts.onProgress?.(9, 10));
    expect(hook.result.current.progress?.fraction).toBe(0);
    await act(async () => worker.calls[1].resolve(answer(2)));
    expect(await second).toEqual({ status: 'done', result: answer(2) });
    expect(hook.result.current.result).toEqual(answer(2));
  });

  it('cancels: the request is aborted, the last result stays, and a late answer is dropped', async () => {
    const hook = setup();
    const first = start(hook, 1);
    await act(async () => worker.calls[0].resolve(answer(1)));
    await first;
    const second = start(hook, 2);
    act(() => hook.result.current.cancel());
    expect(worker.calls[1].aborted).toBe(true);
    expect(hook.result.current).toMatchObject({ status: 'cancelled', working: false, result: answer(1), error: null, progress: null });
    await act(async () => worker.calls[1].resolve(answer(2)));
    expect(await second).toEqual({ status: 'cancelled' });
    expect(hook.result.current.result).toEqual(answer(1));
  });

  it('ends a run the client rejects as aborted as cancelled, not as an error', async () => {
    worker.rejectOnAbort = true;
    const hook = setup();
    const run = start(hook, 1);
    act(() => hook.result.current.cancel());
    expect(await run).toEqual({ status: 'cancelled' });
    expect(hook.result.current).toMatchObject({ status: 'cancelled', error: null });
  });

  it('shows a failure’s message and keeps the last result; the next run clears the message', async () => {
    const hook = setup();
    const first = start(hook, 1);
    await act(async () => worker.calls[0].resolve(answer(1)));
    await first;
    const second = start(hook, 2);
    await act(async () => worker.calls[1].reject(new Error('out of memory')));
    expect(await second).toEqual({ status: 'error', error: 'out of memory' });
    expect(hook.result.current).toMatchObject({ status: 'error', working: false, error: 'out of memory', result: answer(1) });
    start(hook, 3);
    expect(hook.result.current).toMatchObject({ status: 'working', error: null, result: answer(1) });
  });

  it('reports the fraction done and, once a little progress is made, the time left', () => {
    const hook = setup();
    start(hook, 1, { label: 'Starting…' });
    const progress = (done: number, total: number, label?: string) => act(() => worker.calls[0].opts.onProgress?.(done, total, label));
    now = 1300;
    progress(1, 10, 'Step 1');
    // 10 % done but only 0.3 s in: no estimate yet.
    expect(hook.result.current.progress).toMatchObject({ done: 1, total: 10, fraction: 0.1, label: 'Step 1', etaSeconds: null });
    now = 3000;
    progress(4, 10);
    // 40 % in 2 s: 3 s left; a reply without a label keeps the last one.
    expect(hook.result.current.progress).toMatchObject({ fraction: 0.4, label: 'Step 1' });
    expect(hook.result.current.progress?.etaSeconds).toBeCloseTo(3, 9);
  });

  it('reads progress replies its own way and times a phase that starts again from its start', () => {
    const hook = setup();
    const read = (done: number, total: number, _label?: string, data?: unknown) =>
      ((data as { phase?: string } | undefined)?.phase === 'steps' ? { fraction: done / total, label: `Step ${done} of ${total}` } : { fraction: 0, label: 'Loading…' });
    start(hook, 1, { read });
    const progress = (done: number, total: number, data?: unknown) => act(() => worker.calls[0].opts.onProgress?.(done, total, undefined, data as never));
    now = 5000;
    progress(500, 1000, { phase: 'download' });
    expect(hook.result.current.progress).toMatchObject({ fraction: 0, label: 'Loading…', data: { phase: 'download' } });
    now = 6000;
    progress(1, 4, { phase: 'steps' });
    // The loading before it is not counted: 25 % in 1 s, 3 s left.
    expect(hook.result.current.progress).toMatchObject({ fraction: 0.25, label: 'Step 1 of 4' });
    expect(hook.result.current.progress?.etaSeconds).toBeCloseTo(3, 9);
  });

  it('passes each progress reply of the current run to the run’s listener', () => {
    const hook = setup();
    const heard: number[] = [];
    start(hook, 1, { onProgress: (done) => heard.push(done) });
    act(() => worker.calls[0].opts.onProgress?.(1, 3));
    start(hook, 2);
    act(() => worker.calls[0].opts.onProgress?.(2, 3));
    expect(heard).toEqual([1]);
  });

  it('aborts the running request when unmounted', async () => {
    const hook = setup();
    const run = start(hook, 1);
    hook.unmount();
    expect(worker.calls[0].aborted).toBe(true);
    worker.calls[0].resolve(answer(1));
    expect(await run).toEqual({ status: 'cancelled' });
  });

  it('sends through a function of its own, with the same signal and progress', async () => {
    const send = vi.fn((steps: number, opts: { signal: AbortSignal; onProgress(done: number, total: number): void }) => {
      opts.onProgress(1, steps);
      return Promise.resolve(steps * 2);
    });
    const hook = renderHook(() => useWorkerAction(send));
    let outcome!: Promise<Outcome<number>>;
    act(() => void (outcome = hook.result.current.run(4)));
    expect(send).toHaveBeenCalledWith(4, expect.objectContaining({ signal: expect.any(AbortSignal) }));
    expect(hook.result.current.progress?.fraction).toBe(0.25);
    await act(async () => {});
    expect(await outcome).toEqual({ status: 'done', result: 8 });
    expect(hook.result.current.result).toBe(8);
  });

  it('with paceMs, shows progress at most once per pace and hears every reply, in order, before the outcome', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let renders = 0;
      const hook = renderHook(() => {
        renders++;
        return useWorkerAction('denoiser-sample');
      });
      const heard: number[] = [];
      const outcome = start(hook, 1, { paceMs: 250, onProgress: (done) => heard.push(done) });
      const reply = (done: number, at: number) => act(() => {
        now = at;
        worker.calls[0].opts.onProgress?.(done, 10);
      });
      reply(1, 1000); // the first reply is shown at once
      expect(heard).toEqual([1]);
      expect(hook.result.current.progress?.done).toBe(1);
      const before = renders;
      reply(2, 1050);
      reply(3, 1100);
      expect(heard).toEqual([1]); // waiting for the pace
      expect(hook.result.current.progress?.done).toBe(1);
      expect(renders).toBe(before);
      now = 1250;
      act(() => vi.advanceTimersByTime(200)); // the pace left after reply 1, counted from reply 2
      expect(heard).toEqual([1, 2, 3]);
      expect(hook.result.current.progress).toMatchObject({ done: 3, fraction: 0.3 });
      expect(renders).toBe(before + 1); // both replies in one render
      reply(4, 1300);
      expect(heard).toEqual([1, 2, 3]);
      await act(async () => worker.calls[0].resolve(answer(1)));
      expect(heard).toEqual([1, 2, 3, 4]); // the last reply is heard before the outcome
      expect(await outcome).toEqual({ status: 'done', result: answer(1) });
    } finally {
      vi.useRealTimers();
    }
  });

  it('with paceMs, drops the waiting replies of a run that was cancelled', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const hook = setup();
      const heard: number[] = [];
      start(hook, 1, { paceMs: 250, onProgress: (done) => heard.push(done) });
      act(() => worker.calls[0].opts.onProgress?.(1, 10));
      act(() => worker.calls[0].opts.onProgress?.(2, 10));
      act(() => hook.result.current.cancel());
      act(() => vi.advanceTimersByTime(1000));
      expect(heard).toEqual([1]);
      expect(hook.result.current).toMatchObject({ status: 'cancelled', progress: null });
    } finally {
      vi.useRealTimers();
    }
  });
});
