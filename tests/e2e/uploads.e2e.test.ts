// Unusual and hostile image files, uploaded, pasted and dropped in a real Chromium against the production build: the odd
// but valid ones load (the first frame of an animation), the others are refused with a message naming the limit,
// and a refused file leaves the previous image on screen.
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { addPngTextChunk } from '../../src/core/png';
import { STATE_KEYWORD } from '../../src/ui/export/exportPng';
import { animatedGif, cmykJpeg, png, solid } from '../imageFixtures';
import { browserSession, canvasPixels, openPage } from './pageHelpers';

const baseUrl = inject('baseUrl');
const session = browserSession();
let page: Page;

const ORIGINAL = 'canvas-depth-original';

beforeEach(async () => {
  page = await openPage(session.context, baseUrl, session.errors, '[data-testid="figure-depth-psnr"] svg .highlight');
});

async function upload(name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await page.setInputFiles('[data-testid="file-input"]', { name, mimeType, buffer });
}

/**
 * Pastes or drops a PNG file onto the page holding `bytes`, or `zeros` zero bytes made in the page (so that a
 * large file is not sent over from the test).
 */
function handOver(how: 'paste' | 'drop', name: string, bytes: Uint8Array | { zeros: number }): Promise<void> {
  const content = bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64') : bytes.zeros;
  return page.evaluate(([event, fileName, data]) => {
    const body = typeof data === 'number' ? new Uint8Array(data) : Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([body], fileName, { type: 'image/png' }));
    const init = { bubbles: true, cancelable: true };
    window.dispatchEvent(event === 'paste' ? new ClipboardEvent('paste', { ...init, clipboardData: dt }) : new DragEvent('drop', { ...init, dataTransfer: dt }));
  }, [how, name, content] as const);
}

/** The image shows `name` once it is the working image and the original is drawn. */
async function loaded(name: string): Promise<void> {
  await expect.poll(() => page.textContent('[data-testid="credit"]'), { timeout: 30_000 }).toContain(`“${name}”`);
  await page.waitForFunction(() => !document.querySelector('[data-testid="credit"]')?.textContent?.startsWith('Loading'));
}

/** The colour at the centre of the original image's canvas, as [r, g, b]. */
function centreColour(): Promise<number[]> {
  return page.$eval(`[data-testid="${ORIGINAL}"]`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    return [...ctx.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data.slice(0, 3)];
  });
}

async function waitColour(rgb: number[]): Promise<void> {
  await expect.poll(async () => (await centreColour()).map((v, i) => Math.abs(v - rgb[i]) <= 2).every(Boolean), { timeout: 30_000 }).toBe(true);
}

/** An error notice appears that matches `pattern`, and the original image is still `before`. */
async function refused(pattern: RegExp, before: string): Promise<void> {
  await expect.poll(() => page.textContent('[data-testid="notice-error"] span').catch(() => ''), { timeout: 30_000 }).toMatch(pattern);
  expect(await page.textContent('[data-testid="notice-error"] span')).toMatch(/The previous image is still shown\.$/);
  expect(await canvasPixels(page, ORIGINAL)).toBe(before);
}

describe('uploads in a real browser', () => {
  it('loads a 1 × 1 image, a 1 × 4000 strip (its centre pixel), a 16-bit PNG and the first frame of an animated GIF', async () => {
    await upload('dot.png', 'image/png', png({ width: 1, height: 1, row: solid(1, [255, 0, 0]) }));
    await loaded('dot.png');
    await waitColour([255, 0, 0]);

    // The square centre crop of a 1 × 4000 strip is its middle pixel (row 1999), green; the ends are blue.
    await upload('strip.png', 'image/png', png({ width: 1, height: 4000, row: (y) => (y === 1999 ? [0, 255, 0] : [0, 0, 255]) }));
    await loaded('strip.png');
    await waitColour([0, 255, 0]);

    await upload('deep.png', 'image/png', png({ width: 2, height: 2, bitDepth: 16, row: solid(2, [0xffff, 0x8080, 0]) }));
    await loaded('deep.png');
    await waitColour([255, 128, 0]);

    await upload('blink.gif', 'image/gif', animatedGif());
    await loaded('blink.gif');
    await waitColour([255, 0, 0]);
  });

  it('loads a CMYK JPEG', async () => {
    const before = await canvasPixels(page, ORIGINAL);
    await upload('print.jpg', 'image/jpeg', cmykJpeg());
    await loaded('print.jpg');
    const [r, g, b] = await centreColour();
    // Every ink at the same level is a grey.
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThanOrEqual(2);
    expect(await canvasPixels(page, ORIGINAL)).not.toBe(before);
  });

  it('refuses a PNG whose header claims 30000 × 30000 pixels, and one whose pixels stop short of its header, keeping the image', async () => {
    const before = await canvasPixels(page, ORIGINAL);
    await upload('liar.png', 'image/png', png({ width: 1, height: 1, row: solid(1, [9, 9, 9]), declared: { width: 30_000, height: 30_000 } }));
    await refused(/“liar\.png” was not loaded\. This image is 30000×30000 \(900\.0 megapixels\); the limit is 50 megapixels\./, before);
    await page.click('[data-testid="notice-error"] button[aria-label="Dismiss message"]');

    await upload('short.png', 'image/png', png({ width: 64, height: 1, row: solid(64, [9, 9, 9]), declared: { width: 64, height: 64 } }));
    await refused(/“short\.png” was not loaded\. .*(could not decode|damaged)/, before);
  });

  it('refuses a pasted clipboard image over 50 MB by its size, and a pasted 20000 × 20000 screenshot by its pixels', async () => {
    const before = await canvasPixels(page, ORIGINAL);
    await handOver('paste', 'image.png', { zeros: 60 * 2 ** 20 });
    await refused(/“image\.png” was not loaded\. It is 60\.0 MB; the limit is 50 MB\./, before);
    await page.click('[data-testid="notice-error"] button[aria-label="Dismiss message"]');

    const huge = png({ width: 1, height: 1, row: solid(1, [0, 0, 0]), declared: { width: 20_000, height: 20_000 } });
    await handOver('paste', 'screenshot.png', huge);
    await refused(/“screenshot\.png” was not loaded\. This image is 20000×20000 \(400\.0 megapixels\); the limit is 50 megapixels\./, before);
  });

  it('explains a dropped PNG whose saved view is damaged or from a newer version, keeping the view, and offers the picture instead', async () => {
    const bits = () => page.$eval('[data-testid="bits-slider"]', (i) => (i as HTMLInputElement).value);
    const before = await bits();
    const picture = new Uint8Array(png({ width: 2, height: 2, row: solid(2, [200, 30, 30]) }));

    const damaged = addPngTextChunk(picture, STATE_KEYWORD, 'v=1&bits=2');
    damaged[8 + 25 + 8 + STATE_KEYWORD.length + 3] ^= 0x20; // one byte of the saved view: its checksum no longer matches
    await handOver('drop', 'damaged.png', damaged);
    await expect.poll(() => page.textContent('[data-testid="notice-error"] span').catch(() => '')).toBe(
      'The view saved in “damaged.png” is damaged (its text chunk is cut short or fails its checksum) and was not restored; the current view is kept.');
    expect(await bits()).toBe(before);
    await page.click('[data-testid="notice-error"] button[aria-label="Dismiss message"]');

    await handOver('drop', 'later.png', addPngTextChunk(picture, STATE_KEYWORD, 'v=2&bits=2'));
    await expect.poll(() => page.textContent('[data-testid="notice-error"] span').catch(() => '')).toBe(
      'The view saved in “later.png” was made by a newer version of the app (v=2), which this version cannot read; the current view is kept.');
    expect(await bits()).toBe(before);
    await page.click('[data-testid="notice-error"] >> text=Use this picture as the image instead');
    await loaded('later.png');
    await waitColour([200, 30, 30]);
  });
});
