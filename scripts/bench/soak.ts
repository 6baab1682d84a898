// npm run bench -- --only soak [--soak-minutes 30] [--dist <dir>]
// A long session: the patch transformer trains in the model worker (restarted whenever its run ends) while every
// slider on the page is dragged in turn (120 input events over 2 s each, one per task). Every sample period it
// records the page's JavaScript heap after a garbage collection, the model worker's tensors (training in flight
// holds a step's intermediates, so these move within a band) and the training step; throughout, the main thread's
// long tasks (over 50 ms), also per slider (count, over 100 ms, p95, max). Prints Markdown tables and a summary;
// fails if a page error occurred.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import { launch } from '../../tests/e2e/chromium';
import { readMemory } from '../../tests/e2e/pageHelpers';
import { HEAP_ARGS, heapMB, rangeSliders, storm, walk } from '../../tests/e2e/sliderStorm';
import { quantile } from './stats';
import { waitReady } from './sliders';

interface Sample {
  minute: number;
  heapMB: number;
  tensors: number;
  tensorMB: number;
  step: number;
  drags: number;
  longTasks: number;
}

const LONG_TASKS_JS = `(() => {
  window.__soakLongTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__soakLongTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: false });
})()`;

async function trainingStep(page: Page): Promise<number> {
  const text = (await page.textContent('[data-testid="model-train-readout"]').catch(() => '')) ?? '';
  return Number(/^Step (\d+)/.exec(text)?.[1] ?? 0);
}

/** Starts (or resumes) training when it is not running: a run of the most steps the form takes. */
async function keepTraining(page: Page): Promise<void> {
  const train = page.locator('[data-testid="model-train"]');
  if ((await train.count()) === 0 || !(await train.isEnabled())) return;
  await page.fill('[data-testid="model-train-steps"]', '5000');
  await train.click();
}

export async function soak(argv: string[]): Promise<void> {
  const minutes = argv.includes('--soak-minutes') ? Number(argv[argv.indexOf('--soak-minutes') + 1]) : 30;
  if (!(minutes > 0)) throw new Error('--soak-minutes takes a positive number');
  const distArg = argv.includes('--dist') ? argv[argv.indexOf('--dist') + 1] : null;
  const distDir = distArg ?? 'dist';
  const loadStart = loadavg()[0];
  if (!distArg && spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const server = await preview({ build: { outDir: distDir }, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  const { browser } = await launch(HEAP_ARGS);
  const samples: Sample[] = [];
  const errors: string[] = [];
  let longTasks: number[] = [];
  // Long tasks that began while a slider was dragged, by the slider's name (the rest are training's and sampling's).
  const perSlider = new Map<string, { drags: number; durations: number[] }>();
  try {
    // As run.ts: the bench waits with string predicates, which the page's no-eval policy would refuse.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.resolvedUrls!.local[0]}#v=1&img=astronaut&size=128`);
    await waitReady(page);
    await page.click('[data-testid="model-load"]');
    await page.waitForSelector('[data-testid="model-prediction-readout"]', { timeout: 180_000 });
    await page.evaluate(LONG_TASKS_JS);
    await keepTraining(page);

    const sliders = await rangeSliders(page);
    const periodMs = Math.min(60_000, (minutes * 60_000) / 6);
    const t0 = Date.now();
    let nextSample = t0;
    let drags = 0;
    let seed = 1;
    const countLongTasks = async () => ((await page.evaluate('window.__soakLongTasks.length')) as number);
    while (Date.now() - t0 < minutes * 60_000) {
      if (Date.now() >= nextSample) {
        const memory = await readMemory(page);
        longTasks = (await page.evaluate('window.__soakLongTasks')) as number[];
        samples.push({
          minute: (Date.now() - t0) / 60_000, heapMB: await heapMB(page), tensors: memory.tensors, tensorMB: Number(memory.bytes),
          step: await trainingStep(page), drags, longTasks: longTasks.length,
        });
        console.error(`soak: ${JSON.stringify(samples[samples.length - 1])}`);
        nextSample += periodMs;
        await keepTraining(page);
      }
      const s = sliders[drags % sliders.length];
      const before = await countLongTasks();
      await storm(page, s.name, walk(s.min, s.max, 120, seed++, s.value), 2000);
      const mine = perSlider.get(s.name) ?? { drags: 0, durations: [] };
      const during = (await page.evaluate(`window.__soakLongTasks.slice(${before})`)) as number[];
      perSlider.set(s.name, { drags: mine.drags + 1, durations: [...mine.durations, ...during] });
      drags++;
    }
    const memory = await readMemory(page);
    longTasks = (await page.evaluate('window.__soakLongTasks')) as number[];
    samples.push({ minute: (Date.now() - t0) / 60_000, heapMB: await heapMB(page), tensors: memory.tensors, tensorMB: Number(memory.bytes), step: await trainingStep(page), drags, longTasks: longTasks.length });
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }

  const first = samples[0];
  const last = samples[samples.length - 1];
  const heaps = samples.map((s) => s.heapMB);
  const tensors = samples.map((s) => s.tensors);
  console.log(`\n# Soak: ${minutes} min of training while sliders are dragged\n`);
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average (1 min) at start and end: ${loadStart.toFixed(2)}, ${loadavg()[0].toFixed(2)}\n`);
  console.log('| minute | JS heap (MB, after GC) | tensors | tensor MB | training step | drags so far | long tasks so far |\n|---|---|---|---|---|---|---|');
  for (const s of samples) console.log(`| ${s.minute.toFixed(1)} | ${s.heapMB.toFixed(1)} | ${s.tensors} | ${s.tensorMB.toFixed(2)} | ${s.step} | ${s.drags} | ${s.longTasks} |`);
  console.log(`\nJS heap ${first.heapMB.toFixed(1)} → ${last.heapMB.toFixed(1)} MB (min ${Math.min(...heaps).toFixed(1)}, max ${Math.max(...heaps).toFixed(1)}); `
    + `tensors ${Math.min(...tensors)}–${Math.max(...tensors)}; ${last.drags} drags (${last.drags * 120} input events), ${last.step - first.step} training steps.`);
  console.log(`Long tasks on the main thread: ${longTasks.length}, p50 ${quantile(longTasks, 0.5).toFixed(0)} ms, p95 ${quantile(longTasks, 0.95).toFixed(0)} ms, max ${longTasks.length ? Math.max(...longTasks).toFixed(0) : '—'} ms.`);
  console.log(`\nLong tasks during the drags of each slider (120 input events over 2 s each):\n\n| slider | drags | long tasks | over 100 ms | p95 (ms) | max (ms) |\n|---|---|---|---|---|---|`);
  for (const [label, v] of perSlider) {
    const d = v.durations;
    const ms = (x: number) => (d.length ? x.toFixed(0) : '—');
    console.log(`| ${label.replace(/\|/g, '/')} | ${v.drags} | ${d.length} | ${d.filter((x) => x > 100).length} | ${ms(quantile(d, 0.95))} | ${ms(Math.max(...d))} |`);
  }
  console.log(`\nPage errors: ${errors.length === 0 ? 'none' : errors.join('; ')}`);
  if (errors.length > 0) process.exitCode = 1;
}
