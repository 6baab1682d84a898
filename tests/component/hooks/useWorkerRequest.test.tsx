import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeldClient } from './heldClient';
import { askAhead, forgetAnswers, rememberedAnswers, REMEMBER_LIMITS, typedBytes } from '../../../src/compute/answers';
import { useWorkerRequest } from '../../../src/ui/hooks/useWorkerRequest';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', () => ({ getComputeClient: () => fake.current!.client }));

let worker: HeldClient;
beforeEach(() => {
  worker = new HeldClient();
  fake.current = worker;
  forgetAnswers();
});
afterEach(() => vi.restoreAllMocks());

/** The answer the worker would give for a key. */
const answerOf = (key: string) => ({ key, values: new Float64Array(4) });

function setup(remember: boolean, initial = 'a') {
  return renderHook(({ k }) => useWorkerRequest('bitplane-analysis', () => ({ key: k }) as never, k, { remember }), { initialProps: { k: initial } });
}

async function answerLast() {
  const call = worker.calls.at(-1)!;
  await act(async () => call.resolve(answerOf((call.payload as { key: string }).key)));
}

describe('useWorkerRequest with remember', () => {
  it('answers a key seen before in the render that asks for it, without a request, and the newest key wins', async () => {
    const hook = setup(true);
    await answerLast();
    hook.rerender({ k: 'b' });
    await answerLast();
    expect(worker.calls).toHaveLength(2);

    hook.rerender({ k: 'a' }); // back to a: its answer at once, and nothing sent
    expect(hook.result.current.result).toEqual(answerOf('a'));
    expect(hook.result.current.status).toBe('idle');
    expect(worker.calls).toHaveLength(2);

    hook.rerender({ k: 'c' }); // a new key is asked for as before
    expect(worker.calls).toHaveLength(3);
    hook.rerender({ k: 'b' }); // …and left for a remembered one: the running request is dropped
    expect(worker.calls[2].aborted).toBe(true);
    expect(hook.result.current.result).toEqual(answerOf('b'));
  });

  it('does not remember without the option, nor a failed or superseded request', async () => {
    const plain = setup(false, 'p');
    await answerLast();
    plain.rerender({ k: 'q' });
    await answerLast();
    plain.rerender({ k: 'p' });
    expect(worker.calls).toHaveLength(3);
    expect(rememberedAnswers().entries).toBe(0);

    const hook = setup(true, 'x');
    hook.rerender({ k: 'y' }); // x superseded before its answer
    await act(async () => worker.calls.at(-2)!.resolve(answerOf('x')));
    hook.rerender({ k: 'x' });
    expect((worker.calls.at(-1)!.payload as { key: string }).key).toBe('x'); // asked again
  });

  it('keeps within its limits: the oldest answers go first', async () => {
    const hook = setup(true, 'k0');
    await answerLast();
    for (let i = 1; i <= REMEMBER_LIMITS.entries + 3; i++) {
      hook.rerender({ k: `k${i}` });
      await answerLast();
    }
    expect(rememberedAnswers().entries).toBe(REMEMBER_LIMITS.entries);
    expect(rememberedAnswers().bytes).toBe(REMEMBER_LIMITS.entries * 32);
    const sent = worker.calls.length;
    hook.rerender({ k: 'k0' }); // the oldest: forgotten, so asked again
    expect(worker.calls.length).toBe(sent + 1);
    hook.rerender({ k: `k${REMEMBER_LIMITS.entries + 3}` }); // the newest: remembered
    expect(worker.calls.length).toBe(sent + 1);
  });

  it('counts the bytes of the typed arrays an answer holds', () => {
    expect(typedBytes({ a: new Float64Array(10), b: [new Int32Array(3), { c: new Uint8Array(5) }], n: 7, s: 'x' })).toBe(80 + 12 + 5);
    expect(typedBytes(null)).toBe(0);
  });

  it('has an answer asked for ahead in the first render that needs it, with no request of its own', async () => {
    const ahead = askAhead('bitplane-analysis', 'first', { key: 'first' } as never);
    expect(worker.calls).toHaveLength(1);
    await act(async () => worker.calls[0].resolve(answerOf('first')));
    await ahead;
    const hook = setup(true, 'first');
    expect(hook.result.current.result).toEqual(answerOf('first'));
    expect(hook.result.current.status).toBe('idle');
    expect(worker.calls).toHaveLength(1);
    await askAhead('bitplane-analysis', 'first', { key: 'first' } as never); // kept already: not asked again
    expect(worker.calls).toHaveLength(1);
  });

  it('keeps nothing from an answer asked for ahead that failed, and the view then asks itself', async () => {
    const ahead = askAhead('bitplane-analysis', 'broken', { key: 'broken' } as never);
    await act(async () => worker.calls[0].reject(new Error('worker crashed')));
    await expect(ahead).resolves.toBeUndefined();
    expect(rememberedAnswers().entries).toBe(0);
    const hook = setup(true, 'broken');
    expect(worker.calls).toHaveLength(2);
    await answerLast();
    expect(hook.result.current.result).toEqual(answerOf('broken'));
  });
});
