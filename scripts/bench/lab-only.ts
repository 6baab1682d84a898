// npx tsx scripts/bench/lab-only.ts [--quick] [--dist <dir>]
// The bench's Equivalence lab cases alone (scripts/bench/lab.ts): builds the app (or serves --dist), drives
// Chromium and prints the cases as a Markdown table with the machine's load average, without the other cases of
// `npm run bench`. For a before/after pair, build the older commit into a directory and pass it with --dist.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { preview } from 'vite';
import { launch } from '../../tests/e2e/chromium';
import { labCases } from './lab';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const distArg = argv.includes('--dist') ? argv[argv.indexOf('--dist') + 1] : null;
const distDir = distArg ?? 'dist';
const loadStart = loadavg()[0];
if (!distArg && spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
const server = await preview({ build: { outDir: distDir }, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
const { browser } = await launch();
try {
  // As run.ts: the bench waits with string predicates, which the page's no-eval policy would refuse.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  const cases = await labCases(context, server.resolvedUrls!.local[0], quick);
  await context.close();
  const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : '—');
  console.log(`\n${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average (1 min) at start and end: ${loadStart.toFixed(2)}, ${loadavg()[0].toFixed(2)}\n`);
  console.log('| case | backend | n | p50 | p95 | unit |\n|---|---|---|---|---|---|');
  for (const c of cases) console.log(`| ${c.name} | ${c.backend} | ${c.n} | ${fmt(c.p50)} | ${fmt(c.p95)} | ${c.unit} |`);
} finally {
  await browser.close();
  await server.close();
}
