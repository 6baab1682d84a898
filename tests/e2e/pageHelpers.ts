// What the end-to-end tests share: one browser per file with a fresh context per test whose console errors fail
// the test, opening the app, and what they read off a page (a canvas's pixels, axe-core's accessibility verdict).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { launch } from './chromium';

const require = createRequire(import.meta.url);

/** A fingerprint of what a canvas shows. */
export function canvasPixels(p: Page, testId: string): Promise<string> {
  return p.$eval(`[data-testid="${testId}"]`, (c) => (c as HTMLCanvasElement).toDataURL());
}

/** axe-core's serious and critical violations in `selector` (the whole page when omitted). */
export async function axeViolations(p: Page, selector?: string): Promise<string[]> {
  // Evaluated, not added as a script tag: the page's Content-Security-Policy refuses inline scripts it has no hash for.
  await p.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return p.evaluate(async (sel) => {
    type Result = { violations: { id: string; impact: string; nodes: unknown[] }[] };
    const axe = (window as unknown as { axe: { run(el?: Element): Promise<Result> } }).axe;
    const r = await (sel ? axe.run(document.querySelector(sel)!) : axe.run());
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
  }, selector ?? null);
}

/** Every panel has mounted (the Patch and Diffusion panels load after the first one; until then they are busy). */
export async function waitAllPanels(p: Page): Promise<void> {
  await p.waitForSelector('[data-testid="panel-patch"]:not([aria-busy]), [data-testid="panel-diffusion"]:not([aria-busy])', { timeout: 30_000 });
  await p.waitForFunction(() => document.querySelectorAll('[data-testid^="panel-"][aria-busy="true"]').length === 0, null, { timeout: 30_000 });
}

/**
 * Opens `url` in a new page of `context`, collecting its console errors and uncaught exceptions into `errors`,
 * and waits until the working image is in (the credit line no longer says "Loading") and `ready` is drawn.
 */
export async function openPage(context: BrowserContext, url: string, errors: string[], ready: string): Promise<Page> {
  const p = await context.newPage();
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(url);
  await p.waitForFunction(() => !document.querySelector('[data-testid="credit"]')?.textContent?.startsWith('Loading'), null, { timeout: 30_000 });
  await p.waitForSelector(ready, { timeout: 30_000 });
  return p;
}

/** The browser of a test file and the context of the running test, with the console errors its pages collect. */
export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly errors: string[];
}

/**
 * Registers the hooks every e2e file shares: one Chromium for the file; per test, a new context (downloads on,
 * 1400 × 1000) made ready by `prepare`, closed after the test, which fails if its pages logged console errors.
 */
export function browserSession(prepare?: (context: BrowserContext) => Promise<void>): BrowserSession {
  let browser: Browser;
  let context: BrowserContext;
  let errors: string[] = [];
  beforeAll(async () => {
    ({ browser } = await launch());
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    errors = [];
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
    await prepare?.(context);
  });
  afterEach(async () => {
    await context?.close();
    expect(errors, 'console errors').toEqual([]);
  });
  return {
    get browser() { return browser; },
    get context() { return context; },
    get errors() { return errors; },
  };
}

/** The model worker's tensors and their megabytes, as the header's "Tensors in memory" readout shows them. */
export type Memory = { tensors: number; bytes: string };

export async function readMemory(page: Page): Promise<Memory> {
  const checks = await page.$eval('[data-testid="tensor-memory"]', (e) => Number(e.getAttribute('data-checks'))).catch(() => 0);
  await page.click('[data-testid="tensor-memory-check"]');
  const answer = await page.waitForSelector(`[data-testid="tensor-memory"][data-checks="${checks + 1}"]`, { timeout: 60_000 });
  const text = (await answer.textContent()) ?? '';
  const m = /^(\d+) tensors, ([\d.]+) MB$/.exec(text);
  if (!m) throw new Error(`unexpected memory readout: ${text}`);
  return { tensors: Number(m[1]), bytes: m[2] };
}

/** The model worker's memory once it stops changing (work still in flight holds intermediate tensors). */
export async function settledMemory(page: Page): Promise<Memory> {
  let last = await readMemory(page);
  for (let i = 0; i < 60; i++) {
    await page.waitForTimeout(500);
    const now = await readMemory(page);
    if (now.tensors === last.tensors && now.bytes === last.bytes) return now;
    last = now;
  }
  throw new Error('the tensor count did not settle within 30 s');
}
