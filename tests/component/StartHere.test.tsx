// The first-visit note: three lines, dismissed with one keyboard-reachable button, and remembered.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartHere } from '../../src/ui/components/StartHere';

beforeEach(() => localStorage.clear());
afterEach(cleanup);

describe('Start here', () => {
  it('says what the panels are, what to drag and where the tour is, in three lines', () => {
    render(<StartHere />);
    const note = screen.getByRole('complementary', { name: 'Start here' });
    const lines = within(note).getAllByRole('listitem').map((li) => li.textContent);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/panel/);
    expect(lines[1]).toMatch(/Drag/);
    expect(lines[2]).toMatch(/claims tour/);
  });

  it('stays hidden once dismissed, on the next visit too', () => {
    const { unmount } = render(<StartHere />);
    const button = screen.getByRole('button', { name: /hide this/ });
    button.focus();
    expect(document.activeElement).toBe(button);
    fireEvent.click(button);
    expect(screen.queryByRole('complementary', { name: 'Start here' })).toBeNull();
    unmount();
    render(<StartHere />);
    expect(screen.queryByRole('complementary', { name: 'Start here' })).toBeNull();
  });
});
