import { useMemo } from 'react';
import type { FormulaText } from './tex';
import { useTexRenderer } from './formulas';

interface FormulaProps {
  formula: FormulaText;
  /** On its own line, in display style, rather than inside a sentence. */
  block?: boolean;
}

/** One formula: plain text at first, typeset by KaTeX (with MathML for screen readers) once it has loaded. */
export function Formula({ formula, block = false }: FormulaProps) {
  const render = useTexRenderer();
  const html = useMemo(() => (render ? render(formula.tex, block) : null), [render, formula.tex, block]);
  const Tag = block ? 'div' : 'span';
  const className = `formula${block ? ' formula-block' : ''}${html ? ' typeset' : ''}`;
  return html
    ? <Tag className={className} data-testid="formula" dangerouslySetInnerHTML={{ __html: html }} />
    : <Tag className={className} data-testid="formula">{formula.text}</Tag>;
}
