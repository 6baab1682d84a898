// What a person does with the app, in a real Chromium against the production build.
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { readPngSize, readPngTextChunks } from '../../src/core/png';
import { axeViolations, browserSession, canvasPixels, openPage, waitAllPanels } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession((c) => c.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin }));
let page: Page;

async function openApp(hash = ''): Promise<Page> {
  const p = await openPage(session.context, `${baseUrl}${hash}`, session.errors, '[data-testid="figure-depth-psnr"] svg .highlight');
  await waitAllPanels(p);
  return p;
}

/** The working image and the bit-plane charts are drawn. */
async function waitReady(p: Page): Promise<void> {
  await p.waitForSelector('[data-testid="figure-depth-psnr"] svg circle.highlight, [data-testid="figure-depth-psnr"] svg .highlight', { timeout: 30_000 });
  await p.waitForFunction(() => !document.querySelector('[data-testid="credit"]')?.textContent?.startsWith('Loading'));
  await waitAllPanels(p);
}

function highlightX(p: Page): Promise<string | null> {
  return p.$eval('[data-testid="figure-depth-psnr"] svg .highlight', (el) => el.getAttribute('data-x'));
}

beforeEach(async () => {
  page = await openApp();
});

describe('the app in a real browser', () => {
  it('is served with a Content-Security-Policy that allows no other origin, no plugins and no eval but WebAssembly’s, and breaks nothing', async () => {
    const html = readFileSync(new URL('../../dist/index.html', import.meta.url), 'utf8');
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directive = (name: string) => policy.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
    expect(directive('connect-src')).toBe("connect-src 'self'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('script-src')).not.toMatch(/'unsafe-eval'|'unsafe-inline'|https?:/);
    expect(directive('script-src')).toContain("'wasm-unsafe-eval'");
    // Every inline script of the page is allowed by its hash (a violation would be a console error, failing the test).
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    expect(inline.length).toBeGreaterThan(0);
    const p = await openPage(session.context, baseUrl, session.errors, '[data-testid="panel-depth"]');
    const violations = await p.evaluate(() => new Promise<number>((resolve) => {
      let n = 0;
      document.addEventListener('securitypolicyviolation', () => n++);
      setTimeout(() => resolve(n), 500);
    }));
    expect(violations).toBe(0);
    await p.close();
  });

  it('starts the analysis worker from the page as it parses, and the app takes that worker over', async () => {
    // The worker's thread start and module load then overlap the app's download instead of following it.
    const html = readFileSync(new URL('../../dist/index.html', import.meta.url), 'utf8');
    const file = /<script>[^<]*new Worker\("\.\/assets\/(analysis\.worker-[\w-]+\.js)"/.exec(html)?.[1];
    expect(file).toBeDefined();
    // The very file the app would start itself (it names it in one of its chunks).
    const chunks = readdirSync(new URL('../../dist/assets/', import.meta.url)).filter((f) => f.endsWith('.js') && f !== file);
    expect(chunks.some((f) => readFileSync(new URL(`../../dist/assets/${f}`, import.meta.url), 'utf8').includes(file!))).toBe(true);
    // Taken over by the compute client, not left beside a second one.
    await expect(page.evaluate(() => '__analysisWorker' in window)).resolves.toBe(false);
  });

  it('loads with the three panels, a credit line and an active compute backend', async () => {
    for (const id of ['patch', 'depth', 'diffusion']) await expect(page.isVisible(`[data-testid="panel-${id}"]`)).resolves.toBe(true);
    await expect(page.textContent('[data-testid="credit"]')).resolves.toMatch(/NASA|public domain/i);
    await page.waitForFunction(() => (document.querySelector('[data-testid="backend-select"]') as HTMLSelectElement)?.value !== '', null, { timeout: 30_000 });
    const active = await page.$eval('[data-testid="backend-select"]', (s) => (s as HTMLSelectElement).value);
    expect(['wasm', 'webgl', 'webgpu', 'cpu']).toContain(active);
    await expect(page.textContent('[data-testid="backend-reason"]')).resolves.not.toBe('');
    // This Chromium offers WebGL2 (SwiftShader): the model worker's probe, run on a thread of its own, found it.
    await expect(page.$eval('[data-testid="backend-select"] option[value="webgl"]', (o) => (o as HTMLOptionElement).disabled)).resolves.toBe(false);
  });

  it('is cross-origin isolated, so wasm may share memory with threads, and says how many threads it computes with', async () => {
    await expect(page.evaluate(() => crossOriginIsolated)).resolves.toBe(true);
    await page.waitForFunction(() => (document.querySelector('[data-testid="backend-select"]') as HTMLSelectElement)?.value !== '', null, { timeout: 30_000 });
    const active = await page.$eval('[data-testid="backend-select"]', (s) => (s as HTMLSelectElement).value);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const reason = await page.textContent('[data-testid="backend-reason"]');
    if (active === 'wasm') {
      const threads = Number(/(\d+) threads?/.exec(reason ?? '')?.[1]);
      // tfjs's multi-threaded build computes with one thread per two logical cores (at most 8).
      expect(threads).toBe(cores >= 4 ? Math.min(8, Math.floor(cores / 2)) : 1);
    }
  });

  it('plays the patch order smoothly, or in a few jumps a second apart when the user asks for reduced motion', async () => {
    /** The step values drawn during 2.5 s of play (sampled every frame in the page), then pauses and rewinds. */
    const stepsSeen = async (): Promise<number[]> => {
      await page.click('[data-testid="play"]');
      const seen = await page.evaluate(() => new Promise<number[]>((resolve) => {
        const values = new Set<number>();
        const end = performance.now() + 2500;
        const tick = () => {
          values.add(Number((document.querySelector('[data-testid="step-slider"]') as HTMLInputElement).value));
          if (performance.now() < end) requestAnimationFrame(tick);
          else resolve([...values].sort((a, b) => a - b));
        };
        tick();
      }));
      if ((await page.textContent('[data-testid="play"]')) === 'Pause') await page.click('[data-testid="play"]');
      await page.$eval('[data-testid="step-slider"]', (el) => {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, '0');
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      return seen;
    };
    const total = Number(await page.$eval('[data-testid="step-slider"]', (el) => (el as HTMLInputElement).max)) + 1;
    const smooth = await stepsSeen();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const reduced = await stepsSeen();
    expect(smooth.length).toBeGreaterThan(10);
    // One jump a second, each an eighth of the order: the start and at most three more values in 2.5 s.
    expect(reduced.length).toBeLessThanOrEqual(4);
    expect(reduced.length).toBeGreaterThan(1);
    for (let i = 1; i < reduced.length; i++) expect(reduced[i] - reduced[i - 1]).toBeGreaterThanOrEqual(Math.floor(total / 8));
  });

  it('shows other pixels when another sample is chosen', async () => {
    const before = await canvasPixels(page, 'canvas-depth-original');
    await page.selectOption('[data-testid="sample-select"]', 'checkerboard');
    await page.waitForFunction(() => location.hash.includes('img=checkerboard'));
    await waitReady(page);
    await expect.poll(() => canvasPixels(page, 'canvas-depth-original')).not.toBe(before);
    await expect(page.textContent('[data-testid="credit"]')).resolves.toMatch(/CC0/);
  });

  it('changes the image and the highlighted chart point when the bit slider moves by keyboard', async () => {
    const recon = await canvasPixels(page, 'canvas-depth-recon');
    expect(await highlightX(page)).toBe('4');
    await page.focus('[data-testid="bits-slider"]');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => highlightX(page)).toBe('2');
    await expect(page.textContent('[data-testid="bits-slider-value"]')).resolves.toMatch(/^2 /);
    expect(await canvasPixels(page, 'canvas-depth-recon')).not.toBe(recon);
    await expect.poll(() => new URL(page.url()).hash).toContain('bits=2');
  });

  it('uses an uploaded image and refuses a text file renamed .png, keeping the old image', async () => {
    const before = await canvasPixels(page, 'canvas-depth-original');
    await page.setInputFiles('[data-testid="file-input"]', { name: 'board.png', mimeType: 'image/png', buffer: readFileSync('public/samples/checkerboard.png') });
    await expect.poll(() => page.textContent('[data-testid="credit"]')).toMatch(/board\.png/);
    await waitReady(page);
    const uploaded = await canvasPixels(page, 'canvas-depth-original');
    expect(uploaded).not.toBe(before);
    await expect.poll(() => new URL(page.url()).hash).toContain('img=upload');

    await page.setInputFiles('[data-testid="file-input"]', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are my notes, not a picture\n') });
    const error = await page.waitForSelector('[data-testid="notice-error"]');
    expect(await error.textContent()).toMatch(/notes\.png.*not an image/);
    expect(await canvasPixels(page, 'canvas-depth-original')).toBe(uploaded);
    await page.click('[data-testid="notice-error"] button[aria-label="Dismiss message"]');
    await expect.poll(() => page.$('[data-testid="notice-error"]')).toBeNull();

    await page.setInputFiles('[data-testid="file-input"]', { name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
    await expect.poll(() => page.textContent('[data-testid="notice-error"]')).toMatch(/empty/);
    expect(await canvasPixels(page, 'canvas-depth-original')).toBe(uploaded);
  });

  it('explains a damaged PNG the browser cannot decode, and takes a pasted image', async () => {
    const good = readFileSync('public/samples/gradient.png');
    // Keep the header and the end marker but scramble the compressed pixels: it sniffs as a PNG and fails to decode.
    const bad = Buffer.from(good);
    for (let i = 60; i < bad.length - 20; i++) bad[i] = (bad[i] * 31 + 7) & 255;
    const before = await canvasPixels(page, 'canvas-depth-original');
    await page.setInputFiles('[data-testid="file-input"]', { name: 'broken.png', mimeType: 'image/png', buffer: bad });
    await expect.poll(() => page.textContent('[data-testid="notice-error"]')).toMatch(/broken\.png.*could not decode/);
    expect(await canvasPixels(page, 'canvas-depth-original')).toBe(before);

    await page.evaluate(async (data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, good.toString('base64'));
    await expect.poll(() => page.textContent('[data-testid="credit"]')).toMatch(/pasted\.png/);
    await waitReady(page);
    expect(await canvasPixels(page, 'canvas-depth-original')).not.toBe(before);

    await page.click('[data-testid="copy-link"]');
    await expect.poll(() => page.textContent('.notices')).toMatch(/cannot travel in a link/);
  });

  it('switches the compute backend on request and says which one is active', async () => {
    await page.waitForFunction(() => !(document.querySelector('[data-testid="backend-select"]') as HTMLSelectElement).disabled, null, { timeout: 30_000 });
    await page.selectOption('[data-testid="backend-select"]', 'cpu');
    await expect.poll(() => page.$eval('[data-testid="backend-select"]', (s) => (s as HTMLSelectElement).value), { timeout: 30_000 }).toBe('cpu');
    await expect(page.textContent('[data-testid="backend-reason"]')).resolves.toMatch(/./);
  });

  it('draws a 512² image figure with the pixels it is shown with, each the image pixel under its centre, and exports the whole image', async () => {
    const big = await openApp('#v=1&img=astronaut&size=512');
    const id = 'canvas-depth-original';
    const shown = await big.$eval(`[data-testid="${id}"]`, (c) => {
      const canvas = c as HTMLCanvasElement;
      return { width: canvas.width, height: canvas.height, expected: Math.ceil(canvas.clientWidth * devicePixelRatio) };
    });
    expect(shown.width).toBeLessThan(512);
    expect(shown).toMatchObject({ width: shown.expected, height: shown.expected });
    const [download] = await Promise.all([big.waitForEvent('download'), big.click('[data-testid="export-png-depth-original"]')]);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(readPngSize(bytes)).toEqual({ width: 512, height: 512 });
    // Every canvas pixel is the exported (full) image's pixel under the canvas pixel's centre.
    const mismatches = await big.evaluate(async ({ b64, id }) => {
      const blob = new Blob([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], { type: 'image/png' });
      const bmp = await createImageBitmap(blob);
      const full = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
      full.drawImage(bmp, 0, 0);
      const src = full.getImageData(0, 0, bmp.width, bmp.height).data;
      const canvas = document.querySelector(`[data-testid="${id}"]`) as HTMLCanvasElement;
      const { width, height } = canvas;
      const out = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      let bad = 0;
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
        const s = (Math.floor(((y + 0.5) * bmp.height) / height) * bmp.width + Math.floor(((x + 0.5) * bmp.width) / width)) * 4;
        const d = (y * width + x) * 4;
        for (let c = 0; c < 3; c++) if (src[s + c] !== out[d + c]) bad++;
      }
      return bad;
    }, { b64: Buffer.from(bytes).toString('base64'), id });
    expect(mismatches).toBe(0);
    // Shown at another size (a phone-width window), it is drawn again at that size.
    await big.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => big.$eval(`[data-testid="${id}"]`, (c) => {
      const canvas = c as HTMLCanvasElement;
      return canvas.width === Math.ceil(canvas.clientWidth * devicePixelRatio) && canvas.width !== 0;
    })).toBe(true);
    expect(await big.$eval(`[data-testid="${id}"]`, (c) => (c as HTMLCanvasElement).width)).not.toBe(shown.width);
    await big.close();
  });

  it('exports a PNG download that decodes, has twice the display size and carries the view state', async () => {
    await page.focus('[data-testid="bits-slider"]');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => highlightX(page)).toBe('5');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-depth-recon"]')]);
    expect(download.suggestedFilename()).toMatch(/^depth-bitplanes-recon.*bits-5.*\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(readPngSize(bytes)).toEqual({ width: 512, height: 512 });
    const state = readPngTextChunks(bytes)['decomposition-explorer'];
    expect(state).toContain('v=1');
    expect(state).toContain('bits=5');
    const decoded = await page.evaluate(async (b64) => {
      // Built from the bytes, not fetched from a data: URL: the page's policy allows connections to itself only.
      const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' });
      const bmp = await createImageBitmap(blob);
      return [bmp.width, bmp.height];
    }, Buffer.from(bytes).toString('base64'));
    expect(decoded).toEqual([512, 512]);

    const [chart] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-depth-psnr"]')]);
    const chartBytes = new Uint8Array(readFileSync(await chart.path()));
    expect(readPngSize(chartBytes).width).toBeGreaterThanOrEqual(700); // a 360-px-wide chart at 2×
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-svg-depth-psnr"]')]);
    const svgText = readFileSync(await svg.path(), 'utf8');
    expect(svgText).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*PSNR \(dB\)/);
    expect(svgText).toMatch(/<metadata[^>]*>v=1&amp;[^<]*bits=5/);
  });

  it('exports all panels as one captioned PNG', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-all"]')]);
    expect(download.suggestedFilename()).toMatch(/^all-panels.*\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    const { width, height } = readPngSize(bytes);
    expect(width).toBeGreaterThan(1000);
    expect(height).toBeGreaterThan(500);
    expect(readPngTextChunks(bytes)['decomposition-explorer']).toContain('v=1');
  });

  it('restores the same view from a copied link in a fresh page', async () => {
    await page.selectOption('[data-testid="sample-select"]', 'coffee');
    await page.selectOption('[data-testid="size-select"]', '64');
    await page.focus('[data-testid="bits-slider"]');
    await page.keyboard.press('End');
    await expect.poll(() => highlightX(page)).toBe('8');
    await page.click('[data-testid="copy-link"]');
    await page.waitForSelector('[data-testid="notice-info"]');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toContain('bits=8');

    const fresh = await session.browser.newContext();
    const other = await fresh.newPage();
    await other.goto(link);
    await waitReady(other);
    expect(await other.$eval('[data-testid="bits-slider"]', (i) => (i as HTMLInputElement).value)).toBe('8');
    expect(await other.$eval('[data-testid="sample-select"]', (s) => (s as HTMLSelectElement).value)).toBe('coffee');
    expect(await other.$eval('[data-testid="size-select"]', (s) => (s as HTMLSelectElement).value)).toBe('64');
    expect(await other.$eval('[data-testid="canvas-depth-original"]', (c) => (c as HTMLCanvasElement).width)).toBe(64);
    await fresh.close();
  });

  it('steps back and forward through views with the browser history', async () => {
    await page.focus('[data-testid="bits-slider"]');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.url()).toContain('bits=5');
    await page.waitForTimeout(800); // a new gesture, so a new history entry
    await page.selectOption('[data-testid="sample-select"]', 'cat');
    await expect.poll(() => page.url()).toContain('img=cat');
    await page.goBack();
    await expect.poll(() => page.$eval('[data-testid="sample-select"]', (s) => (s as HTMLSelectElement).value)).toBe('astronaut');
    expect(await page.$eval('[data-testid="bits-slider"]', (i) => (i as HTMLInputElement).value)).toBe('5');
    await page.goForward();
    await expect.poll(() => page.$eval('[data-testid="sample-select"]', (s) => (s as HTMLSelectElement).value)).toBe('cat');
  });

  it('falls back to the default view with a notice for a link from a future version', async () => {
    const other = await openApp('#v=7&bits=2');
    await expect(other.textContent('[data-testid="notice-info"]')).resolves.toMatch(/newer version/);
    expect(await other.$eval('[data-testid="bits-slider"]', (i) => (i as HTMLInputElement).value)).toBe('4');
  });

  it('restores the view saved in an exported PNG dropped onto the page', async () => {
    await page.focus('[data-testid="bits-slider"]');
    await page.keyboard.press('Home');
    await expect.poll(() => highlightX(page)).toBe('1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-depth-plane"]')]);
    const b64 = readFileSync(await download.path()).toString('base64');
    const other = await openApp('#v=1&bits=6');
    await other.evaluate(async (data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'exported.png', { type: 'image/png' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await expect.poll(() => other.$eval('[data-testid="bits-slider"]', (i) => (i as HTMLInputElement).value)).toBe('1');
    const notice = await other.waitForSelector('[data-testid="notice-info"] >> text=Use this picture');
    await notice.click();
    await expect.poll(() => other.textContent('[data-testid="credit"]')).toMatch(/exported\.png/);
  });

  it('keeps what is below each slider readout in place while the slider moves', async () => {
    // A readout reserves the height of its longest text: dragging never makes the figures below it jump.
    for (const [slider, readout, values] of [
      ['step-slider', 'patch-readout', [0, 7, 8, 15, 30, 63]],
      ['bits-slider', 'bits-readout', [1, 2, 4, 8]],
      ['t-slider', 'diffusion-readout', [0, 1, 250, 500, 999, 1000]],
    ] as const) {
      const tops = new Set<number>();
      for (const v of values) {
        const before = await page.textContent(`[data-testid="${readout}"]`);
        await page.$eval(`[data-testid="${slider}"]`, (el, value) => {
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, String(value));
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }, v);
        if (v !== values[0]) await expect.poll(() => page.textContent(`[data-testid="${readout}"]`)).not.toBe(before);
        tops.add(await page.$eval(`[data-testid="${readout}"]`, (el) => el.parentElement!.nextElementSibling!.getBoundingClientRect().top));
      }
      expect([...tops], slider).toHaveLength(1);
    }
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('the Patch-order panel', () => {
  it('redraws the step view and its chart when the ordering and the step change, and exports the per-step chart', async () => {
    await page.waitForSelector('[data-testid="figure-patch-per-step"] svg .highlight');
    const before = await canvasPixels(page, 'canvas-patch-step');
    await page.focus('[data-testid="step-slider"]');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.$eval('[data-testid="figure-patch-per-step"] svg .highlight', (el) => el.getAttribute('data-x'))).toBe('21');
    expect(await canvasPixels(page, 'canvas-patch-step')).not.toBe(before);

    const rasterBreaks = await page.$$eval('[data-testid="figure-patch-per-step"] svg line.marker', (l) => l.length);
    expect(rasterBreaks).toBe(7); // an 8×8 grid: one jump at each of the 7 row ends
    await page.selectOption('[data-testid="ordering-select"]', 'hilbert');
    await expect.poll(() => page.$$eval('[data-testid="figure-patch-per-step"] svg line.marker', (l) => l.length)).toBe(0);
    await expect.poll(() => new URL(page.url()).hash).toContain('order=hilbert');
    await expect(page.textContent('[data-testid="patch-summary"]')).resolves.toMatch(/hilbert/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-patch-per-step"]')]);
    expect(download.suggestedFilename()).toMatch(/^patch-per-step.*order-hilbert.*\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(readPngTextChunks(bytes)['decomposition-explorer']).toContain('order=hilbert');
  });

  it('shows the same step numbers after jumps of the step, and on a grid left and come back to, as a fresh drawing at that step', async () => {
    // A move redraws only the cells whose shade changed, copied from sprites of every number in both shades.
    const nums = 'canvas-patch-step-numbers';
    await page.waitForSelector(`[data-testid="${nums}"]`);
    await page.focus('[data-testid="step-slider"]');
    for (const key of ['End', 'Home', 'PageUp', 'ArrowRight', 'End', 'PageDown', 'PageDown', 'ArrowLeft']) await page.keyboard.press(key);
    const step = await page.$eval('[data-testid="step-slider"]', (el) => (el as HTMLInputElement).value);
    expect(Number(step)).toBeGreaterThan(0);
    await expect.poll(() => new URL(page.url()).hash).toContain(`step=${step}`);
    const moved = await canvasPixels(page, nums);
    const fresh = await openApp(new URL(page.url()).hash);
    await fresh.waitForSelector(`[data-testid="${nums}"]`);
    expect(await canvasPixels(fresh, nums)).toBe(moved);

    // A grid left and come back to is copied from its last full drawing (here at that step), then the cells whose
    // step changed since (the step starts again at 0 on another patch size) are drawn again.
    const patchOf = () => /[#&]patch=(\d+)/.exec(new URL(fresh.url()).hash)?.[1];
    const patch = patchOf();
    await fresh.focus('[data-testid="patch-size-slider"]');
    await fresh.keyboard.press(patch === '32' ? 'ArrowLeft' : 'ArrowRight');
    await expect.poll(patchOf).not.toBe(patch);
    await fresh.keyboard.press(patch === '32' ? 'ArrowRight' : 'ArrowLeft');
    await expect.poll(patchOf).toBe(patch);
    await fresh.focus('[data-testid="step-slider"]');
    for (const key of ['ArrowRight', 'ArrowRight']) await fresh.keyboard.press(key);
    await expect.poll(() => new URL(fresh.url()).hash).toMatch(/[#&]step=2(&|$)/);
    const back = await canvasPixels(fresh, nums);
    expect(back).not.toBe(moved);
    const again = await openApp(new URL(fresh.url()).hash);
    await again.waitForSelector(`[data-testid="${nums}"]`);
    expect(await canvasPixels(again, nums)).toBe(back);
    await Promise.all([fresh.close(), again.close()]);
  });

  it('lets the user paint a custom order with the keyboard', async () => {
    await page.selectOption('[data-testid="ordering-select"]', 'custom');
    await page.focus('.step-view');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain('cells=1.9');
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.url()).not.toContain('cells=1.9');
  });
});

describe('the Patch-order model', () => {
  it('loads the raster model, shows its loss per patch and per step, predicts, samples, and trains with pause', async () => {
    const model = '[data-testid="patch-model"]';
    await page.click('[data-testid="model-load"]');
    await page.waitForSelector('[data-testid="canvas-patch-model-heatmap"]', { timeout: 30_000 });
    await expect(page.textContent('[data-testid="model-readout"]')).resolves.toMatch(/shipped pretrained weights.*Held-out MSE \d\.\d+/s);
    // The heat map carries its numbers; the per-step chart has the model and the three baselines, the step marked.
    expect(await page.getAttribute('[data-testid="canvas-patch-model-heatmap"]', 'title')).toMatch(/^row 1: \d\.\d+(e-\d+)? \(step 0\)/);
    await page.waitForSelector('[data-testid="figure-patch-model-per-step"] svg .highlight[data-x="24"]');
    expect(await page.$$eval('[data-testid="figure-patch-model-per-step"] svg g.series', (g) => g.map((e) => e.getAttribute('data-series')))).toEqual(['model', 'copy', 'mean', 'linear']);
    await expect(page.textContent('[data-testid="figure-patch-model-per-step"] svg desc')).resolves.toMatch(/transformer \(mean \d\.\d+\)/);

    await page.waitForSelector('[data-testid="model-prediction-readout"]');
    const before = await canvasPixels(page, 'canvas-patch-model-prediction');
    await page.focus('[data-testid="model-step-slider"]');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.$eval('[data-testid="figure-patch-model-per-step"] svg .highlight', (el) => el.getAttribute('data-x'))).toBe('25');
    await expect.poll(() => canvasPixels(page, 'canvas-patch-model-prediction')).not.toBe(before);
    await expect(page.textContent('[data-testid="model-prediction-readout"]')).resolves.toMatch(/^Step 25: .*MSE is \d/);

    await page.click('[data-testid="model-generate"]');
    await page.waitForFunction(() => /Generated \(sample \d+\)/.test(document.querySelector('[data-testid="figure-patch-model-generated"]')?.textContent ?? ''), null, { timeout: 30_000 });
    const lit = await page.$eval('[data-testid="canvas-patch-model-generated"]', (c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] > 128) n++;
      return n / (px.length / 4);
    });
    expect(lit).toBeGreaterThan(0.01); // some ink, and not a blank or grey canvas
    expect(lit).toBeLessThan(0.9);

    await page.fill('[data-testid="model-train-steps"]', '40');
    await page.click('[data-testid="model-train"]');
    await page.waitForSelector('[data-testid="figure-patch-model-loss"] svg circle.point', { timeout: 30_000 });
    await page.click('[data-testid="model-pause"]');
    await expect.poll(() => page.textContent('[data-testid="model-train-readout"]'), { timeout: 30_000 }).toMatch(/^Step \d+, loss \d\.\d+.*steps\/s.*\(paused\)/);
    expect(await page.$$eval('[data-testid="figure-patch-model-loss"] svg circle.point', (c) => c.length)).toBeGreaterThanOrEqual(1);
    await expect(page.textContent('[data-testid="model-train"]')).resolves.toBe('Resume training');

    expect(await axeViolations(page, model)).toEqual([]);
  });

  it('trains a fresh model on 32×32 crops of the current image, with pause', async () => {
    await page.click('[data-testid="model-load"]');
    await page.selectOption('[data-testid="model-data"]', 'crops');
    await expect.poll(() => page.textContent('[data-testid="model-readout"]'), { timeout: 30_000 }).toMatch(/crop model.*Held-out MSE \d\.\d+/s);
    // An 8×8 grid of patches, the baselines scored on the same held-out crops.
    expect(await page.getAttribute('[data-testid="canvas-patch-model-heatmap"]', 'title')).toMatch(/^row 1: .*\nrow 8: /s);
    await expect(page.textContent('[data-testid="figure-patch-model-per-step"] svg desc')).resolves.toMatch(/on \d+ held-out crops/);
    await page.waitForSelector('[data-testid="model-prediction-readout"]');
    expect(await page.$('[data-testid="model-save"]')).toBeNull(); // crop models are not saved

    await page.fill('[data-testid="model-train-steps"]', '40');
    await page.click('[data-testid="model-train"]');
    await page.waitForSelector('[data-testid="figure-patch-model-loss"] svg circle.point', { timeout: 30_000 });
    await page.click('[data-testid="model-pause"]');
    await expect.poll(() => page.textContent('[data-testid="model-train-readout"]'), { timeout: 30_000 }).toMatch(/^Step \d+, loss \d\.\d+.*steps\/s.*\(paused\)/);
    await expect(page.textContent('[data-testid="model-train"]')).resolves.toBe('Resume training');
  });
});

describe('the Diffusion panel', () => {
  it('noises the image as t moves, follows the schedule, and exports the spectrum with the state', async () => {
    await page.waitForSelector('[data-testid="figure-diffusion-spectrum"] svg');
    const before = await canvasPixels(page, 'canvas-diffusion-xt');
    const readout = await page.textContent('[data-testid="diffusion-readout"]');
    await page.focus('[data-testid="t-slider"]');
    for (let i = 0; i < 5; i++) await page.keyboard.press('PageUp');
    await expect.poll(() => page.textContent('[data-testid="diffusion-readout"]')).not.toBe(readout);
    expect(await canvasPixels(page, 'canvas-diffusion-xt')).not.toBe(before);
    await expect.poll(() => new URL(page.url()).hash).toMatch(/[&#]t=(?!0\.500)\d/);

    await page.selectOption('[data-testid="schedule-select"]', 'rectified-flow');
    await page.selectOption('[data-testid="weighting-select"]', 'velocity-mse');
    // Velocity-MSE with uniform t on rectified flow has w = ½·e^{−λ/2}: non-increasing, so ELBO-equivalent.
    await expect.poll(() => page.textContent('[data-testid="elbo-badge"]')).toMatch(/^ELBO-equivalent/);
    await page.selectOption('[data-testid="weighting-select"]', 'edm');
    await expect.poll(() => page.textContent('[data-testid="elbo-badge"]')).toMatch(/^Not ELBO-equivalent/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-diffusion-spectrum"]')]);
    expect(download.suggestedFilename()).toMatch(/^diffusion-spectrum.*sched-rectified-flow.*\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(readPngTextChunks(bytes)['decomposition-explorer']).toContain('sched=rectified-flow');
  });

  it('edits a custom schedule with the keyboard, keeping λ(t) non-increasing', async () => {
    await page.selectOption('[data-testid="schedule-select"]', 'custom');
    const point = page.locator('.schedule-editor circle').nth(2);
    await point.focus();
    const before = Number(await point.getAttribute('aria-valuenow'));
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowUp');
    const after = Number(await point.getAttribute('aria-valuenow'));
    const previous = Number(await page.locator('.schedule-editor circle').nth(1).getAttribute('aria-valuenow'));
    expect(after).toBeGreaterThan(before);
    expect(after).toBeLessThanOrEqual(previous); // clamped by the point before it
    await expect.poll(() => new URL(page.url()).hash).toContain('pts=');
  });
});

describe('the Depth panel views', () => {
  it('switches between decompositions, steps through depth, and exports the rate–distortion chart', async () => {
    await page.waitForSelector('[data-testid="figure-depth-rd"] svg path.line', { timeout: 60_000 });
    for (const view of ['channels', 'scales', 'dct-block', 'dct-whole']) {
      await page.selectOption('[data-testid="depth-view-select"]', view);
      await page.waitForSelector('[data-testid="depth-readout"]', { timeout: 60_000 });
      await page.focus('[data-testid="depth-step-slider"]');
      await page.keyboard.press('Home');
      await expect.poll(() => page.textContent('[data-testid="depth-readout"]'), { timeout: 30_000 }).toMatch(/^After step 1:/);
      const first = await canvasPixels(page, 'canvas-depth-steps-recon');
      await page.keyboard.press('End');
      await expect.poll(() => page.textContent('[data-testid="depth-readout"]'), { timeout: 30_000 }).not.toMatch(/^After step 1:/);
      expect(await canvasPixels(page, 'canvas-depth-steps-recon')).not.toBe(first);
      await expect.poll(() => new URL(page.url()).hash).toContain(`dview=${view}`);
    }
    // Residual quantization: the codes of step d as a map over the patch grid (one pixel per 4×4 patch) and
    // codebook health (perplexity, dead codes).
    await page.selectOption('[data-testid="depth-view-select"]', 'rq');
    await expect.poll(() => page.textContent('[data-testid="depth-codebook-readout"]').catch(() => null), { timeout: 60_000 })
      .toMatch(/perplexity [\d.]+ of \d+ codewords, \d+ dead/);
    await page.waitForSelector('[data-testid="figure-depth-steps-usage"] svg rect', { timeout: 30_000 });
    const reconWidth = await page.$eval('[data-testid="canvas-depth-steps-recon"]', (c) => (c as HTMLCanvasElement).width);
    await expect.poll(() => page.$eval('[data-testid="canvas-depth-steps-codes"]', (c) => (c as HTMLCanvasElement).width), { timeout: 30_000 }).toBe(reconWidth / 4);
    // Y, Cb, Cr with all three channels is the image again (to rounding): high PSNR at the last step.
    await page.selectOption('[data-testid="depth-view-select"]', 'channels');
    await page.focus('[data-testid="depth-step-slider"]');
    await page.keyboard.press('End');
    await expect.poll(async () => Number((await page.textContent('[data-testid="depth-readout"]'))?.match(/PSNR ([\d.]+) dB/)?.[1] ?? 0)).toBeGreaterThan(40);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png-depth-rd"]')]);
    expect(download.suggestedFilename()).toMatch(/^depth-rate-distortion.*\.png$/);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(readPngTextChunks(bytes)['decomposition-explorer']).toContain('dview=channels');
  });
});
