// Finds a Chromium for the end-to-end tests without downloading one: an explicit path from the environment,
// then Debian's package, then the headless Chromium that ships inside the @sparticuz/chromium dev-dependency.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export interface FoundChromium {
  path: string;
  source: string;
  extraArgs: string[];
}

const SYSTEM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export async function findChromium(): Promise<FoundChromium> {
  const fromEnv = process.env.CHROMIUM_PATH ?? process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH points to ${fromEnv}, which does not exist`);
    return { path: fromEnv, source: 'the CHROMIUM_PATH environment variable', extraArgs: [] };
  }
  const system = SYSTEM_PATHS.find((p) => existsSync(p));
  if (system) return { path: system, source: `the system package (${system})`, extraArgs: [] };
  try {
    const mod = (await import('@sparticuz/chromium')).default;
    const path = await mod.executablePath();
    return { path, source: 'the @sparticuz/chromium npm package', extraArgs: mod.args.filter((a: string) => a.startsWith('--use-gl') || a.startsWith('--use-angle')) };
  } catch (e) {
    throw new Error(`No Chromium found: set CHROMIUM_PATH, install Debian's chromium, or run npm ci to get @sparticuz/chromium (${(e as Error).message})`);
  }
}

/** Playwright gives each launch a fresh, empty profile. Flags for a quiet headless Chromium that runs as root on a machine without network. */
export const BASE_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-swiftshader', '--disable-dev-shm-usage',
];

let announced = false;

/** `extraArgs` go after the usual flags (e.g. the bench's `--enable-unsafe-webgpu`); none by default. */
export async function launch(extraArgs: string[] = []): Promise<{ browser: Browser; found: FoundChromium }> {
  const found = await findChromium();
  if (!announced) {
    console.log(`[e2e] Chromium: ${found.path} (from ${found.source})`);
    announced = true;
  }
  const browser = await chromium.launch({
    executablePath: found.path,
    headless: true,
    args: [...BASE_ARGS, ...found.extraArgs, ...extraArgs],
  });
  return { browser, found };
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  return context;
}
