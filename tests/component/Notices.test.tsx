import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appStore } from '../../src/state/store';
import { Notices } from '../../src/ui/components/Notices';
import { Slider } from '../../src/ui/components/Slider';

afterEach(() => {
  cleanup();
  for (const n of appStore.getState().ui.notices) appStore.getState().dismiss(n.id);
});

describe('Notices', () => {
  it('announces errors as alerts and removes them when dismissed', () => {
    render(<Notices />);
    act(() => void appStore.getState().notify('error', '“x.png” was not loaded.'));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('x.png');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss message' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('runs a notice’s follow-up action once and then closes it', () => {
    const run = vi.fn();
    render(<Notices />);
    act(() => void appStore.getState().notify('info', 'Restored the view.', { label: 'Use this picture', run }));
    fireEvent.click(screen.getByRole('button', { name: 'Use this picture' }));
    expect(run).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('status')).toBeNull();
  });
});

describe('Slider', () => {
  it('is labelled, shows its value with units and reports changes as numbers', () => {
    const onChange = vi.fn();
    render(<Slider label="Bits per channel k" value={4} min={1} max={8} onChange={onChange} format={(v) => `${v} bits`} />);
    const input = screen.getByRole('slider', { name: /Bits per channel k/ });
    expect(input.getAttribute('aria-valuetext')).toBe('4 bits');
    fireEvent.change(input, { target: { value: '6' } });
    expect(onChange).toHaveBeenCalledWith(6);
  });
});
