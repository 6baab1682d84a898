// Takes the README screenshot (and any other view) from the running app:
//   node scripts/screenshot.mjs [url] [out.png] [width] [height] [viewport|full]
// Start the app first (npm start). Uses the same Chromium lookup as the e2e tests. COLOR_SCHEME=dark takes the
// dark scheme; RETURN_VISIT=1 opens the page once before, as a reader coming back sees it (the tour folded).
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

const [url = 'http://127.0.0.1:4173/', out = 'docs/screenshot.png', width = '1400', height = '1000', full = 'viewport'] = process.argv.slice(2);
const path = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
  ?? (await (await import('@sparticuz/chromium')).default.executablePath());
const browser = await chromium.launch({
  executablePath: path,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'],
});
const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) }, colorScheme: process.env.COLOR_SCHEME === 'dark' ? 'dark' : 'light' });
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[${m.type()}] ${m.text()}`); });
page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
if (process.env.RETURN_VISIT) {
  await page.goto(url);
  await page.waitForSelector('[data-testid="claims"]', { timeout: 60_000 });
}
await page.goto(url);
await page.waitForSelector('[data-testid="figure-depth-rd"] svg', { timeout: 60_000 });
await page.waitForTimeout(1500); // let the other panels' worker results arrive
await page.waitForFunction(() => !document.querySelector('[data-testid="backend-reason"]')?.textContent?.includes('Checking'), null, { timeout: 30_000 });
await page.screenshot({ path: out, fullPage: full === 'full' });
console.log(`wrote ${out}`);
await browser.close();
