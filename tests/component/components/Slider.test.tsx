// The slider of a structural control commits at most once per frame (the latest value), while its thumb and the
// value shown follow every input; a plain slider commits every input at once.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Slider } from '../../../src/ui/components/Slider';

afterEach(cleanup);

const frame = () => act(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));

describe('Slider', () => {
  it('commits every input at once when it is not coalesced', () => {
    const onChange = vi.fn();
    render(<Slider label="Step" value={0} min={0} max={10} onChange={onChange} testId="s" />);
    for (const v of [1, 2, 3]) fireEvent.change(screen.getByTestId('s'), { target: { value: String(v) } });
    expect(onChange.mock.calls.map((c) => c[0])).toEqual([1, 2, 3]);
  });

  it('coalesced: shows every value at once, commits only the last one of a frame, and never drops it', async () => {
    const onChange = vi.fn();
    render(<Slider label="Patch size" value={0} min={0} max={10} onChange={onChange} format={(v) => `${v} px`} testId="s" coalesce />);
    const input = screen.getByTestId('s') as HTMLInputElement;
    for (const v of [4, 7, 2, 9]) fireEvent.change(input, { target: { value: String(v) } });
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByTestId('s-value').textContent).toBe('9 px');
    expect(input.value).toBe('9');
    expect(input.getAttribute('aria-valuetext')).toBe('9 px');
    await frame();
    expect(onChange.mock.calls).toEqual([[9]]);
    // The next frame's inputs are committed on their own.
    fireEvent.change(input, { target: { value: '3' } });
    await frame();
    expect(onChange.mock.calls).toEqual([[9], [3]]);
  });

  it('coalesced: an unmounted slider commits nothing', async () => {
    const onChange = vi.fn();
    const { unmount } = render(<Slider label="K" value={0} min={0} max={10} onChange={onChange} testId="s" coalesce />);
    fireEvent.change(screen.getByTestId('s'), { target: { value: '5' } });
    unmount();
    await frame();
    expect(onChange).not.toHaveBeenCalled();
  });
});
