import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Formula } from '../../../src/ui/formulas/Formula';
import { loadFormulas } from '../../../src/ui/formulas/formulas';
import { FORMULAS } from '../../../src/ui/formulas/tex';

afterEach(cleanup);

describe('a formula', () => {
  it('reads as plain text until KaTeX is asked for, then is typeset with MathML for screen readers', async () => {
    render(<div>Noise: <Formula formula={FORMULAS.noisy} /> and <Formula formula={FORMULAS.psnr} block /></div>);
    const [inline, block] = screen.getAllByTestId('formula');
    expect(inline.textContent).toBe('x_t = α_t·x₀ + σ_t·ε');
    expect(block.textContent).toBe('PSNR = 10·log10(1/MSE) dB');
    expect(inline.querySelector('math')).toBeNull();

    await act(() => loadFormulas());
    const [typeset, typesetBlock] = screen.getAllByTestId('formula');
    // The MathML a screen reader reads, with the TeX source as its annotation; the visual HTML is hidden from it.
    const math = typeset.querySelector('math')!;
    expect(math).not.toBeNull();
    expect(math.querySelector('annotation[encoding="application/x-tex"]')?.textContent).toBe(FORMULAS.noisy.tex);
    expect(typeset.querySelector('.katex-html')?.getAttribute('aria-hidden')).toBe('true');
    expect(typeset.querySelector('.katex-display')).toBeNull();
    expect(typesetBlock.querySelector('math')).not.toBeNull();
    expect(typeset.className).toContain('typeset');
  });

  it('has no TeX errors in any of the formulas the panels print', async () => {
    await loadFormulas();
    render(<div>{Object.values(FORMULAS).map((f, i) => <Formula key={i} formula={f} block />)}</div>);
    const shown = screen.getAllByTestId('formula');
    expect(shown).toHaveLength(Object.keys(FORMULAS).length);
    for (const el of shown) {
      expect(el.querySelector('math'), el.innerHTML.slice(0, 80)).not.toBeNull();
      expect(el.querySelector('.katex-error'), el.textContent ?? '').toBeNull();
    }
  });

  it('wraps a list of definitions in a narrow column only between its items, never inside one', async () => {
    await loadFormulas();
    render(<div>{[FORMULAS.targets, FORMULAS.targetUnits].map((f, i) => <Formula key={i} formula={f} block />)}</div>);
    // KaTeX may break an inline formula only between its top-level boxes (.katex-base): each must hold whole items.
    const pieces = screen.getAllByTestId('formula').map((el) => Array.from(el.querySelectorAll('.katex-html > .katex-base'), (b) => b.textContent));
    expect(pieces).toEqual([
      ['ε,', 'x0\u200b,', 'v=αε−σx0\u200b,', 'u=ε−x0\u200b'],
      ['cε\u200b=1,', 'cx0\u200b\u200b=e−λ,', 'cv\u200b=1+e−λ,', 'cu\u200b=(1+e−λ/2)2'],
    ]);
  });
});
