// npm run bench [-- --compare] [-- --quick] [-- --dist <dir>]; npm run bench -- --only soak [--soak-minutes N] (soak.ts);
// one group of cases alone: scripts/bench/only.ts
// Builds the app, serves it on loopback, drives Chromium and records, per case: name, backend, image size,
// n, p50, p95 and unit, plus a native (numpy) reference for core math when python3 with numpy is present.
// Results go to bench/results.json and bench/results.md (with a section on the build's JavaScript bytes, see
// bytes.ts); --compare prints ratios against bench/baseline.json.
// --dist <dir> measures an existing build instead of building (e.g. an older build, for a before/after pair).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Page, Request } from 'playwright-core';
import { preview } from 'vite';
import { launch } from '../../tests/e2e/chromium';
import { bundleBytes, bytesCases, bytesMarkdown, gzipKB } from './bytes';
import { numpyReference } from './native';
import { labCases } from './lab';
import { soak } from './soak';
import { trainingCases } from './training';
import { initialLoadCase, sliderDrag, sweep, waitQuiet, waitReady, type DragResult } from './sliders';
import { settledCases } from './settled';
import { quantile } from './stats';
import { denoiserLoadCases, denoiserSampleCases } from './denoiserLoad';
import { patchModelLoad, patchModelLoadTimes } from './patchModelLoad';


export interface BenchCase {
  name: string;
  backend: string;
  size: number | null;
  n: number;
  p50: number;
  p95: number;
  unit: string;
  reference?: { what: string; p50: number; ratio: number };
}

const argv = process.argv.slice(2);
const args = new Set(argv);
const quick = args.has('--quick');
const distArg = argv.indexOf('--dist') >= 0 ? argv[argv.indexOf('--dist') + 1] : null;
const distDir = distArg ?? 'dist';
const MOVES = quick ? 20 : 60;

/**
 * Plain JavaScript. Snapshots the depth bit-plane chart (entropy per plane), the patch summary table and the
 * diffusion spectrum chart, then (installed before the upload) resolves with the first `change` event on the page
 * (the file input receiving the file) → the first animation frame at which the credit line names the file and all
 * three figures hold content that differs from their snapshot (each recomputed for the new image and drawn).
 */
const UPLOAD_WATCH_JS = `({ fileName }) => {
  const sels = ['[data-testid="figure-depth-entropy"] svg', '[data-testid="patch-summary"]', '[data-testid="figure-diffusion-spectrum"] svg'];
  const read = (sel) => { const el = document.querySelector(sel); return el ? el.innerHTML : ''; };
  const before = sels.map(read);
  let t0 = null;
  window.addEventListener('change', () => { t0 = performance.now(); }, { capture: true, once: true });
  window.__benchUpload = new Promise((resolve, reject) => {
    const start = performance.now();
    const tick = () => {
      const credit = document.querySelector('[data-testid="credit"]');
      const done = t0 !== null && credit && credit.textContent.includes(fileName)
        && sels.every((sel, i) => { const now = read(sel); return now !== '' && now !== before[i]; });
      if (done) resolve(performance.now() - t0);
      else if (performance.now() - start > 120000) reject(new Error('the panels did not update within 120 s: ' + sels.map((sel, i) => sel + (read(sel) === before[i] ? ' unchanged' : ' changed')).join(', ')));
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}`;

async function main(): Promise<void> {
  // The machine is shared: the 1-minute load average at start and end says how far to trust the timings.
  const loadStart = loadavg()[0];
  if (!distArg) {
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  const server = await preview({ build: { outDir: distDir }, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  const url = server.resolvedUrls!.local[0];
  const { browser, found } = await launch();
  const bytes = bundleBytes(distDir);
  const results: BenchCase[] = [...bytesCases(bytes)];
  try {
    // The bench waits with string predicates, which the page's Content-Security-Policy (no eval) would refuse: it measures speed, not the policy.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
    results.push(await initialLoadCase(context, url, quick ? 3 : 7));

    const page = await context.newPage();
    for (const size of [128, 256, 512]) {
      await page.goto(`${url}#v=1&img=astronaut&size=${size}&patch=8&step=0`);
      await waitReady(page);
      // Let every panel's first worker results arrive and draw, so they do not land inside the measurement.
      await page.waitForTimeout(1000);
      await waitQuiet(page);
      await page.waitForFunction('document.querySelector(\'[data-testid="backend-select"]\').value !== ""', null, { timeout: 60_000 });
      const backend = (await page.evaluate('document.querySelector(\'[data-testid="backend-select"]\').value')) as string;
      // Each drag: one input per frame at the frame's start (as Chromium delivers a dragged thumb) → that frame
      // painted; work deferred past the frame shows as dropped frames and long tasks. The control is a bare range
      // input with no handler on the same page: the floor of the measurement.
      const drag = (name: string, r: DragResult) => {
        results.push({ name: `${name} repaint (frame start → painted)`, backend, size, n: r.times.length, p50: quantile(r.times, 0.5), p95: quantile(r.times, 0.95), unit: 'ms' });
        results.push({ name: `${name} dropped frames`, backend, size, n: r.times.length, p50: r.droppedFrames, p95: r.droppedFrames, unit: 'frames' });
        results.push({ name: `${name} long tasks (>50 ms)`, backend, size, n: r.times.length, p50: r.longTasks, p95: r.longTasks, unit: 'tasks' });
      };
      drag('control: bare range input', await sliderDrag(page, null, sweep(0, 60, MOVES)));
      drag('depth: bit slider', await sliderDrag(page, 'bits-slider', sweep(1, 8, MOVES)));
      const n = (size / 8) ** 2;
      drag('patch: step slider (8-px patches)', await sliderDrag(page, 'step-slider', sweep(0, n - 1, MOVES).map((v, i) => (v * 37 + i) % n)));
      drag('diffusion: t slider', await sliderDrag(page, 't-slider', sweep(0, 60, MOVES).map((v) => 300 + 7 * v)));
    }
    // Structural controls: key press → the whole view settled, worker results included (settled.ts).
    results.push(...(await settledCases(context, url, quick)));
    // Patch model (tfjs in the model worker): click "Load the model" → heat map drawn, on fresh pages.
    // The first page also lists the JavaScript files it requests (its workers' included; from the HTTP cache or not)
    // until the model is shown: the app, tfjs, and the one backend it starts.
    const modelLoads: number[] = [];
    const modelJs = new Set<string>();
    const trackJs = (r: Request) => {
      if (r.url().endsWith('.js')) modelJs.add(r.url().slice(r.url().lastIndexOf('/') + 1));
    };
    let modelPage: Page | null = null;
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      await modelPage?.close();
      const load = await patchModelLoad(context, url, false, i === 0 ? trackJs : undefined);
      modelPage = load.page;
      modelLoads.push(load.ms);
    }
    const modelText = (await modelPage!.textContent('[data-testid="model-readout"]')) ?? '';
    const modelBackend = / on ([a-z0-9-]+)\./i.exec(modelText)?.[1] ?? 'tfjs';
    await modelPage!.close();
    results.push({ name: 'patch model: load (cold: click as the first panel is ready)', backend: modelBackend, size: null, n: modelLoads.length, p50: quantile(modelLoads, 0.5), p95: quantile(modelLoads, 0.95), unit: 'ms' });
    const pageJs = gzipKB(distDir, [...modelJs]);
    results.push({ name: 'patch model: JS a page loads up to the model shown (gzip)', backend: modelBackend, size: null, n: 1, p50: pageJs, p95: pageJs, unit: 'kB' });

    // The same load once tfjs has started in the model worker (the page starts it when idle after start-up).
    const warmLoads = await patchModelLoadTimes(context, url, true, quick ? 1 : 3);
    results.push({ name: 'patch model: load, warm (tfjs already started)', backend: modelBackend, size: null, n: warmLoads.length, p50: quantile(warmLoads, 0.5), p95: quantile(warmLoads, 0.95), unit: 'ms' });

    // The digit denoisers (the U-Net, the panel's default, and the MLP): load, then 10-step guided DDIM samples.
    results.push(...(await denoiserLoadCases(context, url, quick ? 2 : 5)));
    results.push(...(await denoiserSampleCases(context, url, quick ? 5 : 15)));
    // Training steps/s at batch 32 (patch transformer, digit denoiser, RQ auto-encoder) per backend, each capped.
    results.push(...(await trainingCases(context, url, quick)));
    results.push(...(await labCases(context, url, quick)));

    // Upload → all panels updated at 512²: coffee.jpg through the file input, timed in the page from the input's
    // change event until the credit names the file and the depth entropy-per-plane chart, the patch summary
    // table and the diffusion spectrum chart all differ from what they showed for the previous image.
    const uploads: number[] = [];
    const coffee = readFileSync('public/samples/coffee.jpg');
    for (let i = 0; i < 3; i++) {
      const up = await context.newPage();
      await up.goto(`${url}#v=1&size=512`);
      await waitReady(up);
      for (const sel of ['[data-testid="figure-depth-entropy"] svg', '[data-testid="patch-summary"]', '[data-testid="figure-diffusion-spectrum"] svg']) {
        await up.waitForSelector(sel, { timeout: 120_000 });
      }
      await up.waitForTimeout(3000); // let the first image's results settle
      await up.evaluate(`(${UPLOAD_WATCH_JS})(${JSON.stringify({ fileName: 'coffee.jpg' })})`);
      await up.setInputFiles('[data-testid="file-input"]', { name: 'coffee.jpg', mimeType: 'image/jpeg', buffer: coffee });
      uploads.push((await up.evaluate('window.__benchUpload')) as number);
      await up.close();
    }
    results.push({ name: 'upload to all panels updated (coffee.jpg)', backend: '-', size: 512, n: uploads.length, p50: quantile(uploads, 0.5), p95: quantile(uploads, 0.95), unit: 'ms' });
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }

  const native = numpyReference();
  const core = spawnSync('npx', ['tsx', 'scripts/bench/core-main.ts', ...(quick ? ['--quick'] : [])], { input: JSON.stringify(native), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (core.status !== 0) throw new Error(`the core cases failed: ${core.stderr}`);
  results.push(...(JSON.parse(core.stdout) as BenchCase[]));

  // The Equivalence lab's gradient-cosine matrix on tfjs wasm, in a fresh Node process like the core cases.
  const equivalence = spawnSync('npx', ['tsx', 'scripts/bench/equivalence.ts', ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (equivalence.status !== 0) throw new Error(`the equivalence case failed: ${equivalence.stderr}`);
  process.stderr.write(equivalence.stderr);
  results.push(...(JSON.parse(equivalence.stdout) as BenchCase[]));

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, Chromium at ${found.path}`;
  const loadAverage = [loadStart, loadavg()[0]].map((v) => Number(v.toFixed(2)));
  writeFileSync('bench/results.json', `${JSON.stringify({ date: new Date().toISOString(), machine, quick, loadAverage, results }, null, 2)}\n`);
  const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : '—');
  const md = [
    `# Benchmark results`, '', `Machine: ${machine}${quick ? ' (quick run)' : ''}`, '',
    `Load average (1 min) at start and end: ${loadAverage.join(', ')} (2 cores; timings stretch with it).`, '',
    '| case | backend | size | n | p50 | p95 | unit | native reference | ratio |', '|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.name} | ${r.backend} | ${r.size ?? ''} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${r.unit} | ${r.reference ? `${r.reference.what}: ${fmt(r.reference.p50)}` : ''} | ${r.reference ? fmt(r.reference.ratio) : ''} |`),
    '',
    ...bytesMarkdown(bytes),
  ].join('\n');
  writeFileSync('bench/results.md', md);
  console.log(md);

  if (args.has('--compare')) {
    if (!existsSync('bench/baseline.json')) throw new Error('bench/baseline.json is missing');
    const base = JSON.parse(readFileSync('bench/baseline.json', 'utf8')) as { results: BenchCase[] };
    let regressions = 0;
    for (const r of results) {
      const b = base.results.find((x) => x.name === r.name && x.size === r.size && x.backend === r.backend);
      if (!b || !(b.p95 > 0)) continue;
      const ratio = r.p95 / b.p95;
      // Throughput regresses when it falls; times when they grow. Counts (tasks, frames) are reported, not judged.
      const higherIsBetter = r.unit === 'steps/s';
      const bad = r.unit !== 'tasks' && r.unit !== 'frames' && (higherIsBetter ? ratio < 1 / 1.2 : ratio > 1.2);
      if (bad) regressions++;
      console.log(`${bad ? 'REGRESSION' : 'ok        '} ${r.name} @${r.size ?? '-'}: p95 ${fmt(r.p95)} vs ${fmt(b.p95)} ${r.unit} (×${ratio.toFixed(2)})`);
    }
    if (regressions > 0) process.exitCode = 1;
  }
}

if (argv.includes('--only') && argv[argv.indexOf('--only') + 1] === 'soak') await soak(argv);
else await main();
