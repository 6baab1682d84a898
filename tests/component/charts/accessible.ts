import { expect } from 'vitest';

/** A chart is an image named by its own <title> and described by its own <desc>, with the given texts. */
export function expectAccessibleChart(svg: SVGSVGElement, texts: { title: string; description: string }): void {
  expect(svg.getAttribute('role')).toBe('img');
  const title = svg.querySelector(':scope > title')!;
  const desc = svg.querySelector(':scope > desc')!;
  expect(title.textContent).toBe(texts.title);
  expect(desc.textContent).toBe(texts.description);
  expect(svg.getAttribute('aria-labelledby')!.split(' ')).toEqual([title.id, desc.id]);
}
