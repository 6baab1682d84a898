import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SelectField } from '../../../src/ui/components/SelectField';

afterEach(cleanup);

describe('SelectField', () => {
  it('is named by its label and lists every choice as formatted, the value selected', () => {
    render(<SelectField label="Batch" value={32} choices={[16, 32, 64]} format={(b) => `${b} digits`} onChange={() => undefined} testId="batch" />);
    const select = screen.getByRole('combobox', { name: 'Batch' }) as HTMLSelectElement;
    expect(select).toBe(screen.getByTestId('batch'));
    expect([...select.options].map((o) => o.textContent)).toEqual(['16 digits', '32 digits', '64 digits']);
    expect(select.selectedOptions[0].textContent).toBe('32 digits');
  });

  it('hands back the choice picked as the value it was listed with: a number stays a number', () => {
    const onChange = vi.fn();
    render(<SelectField label="Samples" value={4} choices={[4, 16, 64]} onChange={onChange} />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Samples' }), { target: { value: '64' } });
    expect(onChange).toHaveBeenCalledWith(64);
    const strings = vi.fn();
    render(<SelectField label="Schedule" value="cosine" choices={['linear', 'cosine'] as const} onChange={strings} />);
    fireEvent.change(screen.getByRole('combobox', { name: 'Schedule' }), { target: { value: 'linear' } });
    expect(strings).toHaveBeenCalledWith('linear');
  });

  it('can be disabled whole, or list a choice that cannot be picked now', () => {
    render(<SelectField label="Data" value="digits" choices={['digits', 'crops']} disabled onChange={() => undefined} />);
    expect((screen.getByRole('combobox', { name: 'Data' }) as HTMLSelectElement).disabled).toBe(true);
    render(<SelectField label="K" value={4} choices={[4, 8]} unavailable={(k) => k > 4} onChange={() => undefined} />);
    const options = [...(screen.getByRole('combobox', { name: 'K' }) as HTMLSelectElement).options];
    expect(options.map((o) => o.disabled)).toEqual([false, true]);
  });
});
