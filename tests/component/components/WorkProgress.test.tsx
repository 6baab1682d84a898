// A request that follows the view shows its progress with the time left and a Cancel that keeps what was shown.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestProgress } from '../../../src/ui/components/WorkProgress';
import { useWorkerRequest } from '../../../src/ui/hooks/useWorkerRequest';
import { FakeRqaeClient } from '../depth/fakeRqaeClient';

const fake = vi.hoisted(() => ({ worker: null as null | FakeRqaeClient }));
vi.mock('../../../src/compute/client', () => ({ getComputeClient: () => fake.worker!.client }));

let worker: FakeRqaeClient;
let now = 0;
beforeEach(() => {
  worker = fake.worker = new FakeRqaeClient();
  now = 1000;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** Rate–distortion curves for a quantizer step: the result names the step it was computed for. */
function Curves({ step }: { step: number }) {
  const rd = useWorkerRequest('depth-rd', () => ({ step }) as never, String(step));
  return (
    <>
      {rd.result && <p data-testid="shown">{String(rd.result)}</p>}
      <RequestProgress pending={rd} label="Computing rate–distortion curves" />
    </>
  );
}

const flush = () => act(async () => {});

describe('a request that follows the view', () => {
  it('shows a named bar with the time left, and Cancel stops it keeping the previous result; Start again computes it', async () => {
    worker.answer('depth-rd', (c) => `curves at step ${c.payload.step}`);
    const { rerender } = render(<Curves step={4} />);
    await flush();
    expect(screen.getByTestId('shown').textContent).toBe('curves at step 4');

    worker.hold('depth-rd');
    rerender(<Curves step={16} />);
    const call = worker.last('depth-rd');
    const bar = screen.getByRole('progressbar', { name: 'Computing rate–distortion curves' });
    now = 3000;
    act(() => call.opts.onProgress?.(2, 10));
    expect(bar.getAttribute('value')).toBe('0.2');
    // 20 % in 2 s: 8 s left.
    expect(screen.getByText('about 8 s left')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Cancel: Computing rate–distortion curves' }));
    await flush();
    expect(call.aborted).toBe(true);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/^Cancelled; what is shown is from before\./);
    expect(screen.getByTestId('shown').textContent).toBe('curves at step 4');

    worker.answer('depth-rd', (c) => `curves at step ${c.payload.step}`);
    fireEvent.click(screen.getByRole('button', { name: 'Start again: Computing rate–distortion curves' }));
    await flush();
    expect(worker.last('depth-rd').payload).toMatchObject({ step: 16 });
    expect(screen.getByTestId('shown').textContent).toBe('curves at step 16');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('does not call a request cancelled when a newer view superseded it', async () => {
    worker.hold('depth-rd');
    const { rerender } = render(<Curves step={4} />);
    const first = worker.last('depth-rd');
    rerender(<Curves step={8} />);
    await flush();
    expect(first.aborted).toBe(true);
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('progressbar', { name: 'Computing rate–distortion curves' })).toBeTruthy();
  });
});
