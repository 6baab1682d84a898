// Text contrast in the light and the dark palette, computed from the CSS custom properties the page uses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrastRatio } from '../../../src/ui/charts/heatmapChart';

const css = readFileSync('src/ui/styles.css', 'utf8');

/** The custom properties declared in the first `:root { … }` after `from` in the stylesheet. */
function palette(from: number): Record<string, string> {
  const start = css.indexOf(':root {', from);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

const light = palette(0);
const darkAt = css.indexOf('@media (prefers-color-scheme: dark)');
const dark = { ...light, ...palette(darkAt) };

/** Every text colour the stylesheet sets on a background it sets. */
const TEXT_ON: [text: string, ground: string][] = [
  ['fg', 'bg'], ['fg', 'card'], ['muted', 'card'], ['muted', 'bg'], ['accent', 'card'], ['accent', 'bg'],
  ['error-fg', 'error-bg'], ['error-fg', 'card'], ['fg', 'info-bg'], ['fg', 'control-bg'], ['fg', 'control-hover'],
  ['fg', 'note-bg'], ['fg', 'current-row'], ['muted', 'current-row'], ['yes-fg', 'yes-bg'], ['no-fg', 'no-bg'],
  ['chart-text', 'chart-bg'], ['muted', 'info-bg'],
];

describe('text contrast (WCAG AA, at least 4.5:1)', () => {
  it('the dark palette redefines every colour of the light one, and changes the ground', () => {
    expect(darkAt).toBeGreaterThan(0);
    expect(Object.keys(palette(darkAt)).sort()).toEqual(Object.keys(light).sort());
    expect(contrastRatio(dark.bg, '#000')).toBeLessThan(contrastRatio(light.bg, '#000'));
  });

  for (const [mode, p] of [['light', light], ['dark', dark]] as const) {
    it.each(TEXT_ON)(`${mode}: --%s on --%s`, (text, ground) => {
      expect(p[text], text).toMatch(/^#[0-9a-f]{6}$/i);
      expect(contrastRatio(p[text], p[ground])).toBeGreaterThanOrEqual(4.5);
    });
  }

  it('the ratio is the WCAG one: black on white 21, a colour on itself 1, #767676 on white 4.54', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 6);
    expect(contrastRatio('#1f5fa8', '#1f5fa8')).toBeCloseTo(1, 9);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});
