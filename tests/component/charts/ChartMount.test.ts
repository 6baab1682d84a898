import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { render } from '@testing-library/react';
import { ChartMount } from '../../../src/ui/charts/ChartMount';
import { barChart } from '../../../src/ui/charts/barChart';

const chart = (title: string) => barChart([{ key: 'a', label: 'A', value: 1 }], { title, description: 'd', xLabel: 'x', yLabel: 'y' });

describe('ChartMount', () => {
  it('mounts the given svg, swaps it on change, and removes it on unmount', () => {
    const first = chart('first');
    const second = chart('second');
    const { container, rerender, unmount } = render(createElement(ChartMount, { svg: first, className: 'box' }));
    const box = container.querySelector('div.box')!;
    expect(box.children).toHaveLength(1);
    expect(box.firstChild).toBe(first);
    rerender(createElement(ChartMount, { svg: second, className: 'box' }));
    expect(box.children).toHaveLength(1);
    expect(box.firstChild).toBe(second);
    unmount();
    expect(second.isConnected).toBe(false);
  });
});
