import { preview } from 'vite';
import { launch } from '../../tests/e2e/chromium';
import { HEAP_ARGS, rangeSliders, storm, walk } from '../../tests/e2e/sliderStorm';
import { waitReady } from './sliders';
const server = await preview({ build: { outDir: process.argv[2] }, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
const { browser } = await launch(HEAP_ARGS);
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
const page = await context.newPage();
await page.goto(`${server.resolvedUrls!.local[0]}#v=1&img=astronaut&size=128`);
await waitReady(page);
await page.click('[data-testid="model-load"]');
await page.waitForSelector('[data-testid="model-prediction-readout"]', { timeout: 180_000 });
if (process.argv[4] !== 'notrain') { await page.fill('[data-testid="model-train-steps"]', '5000'); await page.click('[data-testid="model-train"]'); }
await page.waitForTimeout(3000);
const sliders = await rangeSliders(page);
const want = process.argv[3] ?? 'Model step';
const s = sliders.find((x) => x.name.includes(want))!;
const other = sliders.find((x) => x.name.includes('Bits'))!;
const cdp = await context.newCDPSession(page);
type E = { name: string; ph: string; ts?: number; dur?: number; tid: number; pid: number; args?: { name?: string; data?: { functionName?: string; url?: string; lineNumber?: number; columnNumber?: number } } };
const events: E[] = [];
cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as E[])));
const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'v8.execute', 'blink'] } });
for (let i = 0; i < 4; i++) {
  await storm(page, other.name, walk(other.min, other.max, 30, i + 50, other.value), 500);
  await storm(page, s.name, walk(s.min, s.max, 120, i + 1, s.value), 2000);
}
await cdp.send('Tracing.end'); await traced;
const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, String(e.args?.name)]));
const main = [...names].find(([, n]) => n === 'CrRendererMain')?.[0];
for (const e of events) if (e.ph === 'X' && `${e.pid}:${e.tid}` === main && /(^|::)RunTask$|BlinkScheduler_PerformMicrotaskCheckpoint/.test(e.name) && e.dur! > 50000) {
  const inner = new Map<string, number>();
  for (const x of events) if (x.ph === 'X' && `${x.pid}:${x.tid}` === main && x.ts! >= e.ts! && x.ts! < e.ts! + e.dur! && x !== e) { const d = x.args?.data; const k = x.name + (d?.functionName ? ':' + d.functionName + ' ' + String(d.url).split('/').pop() + ':' + d.lineNumber + ':' + d.columnNumber : ''); inner.set(k, (inner.get(k) ?? 0) + x.dur! / 1000); }
  console.log('long task', (e.dur! / 1000).toFixed(0), 'ms:', [...inner].filter(([n]) => !/RunTask|ThreadController/.test(n)).sort((a, b) => b[1] - a[1]).slice(0, 14).map(([n, v]) => `${n} ${v.toFixed(1)}`).join(', '));
}
await browser.close(); await server.close();
