import { useMemo } from 'react';
import type { FormulaText } from './tex';
import { useTexRenderer } from './formulas';

interface FormulaProps {
  formula: FormulaText;
  /** On its own line rather than inside a sentence. It is typeset in text style, so a long one wraps at its
   * relations and operators instead of overflowing a narrow column. */
  block?: boolean;
}

/** One formula: plain text at first, typeset by KaTeX (with MathML for screen readers) once it has loaded. */
export function Formula({ formula, block = false }: FormulaProps) {
  const render = useTexRenderer();
  const html = useMemo(() => (render ? render(formula.tex, false) : null), [render, formula.tex]);
  const Tag = block ? 'div' : 'span';
  const className = `formula${block ? ' formula-block' : ''}${html ? ' typeset' : ''}`;
  return html
    ? <Tag className={className} data-testid="formula" dangerouslySetInnerHTML={{ __html: html }} />
    : <Tag className={className} data-testid="formula">{formula.text}</Tag>;
}
