// How the page reads: typeset formulas, dark mode, and a layout that fits wide and narrow screens. Screenshots of
// both colour schemes at both viewports are written to .e2e-artifacts/ for a person to look at.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { axeViolations, browserSession, openPage, waitAllPanels } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
const ARTIFACTS = '.e2e-artifacts';
const WIDE = { width: 1600, height: 1000 };
const NARROW = { width: 390, height: 844 };

async function openApp(viewport: { width: number; height: number }, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await openPage(session.context, baseUrl, session.errors, '[data-testid="figure-depth-psnr"] svg');
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme: scheme });
  await waitAllPanels(page);
  await page.waitForSelector('.formula.typeset', { timeout: 30_000 });
  await page.waitForTimeout(500); // the panels' answers for the new width
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

describe('formulas', () => {
  it('read as plain text until KaTeX arrives after the first panel, then are typeset in place with MathML, fonts loaded under the page’s policy', async () => {
    // KaTeX is held back a second, so the plain-text forms can be seen and measured.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await session.context.route(/katexRender-[\w-]+\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    const page = await openPage(session.context, baseUrl, session.errors, '[data-testid="figure-depth-psnr"] svg');
    await waitAllPanels(page);
    const plain = await page.$$eval('[data-testid="formula"]', (els) => els.map((e) => ({ text: e.textContent, typeset: e.classList.contains('typeset'), h: e.getBoundingClientRect().height })));
    expect(plain.length).toBeGreaterThanOrEqual(8);
    expect(plain.every((f) => !f.typeset)).toBe(true);
    expect(plain.map((f) => f.text)).toContain('PSNR = 10·log10(1/MSE) dB');
    const below = () => page.$eval('[data-testid="figure-depth-psnr"]', (el) => el.getBoundingClientRect().top + window.scrollY);
    const topBefore = await below();
    release();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="formula"]')].every((e) => e.classList.contains('typeset')), null, { timeout: 30_000 });
    const typeset = await page.$$eval('[data-testid="formula"]', (els) => els.map((e) => ({ math: e.querySelector('math') !== null, h: e.getBoundingClientRect().height })));
    expect(typeset.every((f) => f.math)).toBe(true);
    // The block formulas keep their height: what is below them does not jump when KaTeX arrives.
    expect(await below()).toBeCloseTo(topBefore, 0);
    const fonts = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.family.startsWith('KaTeX')).map((f) => `${f.family} ${f.status}`);
    });
    expect(fonts).toContain('KaTeX_Main loaded');
    expect(fonts.filter((f) => f.endsWith('error'))).toEqual([]);
    // A font refused by the Content-Security-Policy logs a console error, which fails the test (browserSession).
  });
});

/** The ground of the patch model's heat map (a canvas), one pixel of its bottom-left corner, as mean RGB. */
const heatmapGround = (page: Page) => page.$eval('[data-testid="canvas-patch-model-heatmap"]', (c) => {
  const px = (c as HTMLCanvasElement).getContext('2d')!.getImageData(1, (c as HTMLCanvasElement).height - 2, 1, 1).data;
  return (px[0] + px[1] + px[2]) / 3;
});

/** Canvas figures paint their ground in the scheme's colours, and repaint when the system's scheme changes. */
async function heatmapFollowsScheme(page: Page): Promise<void> {
  await page.click('[data-testid="model-load"]');
  await page.waitForSelector('[data-testid="canvas-patch-model-heatmap"]', { timeout: 60_000 });
  expect(await heatmapGround(page)).toBeLessThan(60);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => heatmapGround(page)).toBeGreaterThan(200);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => heatmapGround(page)).toBeLessThan(60);
}

describe('dark mode', () => {
  it('follows the system setting: dark ground, light text, charts repainted, no axe violations at either viewport', async () => {
    for (const [viewport, name] of [[WIDE, 'wide'], [NARROW, 'narrow']] as const) {
      const page = await openApp(viewport, 'dark');
      const colours = await page.evaluate(() => {
        const bg = getComputedStyle(document.documentElement).backgroundColor;
        const text = getComputedStyle(document.querySelector('.panel h2')!).color;
        const chart = document.querySelector('[data-testid="figure-depth-psnr"] svg .background')!;
        const tick = document.querySelector('[data-testid="figure-depth-psnr"] svg .axis text')!;
        return { bg, text, chartBg: getComputedStyle(chart).fill, tick: getComputedStyle(tick).fill };
      });
      const lum = (c: string) => (c.match(/\d+/g) ?? []).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
      expect(lum(colours.bg), name).toBeLessThan(60);
      expect(lum(colours.text), name).toBeGreaterThan(200);
      expect(lum(colours.chartBg), name).toBeLessThan(60);
      expect(lum(colours.tick), name).toBeGreaterThan(200);
      expect(await axeViolations(page), name).toEqual([]);
      if (name === 'wide') await heatmapFollowsScheme(page);
      await screenshot(page, `dark-${name}`);
      await page.close();
    }
  });

  it('keeps the light scheme by default, axe clean at either viewport', async () => {
    for (const [viewport, name] of [[WIDE, 'wide'], [NARROW, 'narrow']] as const) {
      const page = await openApp(viewport, 'light');
      const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(bg).toBe('rgb(246, 247, 249)');
      if (name === 'narrow') expect(await axeViolations(page), name).toEqual([]); // the wide page is app.e2e's
      await screenshot(page, `light-${name}`);
      await page.close();
    }
  });
});

describe('layout', () => {
  it('at 1600 × 1000 leaves no blank taller than half the viewport beside a panel, the decompositions side by side at their tops', async () => {
    // A return visit: the claims tour is folded to its Show buttons and the three panels' headings are in view.
    await (await openApp(WIDE)).close();
    const page = await openApp(WIDE);
    expect(await page.getAttribute('[data-testid="claims-toggle"]', 'aria-expanded')).toBe('false');
    expect(await page.$$eval('[data-testid="claims"] li button', (b) => b.filter((e) => e.textContent!.startsWith('Show')).length)).toBe(10);
    const headings = await page.$$eval('main.panels > section h2', (hs) => hs.slice(0, 3).map((h) => h.getBoundingClientRect().bottom));
    for (const bottom of headings) expect(bottom).toBeLessThanOrEqual(WIDE.height / 2);
    const boxes = await page.$$eval('main.panels > section', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { id: e.getAttribute('data-testid'), left: r.left, right: r.right, top: r.top + window.scrollY, bottom: r.bottom + window.scrollY };
    }));
    const [patch, depth, diffusion] = ['panel-patch', 'panel-depth', 'panel-diffusion'].map((id) => boxes.find((b) => b.id === id)!);
    expect(patch.top).toBeCloseTo(depth.top, 0);
    expect(depth.top).toBeCloseTo(diffusion.top, 0);
    expect(patch.right).toBeLessThanOrEqual(depth.left);
    expect(depth.right).toBeLessThanOrEqual(diffusion.left);
    // Each column: the sections whose horizontal extent covers it, top to bottom; blanks between them and below.
    const bottom = Math.max(...boxes.map((b) => b.bottom));
    for (const col of [patch, depth, diffusion]) {
      const stack = boxes.filter((b) => b.left < col.right - 1 && b.right > col.left + 1).sort((a, b) => a.top - b.top);
      const gaps = stack.slice(1).map((b, i) => b.top - stack[i].bottom);
      gaps.push(bottom - stack[stack.length - 1].bottom);
      expect(Math.max(...gaps), `blank in the column of ${col.id}`).toBeLessThanOrEqual(WIDE.height / 2);
    }
    // Tables fit their column: the summary table is not wider than the panel that holds it.
    const table = await page.$eval('[data-testid="patch-summary"]', (t) => ({ table: t.getBoundingClientRect().width, wrap: t.parentElement!.clientWidth }));
    expect(table.table).toBeLessThanOrEqual(table.wrap);
  });

  it('at 390 × 844 the page does not scroll sideways and every control is within reach', async () => {
    const page = await openApp(NARROW);
    const { scrollWidth, clientWidth, outside } = await page.evaluate(() => {
      const W = document.documentElement.clientWidth;
      // A control may sit beyond the edge only inside a region that scrolls sideways and takes the keyboard's focus.
      const inScroller = (e: Element) => {
        for (let a = e.parentElement; a; a = a.parentElement) {
          if (getComputedStyle(a).overflowX === 'auto' && a.tabIndex >= 0) return true;
        }
        return false;
      };
      const controls = [...document.querySelectorAll('button, select, input, a[href], [tabindex="0"]')].filter((e) => (e as HTMLElement).offsetParent !== null);
      return {
        scrollWidth: document.documentElement.scrollWidth, clientWidth: W,
        outside: controls.filter((e) => { const r = e.getBoundingClientRect(); return (r.left < 0 || r.right > W + 0.5) && !inScroller(e); })
          .map((e) => e.outerHTML.slice(0, 80)),
      };
    });
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect(outside).toEqual([]);
  });

  it('the all-orderings chart draws the chosen ordering in colour over the others in grey, following the key’s pointer and focus', async () => {
    const page = await openApp(WIDE);
    const strokes = () => page.$$eval('[data-testid="figure-patch-all"] svg g.series', (gs) => Object.fromEntries(gs.map((g) => [g.getAttribute('data-series'), g.querySelector('path.line')!.getAttribute('stroke')])));
    const colourOf = (all: Record<string, string | null>) => Object.entries(all).filter(([, c]) => c !== '#9a9a9a').map(([id]) => id);
    await page.waitForSelector('[data-testid="emphasis-hilbert"]');
    expect(colourOf(await strokes())).toEqual(['raster']); // the panel's ordering
    await page.focus('[data-testid="emphasis-hilbert"]');
    expect(colourOf(await strokes())).toEqual(['hilbert']);
    await page.hover('[data-testid="emphasis-snake"]');
    expect(colourOf(await strokes())).toEqual(['snake']);
    await page.click('[data-testid="emphasis-snake"]');
    await page.mouse.move(0, 0);
    await page.$eval('[data-testid="emphasis-snake"]', (b) => (b as HTMLButtonElement).blur());
    expect(colourOf(await strokes())).toEqual(['snake']);
    await page.getByRole('button', { name: 'All', exact: true }).click();
    expect(colourOf(await strokes()).length).toBeGreaterThanOrEqual(8);
  });
});
