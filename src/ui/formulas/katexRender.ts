// The KaTeX half of the formulas: a chunk of its own (with KaTeX's stylesheet and fonts, served by the app), imported
// only once the first panel is shown, so the page's initial JavaScript does not carry it.
import katex from 'katex';
import 'katex/dist/katex.min.css';

/** `tex` typeset as HTML for the eye and MathML for screen readers; a TeX error shows the source in red, never throws. */
export function renderTex(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, output: 'htmlAndMathml', throwOnError: false, strict: 'ignore' });
}
