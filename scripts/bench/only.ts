// npx tsx scripts/bench/only.ts <group> [--quick] [--dist <dir>] [--sizes 128,512] [--n N]
// One group of the bench's browser cases alone, without the rest of `npm run bench`: builds the app (or serves
// --dist), drives Chromium and prints the cases as a Markdown table with the machine's load average.
//   lab            the Equivalence lab (lab.ts)
//   settled        "view settled" cases of the structural controls (settled.ts; --sizes, --n presses per case,
//                  --case <part of a case's name> for those alone, e.g. --case patch-size)
//   denoiser-load  the digit denoisers' load, cold and warm (denoiserLoad.ts; --n loads of each)
//   model-load     the patch transformer's load, cold and warm (patchModelLoad.ts; --n loads of each)
//   denoiser       each digit denoiser loaded, then --n 10-step guided DDIM samples of one digit
//   training       training steps/s at batch 32 per model and backend (training.ts)
//   load           initial load to the first interactive panel, on --n fresh pages (sliders.ts)
// For a before/after pair, build the older commit into a directory and pass it with --dist.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { preview } from 'vite';
import { launch } from '../../tests/e2e/chromium';
import { denoiserLoadCases, denoiserSampleCases } from './denoiserLoad';
import { trainingCases } from './training';
import { labCases } from './lab';
import type { BenchCase } from './run';
import { patchModelLoadTimes } from './patchModelLoad';
import { settledCases } from './settled';
import { quantile } from './stats';
import { initialLoadCase } from './sliders';

const argv = process.argv.slice(2);
const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : null);
const group = argv[0];
const quick = argv.includes('--quick');
const distArg = opt('--dist');
const distDir = distArg ?? 'dist';
const n = opt('--n') ? Number(opt('--n')) : undefined;
const sizes = opt('--sizes')?.split(',').map(Number);
const GROUPS: Record<string, (context: Parameters<typeof labCases>[0], url: string) => Promise<BenchCase[]>> = {
  lab: (context, url) => labCases(context, url, quick),
  settled: (context, url) => settledCases(context, url, quick, { n, sizes, only: opt('--case') ?? undefined }),
  'denoiser-load': (context, url) => denoiserLoadCases(context, url, n ?? (quick ? 2 : 5)),
  'model-load': async (context, url) => {
    const out: BenchCase[] = [];
    for (const warm of [false, true]) {
      const times = await patchModelLoadTimes(context, url, warm, n ?? (quick ? 2 : 5));
      out.push({ name: `patch model: load (${warm ? 'warm' : 'cold'})`, backend: '-', size: null, n: times.length, p50: quantile(times, 0.5), p95: quantile(times, 0.95), unit: 'ms' });
    }
    return out;
  },
  denoiser: (context, url) => denoiserSampleCases(context, url, n ?? (quick ? 5 : 15)),
  training: (context, url) => trainingCases(context, url, quick),
  load: async (context, url) => [await initialLoadCase(context, url, n ?? (quick ? 3 : 7))],
};
if (!GROUPS[group]) throw new Error(`usage: only.ts <${Object.keys(GROUPS).join('|')}> [--quick] [--dist <dir>] [--sizes 128,512] [--n N]`);
const loadStart = loadavg()[0];
if (!distArg && spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
const server = await preview({ build: { outDir: distDir }, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
const { browser } = await launch();
try {
  // As run.ts: the bench waits with string predicates, which the page's no-eval policy would refuse.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  const cases = await GROUPS[group](context, server.resolvedUrls!.local[0]);
  await context.close();
  const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : '—');
  console.log(`\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average (1 min) at start and end: ${loadStart.toFixed(2)}, ${loadavg()[0].toFixed(2)}\n`);
  console.log('| case | backend | size | n | p50 | p95 | unit |\n|---|---|---|---|---|---|---|');
  for (const c of cases) console.log(`| ${c.name} | ${c.backend} | ${c.size ?? ''} | ${c.n} | ${fmt(c.p50)} | ${fmt(c.p95)} | ${c.unit} |`);
} finally {
  await browser.close();
  await server.close();
}
