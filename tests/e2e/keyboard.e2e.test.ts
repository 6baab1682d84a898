// The whole app by keyboard alone, in a real Chromium against the production build: the three models loaded and
// a lab view computed with Tab and Enter, then every control of every panel reached in reading order with a
// visible focus ring, the painted order and the schedule editor operated by keys, each chart's data table read
// back against its CSV export, and axe-core's verdict with models, lab and tables on the page.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { parseCsv } from '../csv';
import { axeViolations, browserSession, openPage, waitAllPanels } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
let page: Page;

// Small lab settings (K 4 on 2 batches of 16: the noise-level view computes in seconds) and the custom schedule,
// so the schedule editor's points are in the round of Tab.
const LINK = '#v=1&sched=custom&eqk=4&eqbatch=16&eqbatches=2';
const hashParam = (p: Page, key: string) => new URLSearchParams(new URL(p.url()).hash.slice(1)).get(key);

/** Where focus is after a key: the element, the part of the page it is in, its box, and how its focus shows. */
interface Stop {
  name: string;
  part: string;
  top: number;
  bottom: number;
  left: number;
  right: number;
  focusVisible: boolean;
  ring: string | null;
}

function focused(p: Page): Promise<Stop | null> {
  return p.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    ((window as unknown as { reached?: WeakSet<Element> }).reached ??= new WeakSet()).add(el);
    const part = el.closest('[data-testid^="panel-"], [data-testid="claims"], [data-testid="start-here"], header, footer, .notices');
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 ? `outline ${cs.outlineWidth} ${cs.outlineStyle}` : null;
    const shadow = cs.boxShadow !== 'none' ? `box-shadow ${cs.boxShadow}` : null;
    return {
      name: el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? `${el.tagName.toLowerCase()} “${el.textContent?.trim().slice(0, 40)}”`,
      part: part?.getAttribute('data-testid') ?? (part?.classList.contains('notices') ? 'notices' : part?.tagName.toLowerCase()) ?? 'page',
      top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right,
      focusVisible: el.matches(':focus-visible'), ring: outline ?? shadow,
    };
  });
}

/** Presses Tab until `selector` has focus (going round the page at most once): it is reachable in tab order. */
async function tabTo(p: Page, selector: string, limit = 600): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await p.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await p.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached by Tab in ${limit} presses`);
}

/** Every stop of one round of Tab through the page, starting at its first control. */
async function tabRound(p: Page): Promise<Stop[]> {
  await p.evaluate(() => void ((window as unknown as { reached?: WeakSet<Element> }).reached = new WeakSet()));
  await p.focus('[data-testid="sample-select"]');
  const stops: Stop[] = [(await focused(p))!];
  for (let i = 0; i < 2000; i++) {
    await p.keyboard.press('Tab');
    const stop = await focused(p);
    if (stop?.name === 'sample-select') return stops;
    if (stop) stops.push(stop);
  }
  throw new Error('Tab did not come back to the first control');
}

/** A step of the tab order that goes back up the page within the same column: against the reading order. */
function backwards(stops: Stop[]): string[] {
  return stops.slice(1).flatMap((b, i) => {
    const a = stops[i];
    const up = b.part === a.part && b.bottom <= a.top && b.left < a.right;
    return up ? [`${a.name} → ${b.name} (${a.part})`] : [];
  });
}

beforeEach(async () => {
  page = await openPage(session.context, `${baseUrl}${LINK}`, session.errors, '[data-testid="figure-depth-psnr"] svg .highlight');
  await waitAllPanels(page);
});

describe('the app by keyboard alone', () => {
  it('loads the models and computes a lab view by keys, then reaches every control in reading order with visible focus, axe-clean', async () => {
    // Keyboard only: each button reached by Tab, pressed with Enter.
    await page.focus('[data-testid="sample-select"]');
    for (const button of ['model-load', 'rqae-load', 'denoiser-load', 'lab-noise-compute']) {
      await tabTo(page, `[data-testid="${button}"]`);
      await page.keyboard.press('Enter');
    }
    await page.waitForSelector('[data-testid="canvas-patch-model-heatmap"]', { timeout: 90_000 });
    await page.waitForSelector('[data-testid="figure-rqae-psnr"] svg path.line', { timeout: 90_000 });
    await page.waitForSelector('[data-testid="denoiser-readout"]', { timeout: 90_000 });
    await page.waitForSelector('[data-testid="lab-noise-measured"]:has-text("per batch")', { timeout: 240_000 });
    await page.waitForSelector('[data-testid="figure-lab-noise-cross"] svg[role="img"]');

    // The wide layout (panels side by side), then the phone's (one column).
    for (const viewport of [{ width: 1400, height: 1000 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      const stops = await tabRound(page);
      const at = `at ${viewport.width} px`;
      // Every part of the page is visited, each in one run (the tab order never leaves a panel and comes back).
      const parts = stops.map((s) => s.part).filter((part, i, all) => part !== 'notices' && part !== all[i - 1]);
      expect(parts, at).toEqual(['header', 'start-here', 'claims', 'panel-patch', 'panel-depth', 'panel-diffusion', 'panel-lab', 'footer']);
      expect(stops.length, at).toBeGreaterThan(200);
      expect(backwards(stops), at).toEqual([]);
      // Every stop shows where focus is: :focus-visible matches and draws an outline or a shadow.
      expect(stops.filter((s) => !s.focusVisible || !s.ring).map((s) => `${s.name} (${s.part})`), at).toEqual([]);
      // Nothing the page offers is left out of the round: every visible, enabled control was reached.
      const unreached = await page.evaluate(() => {
        const reached = (window as unknown as { reached: WeakSet<Element> }).reached;
        const controls = document.querySelectorAll('button, select, input, textarea, a[href], [tabindex]:not([tabindex="-1"])');
        return Array.from(controls).filter((el) => !(el as HTMLButtonElement).disabled && el.checkVisibility() && el.getBoundingClientRect().width > 0 && !reached.has(el))
          .map((el) => el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.outerHTML.slice(0, 80));
      });
      expect(unreached, at).toEqual([]);
    }
    // Every chart on the page (the d3 charts and the patch model's heat map) offers its numbers as a table.
    const charts = await page.$$eval('figure', (figs) => figs.filter((f) => f.querySelector('.chart svg, canvas.heatmap'))
      .map((f) => ({ id: f.getAttribute('data-export-id'), table: f.querySelector('[data-testid^="table-toggle-"]') !== null })));
    expect(charts.length).toBeGreaterThan(20);
    expect(charts.filter((c) => !c.table).map((c) => c.id)).toEqual([]);

    expect(await axeViolations(page)).toEqual([]);
  }, 600_000);

  it('opens each chart’s data table from the keyboard, row for row its CSV export, for every chart with one', async () => {
    await page.focus('[data-testid="sample-select"]');
    await tabTo(page, '[data-testid="export-csv-depth-psnr"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('table-toggle-depth-psnr');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // into the table, which scrolls by keys
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Data of “PSNR vs bits” (scrolls)');
    const rows = await page.$$eval('[data-testid="table-depth-psnr"] tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent ?? '')));
    expect(rows).toEqual(csv);
    expect(rows.length).toBeGreaterThan(8);

    // Every figure with a CSV export has a data table beside it; all open at once, the page stays axe-clean.
    const figures = await page.$$eval('[data-testid^="export-csv-"]', (buttons) => buttons.map((b) => ({
      id: b.getAttribute('data-testid')!.slice('export-csv-'.length),
      table: Boolean(b.parentElement?.querySelector(`[data-testid="table-toggle-${b.getAttribute('data-testid')!.slice('export-csv-'.length)}"]`)),
    })));
    expect(figures.length).toBeGreaterThan(10);
    expect(figures.filter((f) => !f.table).map((f) => f.id)).toEqual([]);
    await page.$$eval('[data-testid^="table-toggle-"][aria-expanded="false"]', (buttons) => buttons.forEach((b) => (b as HTMLButtonElement).click()));
    await expect.poll(() => page.$$eval('.data-table', (t) => t.length)).toBe(figures.length);
    expect(await axeViolations(page)).toEqual([]);
  }, 120_000);

  it('paints a custom patch order and edits a custom schedule with keys alone', async () => {
    // The painted order: choose "Custom" in the ordering list, Tab to the image, move with arrows, paint with Enter.
    await page.focus('[data-testid="sample-select"]');
    await tabTo(page, '[data-testid="ordering-select"]');
    await page.keyboard.press('End');
    await expect.poll(() => hashParam(page, 'order')).toBe('custom');
    await tabTo(page, '.step-view.painting');
    for (const key of ['ArrowRight', 'Enter', 'ArrowDown', 'Enter', 'ArrowRight', 'Enter']) await page.keyboard.press(key);
    await expect.poll(() => hashParam(page, 'cells')).toBe('1.9.a'); // cells 1, 9 and 10, in base 36
    expect(await page.getAttribute('.step-view.painting', 'aria-label')).toMatch(/3 cells painted/);
    await page.keyboard.press('Backspace');
    await expect.poll(() => hashParam(page, 'cells')).toBe('1.9');

    // The schedule editor: choose "Custom" in the schedule list, Tab to a control point, move it with arrows.
    await tabTo(page, '[data-testid="schedule-select"]');
    await page.keyboard.press('Home');
    await expect.poll(() => hashParam(page, 'sched')).toBe('ddpm-linear');
    await page.keyboard.press('End');
    await expect.poll(() => hashParam(page, 'sched')).toBe('custom');
    const points = page.getByRole('slider', { name: /^Control point/ });
    const third = points.nth(2);
    const name = await third.getAttribute('aria-label');
    await tabTo(page, `.schedule-editor circle[aria-label="${name}"]`);
    const before = Number(await third.getAttribute('aria-valuenow'));
    const t = Number(await third.getAttribute('aria-label').then((l) => /t = ([\d.]+)/.exec(l ?? '')?.[1]));
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
    await expect.poll(async () => Number(await points.nth(2).getAttribute('aria-valuenow'))).toBe(Math.min(before + 2, Number(await points.nth(1).getAttribute('aria-valuenow'))));
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => points.nth(2).getAttribute('aria-label')).toBe(`Control point 3 at t = ${Number((t + 0.01).toFixed(3))}`);
    await expect.poll(() => hashParam(page, 'pts')).not.toBeNull();
    // Each point shows its focus ring.
    expect(await page.evaluate(() => {
      const cs = getComputedStyle(document.activeElement!);
      return document.activeElement!.matches(':focus-visible') && cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    })).toBe(true);
  }, 120_000);
});
