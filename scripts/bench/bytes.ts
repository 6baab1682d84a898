// npx tsx scripts/bench/bytes.ts [--dist <dir>]
// The JavaScript a build ships, gzipped (zlib's default level), split by when it loads:
// - initial: what index.html names (the entry, its module preloads, the analysis worker it starts) and what those
//   import statically;
// - model worker: everything the model worker can load (its own module, then tfjs, the backends and the model
//   hosts, imported when the first model request arrives), less what is already initial; chunks that carry tfjs's
//   license header are marked as tfjs;
// - lazily loaded: every other JavaScript file (the panels, the model worker, copies of the model hosts the analysis
//   worker could import but never does).
// The chunks are read from dist/assets: static imports (`import … from "./x.js"`, `import "./x.js"`, `export … from`),
// dynamic imports (import(`./x.js`)) and workers (new URL(`x.js`, import.meta.url)). run.ts reports these as cases.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchCase } from './run';

export interface ChunkBytes {
  file: string;
  /** Bytes on disk and gzipped. */
  raw: number;
  gzip: number;
  /** Carries tfjs code (its license header). */
  tfjs: boolean;
}

export interface BundleBytes {
  initial: ChunkBytes[];
  /** Everything the model worker can load that is not initial, largest first. */
  modelWorker: ChunkBytes[];
  /** Every JavaScript file that is not initial. */
  lazy: ChunkBytes[];
}

const STATIC_IMPORT = /(?:\bimport|\bexport)\s*(?:[\w$*{},\s]*?from\s*)?["'`]\.\/([\w.-]+\.js)["'`]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'`]\.\/([\w.-]+\.js)["'`]\s*\)/g;
const WORKER_URL = /new URL\(\s*["'`](?:\.\/)?([\w.-]+\.js)["'`]\s*,\s*import\.meta\.url/g;

function matches(re: RegExp, code: string): string[] {
  return [...code.matchAll(re)].map((m) => m[1]);
}

export function bundleBytes(distDir = 'dist'): BundleBytes {
  const dir = `${distDir}/assets`;
  const html = readFileSync(`${distDir}/index.html`, 'utf8');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
  const chunks = new Map<string, ChunkBytes & { imports: string[]; lazyImports: string[] }>();
  for (const file of files) {
    const code = readFileSync(`${dir}/${file}`, 'utf8');
    const bytes = Buffer.from(code);
    const known = (names: string[]) => names.filter((f) => {
      if (!existsSync(`${dir}/${f}`)) throw new Error(`${file} refers to ${f}, which is not in ${dir}: has the bundle format changed?`);
      return f !== file;
    });
    chunks.set(file, {
      file, raw: bytes.length, gzip: gzipSync(bytes).length, tfjs: /Copyright \d{4} Google (LLC|Inc)/.test(code),
      imports: known(matches(STATIC_IMPORT, code)),
      lazyImports: known([...matches(DYNAMIC_IMPORT, code), ...matches(WORKER_URL, code)]),
    });
  }
  const closure = (roots: string[], lazyToo: boolean): Set<string> => {
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      const c = chunks.get(f)!;
      c.imports.forEach(visit);
      if (lazyToo) c.lazyImports.forEach(visit);
    };
    roots.forEach(visit);
    return seen;
  };
  const named = files.filter((f) => html.includes(`assets/${f}`));
  const initial = closure(named, false);
  const modelWorkerFile = files.find((f) => /^model\.worker-[\w-]+\.js$/.test(f));
  if (!modelWorkerFile) throw new Error(`no model worker (model.worker-*.js) in ${dir}`);
  const pick = (set: Iterable<string>) =>
    [...set].filter((f) => !initial.has(f)).map((f) => chunks.get(f)!).map(({ file, raw, gzip, tfjs }) => ({ file, raw, gzip, tfjs })).sort((a, b) => b.gzip - a.gzip);
  return {
    initial: [...initial].map((f) => chunks.get(f)!).map(({ file, raw, gzip, tfjs }) => ({ file, raw, gzip, tfjs })).sort((a, b) => b.gzip - a.gzip),
    modelWorker: pick(closure([modelWorkerFile], true)),
    lazy: pick(files),
  };
}

const kB = (chunks: ChunkBytes[]) => chunks.reduce((s, c) => s + c.gzip, 0) / 1024;

/** The gzipped size, in kB, of the named files of `distDir`/assets (e.g. those a page requested). */
export function gzipKB(distDir: string, files: Iterable<string>): number {
  let bytes = 0;
  for (const f of new Set(files)) bytes += gzipSync(readFileSync(`${distDir}/assets/${f}`)).length;
  return bytes / 1024;
}

export function bytesCases(b: BundleBytes): BenchCase[] {
  const c = (name: string, value: number): BenchCase => ({ name, backend: '-', size: null, n: 1, p50: value, p95: value, unit: 'kB' });
  return [
    c('bundle: initial JS (gzip)', kB(b.initial)),
    c('bundle: lazily loaded JS (gzip)', kB(b.lazy)),
    c('bundle: model worker, all it can load (gzip)', kB(b.modelWorker)),
    c('bundle: model worker, tfjs chunks (gzip)', kB(b.modelWorker.filter((x) => x.tfjs))),
  ];
}

/** A markdown section: the totals, then the model worker's chunks one by one. */
export function bytesMarkdown(b: BundleBytes): string[] {
  const f = (bytes: number) => (bytes / 1024).toFixed(1);
  const row = (what: string, chunks: ChunkBytes[]) =>
    `| ${what} | ${chunks.length} | ${f(chunks.reduce((s, x) => s + x.raw, 0))} | ${kB(chunks).toFixed(1)} |`;
  const tfjs = b.modelWorker.filter((x) => x.tfjs);
  return [
    '## Bytes', '',
    'JavaScript of the build, gzipped. Initial: what index.html loads and starts (the analysis worker included), with its static imports. Model worker: what it can load at its first model request (tfjs, every backend, every model host), beyond the initial JavaScript.', '',
    '| JavaScript | files | kB | kB gzip |', '|---|---|---|---|',
    row('initial', b.initial),
    row('lazily loaded (all the rest)', b.lazy),
    row('model worker: all it can load', b.modelWorker),
    row('model worker: tfjs chunks', tfjs),
    '',
    '| model worker chunk | tfjs | kB | kB gzip |', '|---|---|---|---|',
    ...b.modelWorker.map((x) => `| ${x.file} | ${x.tfjs ? 'yes' : ''} | ${f(x.raw)} | ${f(x.gzip)} |`),
    '',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const dist = argv.includes('--dist') ? argv[argv.indexOf('--dist') + 1] : 'dist';
  console.log(bytesMarkdown(bundleBytes(dist)).join('\n'));
}
