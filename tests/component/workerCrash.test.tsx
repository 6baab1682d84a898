// A worker that crashes mid-request: the view waiting on it says so and offers to try again, which reaches the
// restarted worker; a view served by another worker keeps working throughout.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createComputeClient, type ComputeClient } from '../../src/compute/client';
import type { Inbound, RequestKind } from '../../src/protocol';
import { ErrorText } from '../../src/ui/components/ErrorText';
import { useWorkerRequest } from '../../src/ui/hooks/useWorkerRequest';
import { FakeWorker } from '../fakeWorker';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

afterEach(cleanup);

const image = { width: 1, height: 1, data: new Float32Array(3), hash: 'h' };

/** Two workers behind one client, as the page has: the analyses on one, the models on the other. */
function twoWorkers() {
  const started = { analysis: [] as FakeWorker[], model: [] as FakeWorker[] };
  const worker = (which: keyof typeof started, answer: (m: Inbound) => unknown) => () => {
    const w = new FakeWorker();
    // Each worker answers at once, except an analysis worker while `hold` is set.
    w.autoReply = (m) => (m.kind === 'cancel' || (which === 'analysis' && hold.on) ? [] : [{ id: m.id, kind: 'result', result: answer(m) }]);
    started[which].push(w);
    return w;
  };
  const hold = { on: false };
  const analysis = createComputeClient(worker('analysis', () => `bit-planes #${started.analysis.length}`));
  const model = createComputeClient(worker('model', (m) => `prediction of ${(m as { digit?: number }).digit}`));
  const client: ComputeClient = {
    request: (kind: RequestKind, payload, opts) => (kind === 'bitplane-analysis' ? analysis : model).request(kind, payload as never, opts as never) as never,
    onBackendChange: () => () => {},
    dispose: () => {},
  };
  fake.current = { client };
  return { started, hold };
}

function Views() {
  const [digit, setDigit] = useState(0);
  const planes = useWorkerRequest('bitplane-analysis', () => ({ image }), 'h');
  const prediction = useWorkerRequest('patch-model-predict', () => ({ digit } as never), String(digit));
  return (
    <>
      <p data-testid="planes">{String(planes.result ?? '')}</p>
      {planes.error && <ErrorText onRetry={planes.retry}>The bit-plane analysis failed: {planes.error}</ErrorText>}
      <p data-testid="prediction">{String(prediction.result ?? '')}</p>
      <button type="button" onClick={() => setDigit((d) => d + 1)}>Next digit</button>
    </>
  );
}

const flush = () => act(async () => {});

describe('a crashed worker', () => {
  it('fails the affected view with a message and Try again, which the restarted worker answers; the other view keeps working', async () => {
    const { started, hold } = twoWorkers();
    hold.on = true;
    render(<Views />);
    await flush();
    expect(started.analysis[0].posted.map((p) => p.message.kind)).toEqual(['bitplane-analysis']);
    // The worker must have answered once to count as started: it reports progress, then crashes.
    await act(async () => {
      started.analysis[0].reply({ id: started.analysis[0].lastId(), kind: 'progress', done: 1, total: 2 });
      started.analysis[0].fail('Uncaught RangeError: WebAssembly.Memory(): could not allocate memory');
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('The bit-plane analysis failed: the compute worker crashed: Uncaught RangeError: WebAssembly.Memory(): could not allocate memory and was restarted; try again Try again');
    // Meanwhile the model worker answers as before.
    fireEvent.click(screen.getByRole('button', { name: 'Next digit' }));
    await flush();
    expect(screen.getByTestId('prediction').textContent).toBe('prediction of 1');

    hold.on = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await flush();
    expect(started.analysis).toHaveLength(2);
    expect(screen.getByTestId('planes').textContent).toBe('bit-planes #2');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
