// npx tsx scripts/lab-table.ts [--models digits,raster,…] [--no-transfer] [--no-gradients] [--lr 1e-4] [--tbatch 64] [--steps 10]
// Fills the Equivalence lab's comparison table on this machine: for every shipped model of every view (noise
// levels: the digit denoisers and the natural-patch denoiser; patch steps: the raster, Hilbert and random-order
// transformers; depths: every shipped RQ auto-encoder), the gradients and the transfer at the page's default
// settings (src/state/labSlice.ts; a model's own batches where LAB_MODEL_BATCHES gives them), through the model worker's own handler on tfjs wasm in Node with the files of
// public/. Prints, per row, the settings, the worker's time (model load excluded) and the time to the first
// coarse matrix, then the comparison table as the page shows it (src/ui/panels/lab/labRows.ts) with each row's
// link: the view's keys set to the row's settings (what the link leaves out opens on its default). Timings are Node's; the bench
// (scripts/bench/lab.ts) times the same defaults in Chromium.
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './tfjs-registrations';
import type { BackendStatus, LabDecomposition, LabProgress, LabResult, LabSettings, Reply, Request } from '../src/protocol';
import { RQAE_SHIPPED_MODELS } from '../src/protocol/rqaeModel';
import { encodeSlice } from '../src/state/codec';
import { HASH_VERSION } from '../src/state/hash';
import { labDefaults, labLink, labModelChoice, labViewPatch, labViewSettings, type LabRun } from '../src/state/labSlice';
import { registerWasmTrainingKernels } from '../src/models/wasmKernels';
import { createComputeHandler } from '../src/workers/dispatch';
import { transferFacts } from '../src/ui/panels/lab/labFigures';
import { COLUMNS, comparisonRows, rowSettings, type ComparisonRow } from '../src/ui/panels/lab/labRows';

const PUBLIC = new URL('../public/', import.meta.url).pathname;
const baseUrl = 'http://app.test/';
const fetchFile = async (url: string) => {
  const path = `${PUBLIC}${url.slice(baseUrl.length)}`;
  return existsSync(path) ? new Response(readFileSync(path)) : new Response('not found', { status: 404 });
};

const MODELS: { view: LabDecomposition; model: string }[] = [
  ...['digits', 'digits-early', 'patches'].map((model) => ({ view: 'noise' as const, model })),
  ...['raster', 'hilbert', 'random'].map((model) => ({ view: 'patch' as const, model })),
  ...RQAE_SHIPPED_MODELS.map((m) => ({ view: 'depth' as const, model: m.key })),
];
const argv = process.argv.slice(2);
const only = argv.includes('--models') ? argv[argv.indexOf('--models') + 1].split(',') : null;
const withTransfer = !argv.includes('--no-transfer');
const withGradients = !argv.includes('--no-gradients');
/** A transfer setting given on the command line (to try other learning rates, batches or step counts than the page's defaults). */
const override = (flag: string): number | undefined => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : undefined);
const transferOverrides = { lr: override('--lr'), transferBatch: override('--tbatch'), steps: override('--steps') };

await tf.setBackend('wasm');
await tf.ready();
registerWasmTrainingKernels();
const status: BackendStatus = { active: 'wasm', reason: 'Node', order: ['wasm'], failures: [], available: ['wasm'] };
let onReply: (r: Reply) => void = () => {};
const handle = createComputeHandler({
  post: (r) => onReply(r), initBackend: async () => status,
  denoiser: { fetch: fetchFile }, patchModel: { fetch: fetchFile }, rqaeModel: { fetch: fetchFile },
});

function request(view: LabDecomposition, model: string, settings: LabSettings, id: number): Request {
  if (view === 'noise') return { id, kind: 'denoiser-lab', model, baseUrl, settings } as Request;
  if (view === 'patch') return { id, kind: 'patch-model-lab', ordering: model === 'random' ? { kind: 'random', seed: 1 } : { kind: model }, baseUrl, settings } as Request;
  return { id, kind: 'rqae-lab', model, baseUrl, settings } as Request;
}

/** Runs one request; resolves with its result and the ms from its first gradient (or step) to its first Gram matrix. */
async function run(req: Request): Promise<{ result: LabResult; firstMatrixMs: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  let start = NaN;
  let first = NaN;
  let last: Reply | null = null;
  onReply = (r) => {
    if (r.id !== req.id) return;
    last = r;
    const data = r.kind === 'progress' ? (r.data as LabProgress | undefined) : undefined;
    if ((data?.phase === 'gradients' || data?.phase === 'transfer') && Number.isNaN(start)) start = performance.now();
    if (data?.gram && Number.isNaN(first)) first = performance.now() - start;
  };
  await handle(req);
  const end = last as Reply | null;
  if (end?.kind !== 'result') throw new Error(`${req.kind}: ${end?.kind === 'error' ? end.message : 'no answer'}`);
  const used = process.cpuUsage(cpu);
  return { result: end.result as LabResult, firstMatrixMs: first, cpuSeconds: (used.user + used.system) / 1e6 };
}

const runs: LabRun[] = [];
let id = 1;
for (const { view, model } of MODELS) {
  if (only && !only.includes(model)) continue;
  const defaults = labViewSettings({ ...labDefaults, ...labViewPatch(view, labModelChoice(view, model)) }, view);
  const s = { ...defaults, ...Object.fromEntries(Object.entries(transferOverrides).filter(([, v]) => v !== undefined)) };
  const grouping = view === 'patch' ? { grouping: s.grouping } : {};
  const gradients: LabSettings = { measure: 'gradients', k: s.k, batch: s.batch, batches: s.batches, seed: s.seed, ...grouping };
  if (withGradients) {
    const g = await run(request(view, model, gradients, id++));
    runs.push({ id: runs.length + 1, view, model, grouping: s.grouping, result: g.result });
    console.error(`${view} ${model}: gradients K ${s.k}, ${s.batches} × ${s.batch}, seed ${s.seed}: ${(g.result.milliseconds / 1000).toFixed(1)} s, first matrix after ${(g.firstMatrixMs / 1000).toFixed(1)} s; ${g.cpuSeconds.toFixed(1)} CPU s with the model load`);
  }
  if (!withTransfer) continue;
  const transfer: LabSettings = { measure: 'transfer', k: s.k, batch: s.transferBatch, steps: s.steps, lr: s.lr, seed: s.seed, ...grouping };
  const t = await run(request(view, model, transfer, id++));
  runs.push({ id: runs.length + 1, view, model, grouping: s.grouping, result: t.result });
  console.error(`${view} ${model}: transfer ${s.k + 1} rows × ${s.steps} steps of ${s.transferBatch} at lr ${s.lr}: ${(t.result.milliseconds / 1000).toFixed(1)} s; ${t.cpuSeconds.toFixed(1)} CPU s`);
  if (t.result.measure === 'transfer') {
    const f = transferFacts(t.result);
    const pct = (v: number) => `${(100 * v).toFixed(3)} %`;
    console.error(`  held-out loss change: own sub-task ${pct(f.diagonal)}, others ${pct(f.offDiagonal)} (${f.hurt} of ${f.pairs} pairs rise), all sub-tasks ${pct(f.reference)}`);
  }
}

const rows = comparisonRows(runs, { noise: null, patch: null, depth: null });
/** The row's link: the version and its view's keys (whatever a link leaves out opens on its default). */
const link = (r: ComparisonRow) => {
  const lab = { ...labDefaults, ...labViewPatch(r.view, rowSettings(r)) };
  const fields = Object.keys(labViewPatch(r.view, labViewSettings(lab, r.view))) as (keyof typeof lab)[];
  const keys = new Set(fields.map((f) => labLink.fields[f].key));
  const params = new URLSearchParams({ v: String(HASH_VERSION) });
  for (const [key, value] of Object.entries(encodeSlice(labLink, lab))) if (keys.has(key)) params.append(key, value);
  return `#${params.toString()}`;
};
const seconds = (r: ComparisonRow) => runs.filter((x) => x.view === r.view && x.model === r.modelId).map((x) => `${x.result.measure} ${(x.result.milliseconds / 1000).toFixed(1)} s`).join(', ');
console.log(`| ${[...COLUMNS.map((c) => c.header), 'worker time (Node wasm, load excluded)'].join(' | ')} |`);
console.log(`|${[...COLUMNS, null].map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${[...COLUMNS.map((c) => c.cell(r)), seconds(r)].join(' | ')} |`);
console.log('\nLinks (append to the app\'s address):');
for (const r of rows) console.log(`- ${r.decomposition}, ${r.model}: ${link(r)}`);
