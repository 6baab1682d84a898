// Training steps/s of the three in-browser models (patch causal transformer, digit denoiser, RQ auto-encoder)
// per tfjs backend: wasm, webgl, and webgpu when this Chromium offers a hardware adapter with
// --enable-unsafe-webgpu (see trainingCases). The backend is chosen through the app's own header select
// before any model loads, so each model loads and trains on it; the training readout names the backend the
// model really runs on, and that is what is recorded (a fallback is labelled "(asked for …)").
//
// Every case is capped: after "Start training" the steps are timed in the page over a window that starts after
// a warm-up (kernels compile in the first steps, which on SwiftShader take seconds), waiting at most `capMs`
// for the first step and at most `capMs` after it. The rate runs from the last step before the window (the
// first step at least) to the last step seen. Slow backends may finish fewer than two steps before the cap:
// then the rate is steps completed / time since the click, n is the number of steps, and the case name says
// "capped". Each case runs on a fresh page, so a step still running on a slow backend dies with its worker
// instead of delaying the next case.
import { loadavg } from 'node:os';
import type { BrowserContext, Page } from 'playwright-core';
import { launch } from '../../tests/e2e/chromium';
import type { BenchCase } from './run';
import { waitReady } from './sliders';

export type Backend = 'wasm' | 'webgl' | 'webgpu';

interface ModelCase {
  /** Case name, as run.ts always recorded it (so --compare keeps matching the wasm rows). */
  name: string;
  hash: string;
  load: string;
  loaded: string;
  steps: string;
  train: string;
  pause: string;
  readout: string;
  /** Sets anything else the case needs after the model loaded (the patch model's batch). */
  prepare?: (page: Page) => Promise<void>;
}

const MODELS: ModelCase[] = [
  {
    name: 'patch model: training steps/s (batch 32)',
    hash: '#v=1&img=astronaut&size=128',
    load: 'model-load', loaded: 'canvas-patch-model-heatmap', steps: 'model-train-steps',
    train: 'model-train', pause: 'model-pause', readout: 'model-train-readout',
    prepare: async (page) => {
      await page.getByTestId('patch-model').getByLabel('Batch', { exact: true }).selectOption('32');
    },
  },
  {
    name: 'denoiser (digits): training steps/s (batch 32)',
    hash: '#v=1&img=astronaut&size=128&dnmodel=digits&dnsampler=ddim&dnsteps=10&dncount=1&dnguide=2.0',
    load: 'denoiser-load', loaded: 'denoiser-readout', steps: 'denoiser-train-steps',
    train: 'denoiser-train-start', pause: 'denoiser-pause', readout: 'denoiser-train-readout',
  },
  {
    name: 'denoiser (digits U-Net): training steps/s (batch 32)',
    hash: '#v=1&img=astronaut&size=128&dnmodel=digits-unet&dnsampler=ddim&dnsteps=10&dncount=1&dnguide=2.0',
    load: 'denoiser-load', loaded: 'denoiser-readout', steps: 'denoiser-train-steps',
    train: 'denoiser-train-start', pause: 'denoiser-pause', readout: 'denoiser-train-readout',
  },
  {
    name: 'RQ auto-encoder (D = 8, summed): training steps/s (batch 32)',
    hash: '#v=1&img=astronaut&size=128',
    load: 'rqae-load', loaded: 'rqae-readout', steps: 'rqae-train-steps',
    train: 'rqae-train', pause: 'rqae-pause', readout: 'rqae-train-readout',
  },
];

export interface Limits {
  /** After the first step: kernels compile in the first few steps, which the window leaves out. */
  warmMs: number;
  /** The timed window; it ends on the first step after it, once it holds two or more steps. */
  windowMs: number;
  /** Click → first step at most, and first step → end of the case at most, whatever the backend. */
  capMs: number;
  /** Model load (click → loaded), at most. */
  loadMs: number;
  /** Pause → the train button back, at most (then the page closes anyway, ending any step in flight). */
  pauseMs: number;
}

export const limits = (quick: boolean): Limits => quick
  ? { warmMs: 2000, windowMs: 8000, capMs: 20_000, loadMs: 60_000, pauseMs: 5000 }
  : { warmMs: 2000, windowMs: 15_000, capMs: 60_000, loadMs: 120_000, pauseMs: 10_000 };

/**
 * Plain JavaScript (tsx would wrap named functions with a helper the page lacks). Clicks the train button and
 * records [step, ms since the click] whenever the readout's "Step N" changes, until the first step seen after
 * the window (warm-up + `windowMs`) ran its length with two or more steps in it, or the cap (no first step
 * `capMs` after the click, or `capMs` since the first step). Polled every 10 ms in the page, so a Node round
 * trip does not stretch it.
 */
const TRAIN_WATCH_JS = `({ readout, train, warmMs, windowMs, capMs }) => new Promise((resolve) => {
  const text = () => { const e = document.querySelector('[data-testid="' + readout + '"]'); return e ? e.textContent || '' : ''; };
  const stepOf = (t) => { const m = /^Step (\\d+)/.exec(t); return m ? Number(m[1]) : 0; };
  const s0 = stepOf(text());
  const samples = [];
  let last = s0;
  const t0 = performance.now();
  document.querySelector('[data-testid="' + train + '"]').click();
  const id = setInterval(() => {
    const now = performance.now() - t0;
    const t = text();
    const step = stepOf(t);
    const changed = step !== last;
    if (changed) { samples.push([step, now]); last = step; }
    let done = now >= capMs;
    if (samples.length > 0) {
      // The window ends on a step, so a stall inside it counts and the last step is not cut short.
      const start = samples[0][1] + warmMs;
      const after = samples.filter((s) => s[1] > start).length;
      done = now >= samples[0][1] + capMs || (changed && now >= start + windowMs && after >= 2);
    }
    if (done) { clearInterval(id); resolve({ s0, samples, elapsed: now, text: t }); }
  }, 10);
})`;

interface Watch {
  s0: number;
  samples: [number, number][];
  elapsed: number;
  text: string;
}

/** The rate over the window: from the last step seen before it (the first step at least) to the last step. */
function windowRate(w: Watch, warmMs: number): { rate: number; n: number; seconds: number; capped: boolean } {
  const { samples } = w;
  if (samples.length < 2) {
    const n = samples.length ? samples[samples.length - 1][0] - w.s0 : 0;
    return { rate: n / (w.elapsed / 1000), n, seconds: w.elapsed / 1000, capped: true };
  }
  const start = samples[0][1] + warmMs;
  let ref = samples[0];
  for (const s of samples) if (s[1] <= start) ref = s;
  const tail = samples[samples.length - 1];
  if (tail === ref) ref = samples[0];
  const seconds = (tail[1] - ref[1]) / 1000;
  return { rate: (tail[0] - ref[0]) / seconds, n: tail[0] - ref[0], seconds, capped: false };
}

/** The backend a readout names: "… steps/s on webgl." or "… runs in the model worker on webgl; …". */
function namedBackend(text: string): string | null {
  return /steps\/s on ([a-z0-9-]+)/.exec(text)?.[1] ?? /model worker on ([a-z0-9-]+)/.exec(text)?.[1] ?? null;
}

const SELECT = '[data-testid="backend-select"]';

/** What the header offers: the active backend, and whether `backend` is an enabled option. */
async function backendState(page: Page, backend: Backend): Promise<{ active: string; offered: boolean; reason: string }> {
  return page.evaluate(`(() => {
    const sel = document.querySelector('${SELECT}');
    const opt = sel.querySelector('option[value="${backend}"]');
    return { active: sel.value, offered: !!opt && !opt.disabled, reason: document.querySelector('[data-testid="backend-reason"]').textContent || '' };
  })()`) as Promise<{ active: string; offered: boolean; reason: string }>;
}

/**
 * Chooses `backend` in the header select (before any model loads) and waits for the model worker's answer:
 * the select enabled again and either showing the choice ("(your choice)" in the reason) or a fallback.
 * Returns the backend the app reports as active.
 */
export async function chooseBackend(page: Page, backend: Backend): Promise<{ active: string; reason: string; offered: boolean }> {
  await page.waitForFunction(`(() => { const s = document.querySelector('${SELECT}'); return s.value !== '' && !s.disabled; })()`, null, { timeout: 60_000 });
  const before = await backendState(page, backend);
  if (before.active === backend) return before;
  if (!before.offered) return before;
  await page.selectOption(SELECT, backend);
  await page
    .waitForFunction(`(() => {
      const s = document.querySelector('${SELECT}');
      const reason = document.querySelector('[data-testid="backend-reason"]').textContent || '';
      return !s.disabled && ((s.value === '${backend}' && reason.includes('(your choice)')) || reason.includes('${backend} failed'));
    })()`, null, { timeout: 60_000 })
    .catch(() => undefined); // judged below, and again by the training readout
  return backendState(page, backend);
}

/** One model on one backend, on a fresh page of `context`. Null when the backend is not offered. */
async function trainingCase(context: BrowserContext, url: string, backend: Backend, model: ModelCase, lim: Limits): Promise<BenchCase | null> {
  const page = await context.newPage();
  const t0 = Date.now();
  try {
    await page.goto(`${url}${model.hash}`);
    await waitReady(page);
    const chosen = await chooseBackend(page, backend);
    if (chosen.active !== backend && !chosen.offered) {
      console.log(`[bench] training: ${backend} is not offered here (${chosen.reason}); skipping ${model.name}`);
      return null;
    }
    await page.click(`[data-testid="${model.load}"]`);
    const loaded = await page
      .waitForSelector(`[data-testid="${model.loaded}"], [data-testid="model-error"]`, { timeout: lim.loadMs })
      .then(async (el) => ((await el.getAttribute('data-testid')) === model.loaded ? null : `load failed: ${await el.textContent()}`))
      .catch(() => `the model did not load in ${lim.loadMs / 1000} s`);
    const label = (actual: string, extra = '') => `${model.name}${actual !== backend ? ` (asked for ${backend})` : ''}${extra}`;
    if (loaded !== null) {
      console.log(`[bench] training on ${backend}: ${model.name}: ${loaded}`);
      return { name: label(chosen.active, ` (not measured: ${loaded.startsWith('the model') ? 'load timed out' : 'load failed'})`), backend: chosen.active, size: null, n: 0, p50: NaN, p95: NaN, unit: 'steps/s' };
    }
    const loadSeconds = (Date.now() - t0) / 1000;
    await page.fill(`[data-testid="${model.steps}"]`, '5000');
    await model.prepare?.(page);
    const watch = (await page.evaluate(`(${TRAIN_WATCH_JS})(${JSON.stringify({ readout: model.readout, train: model.train, ...lim })})`)) as Watch;
    const tp = Date.now();
    await page.click(`[data-testid="${model.pause}"]`, { timeout: 2000 }).catch(() => undefined);
    const paused = await page
      .waitForSelector(`[data-testid="${model.train}"]`, { timeout: lim.pauseMs })
      .then(() => `${((Date.now() - tp) / 1000).toFixed(1)} s`)
      .catch(() => `not within ${lim.pauseMs / 1000} s (page closed with the step in flight)`);
    const actual = namedBackend(watch.text) ?? namedBackend((await page.textContent(`[data-testid="${model.readout}"]`)) ?? '') ?? chosen.active;
    if (actual !== backend) console.log(`[bench] training: asked for ${backend}, ${model.name} ran on ${actual} (${chosen.reason})`);
    const r = windowRate(watch, lim.warmMs);
    const ui = /([\d.]+) steps\/s/.exec(watch.text)?.[1] ?? '—';
    console.log(
      `[bench] training on ${actual}: ${model.name}: ${r.n} steps in ${r.seconds.toFixed(1)} s = ${r.rate.toFixed(3)} steps/s`
      + `${r.capped ? ' (capped: fewer than 2 steps, steps / time since start)' : ''}; UI ${ui} steps/s (whole run); `
      + `page + model load ${loadSeconds.toFixed(1)} s, first step ${watch.samples.length ? (watch.samples[0][1] / 1000).toFixed(1) : '—'} s, `
      + `training ${(watch.elapsed / 1000).toFixed(1)} s, paused ${paused}; load average ${loadavg()[0].toFixed(2)}`,
    );
    return {
      name: label(actual, r.capped ? ' (capped: steps completed / time since start)' : ''),
      backend: actual, size: null, n: r.n, p50: r.rate, p95: r.rate, unit: 'steps/s',
    };
  } finally {
    await page.close();
  }
}

export async function backendCases(context: BrowserContext, url: string, backend: Backend, lim: Limits): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  const t0 = Date.now();
  for (const model of MODELS) {
    const c = await trainingCase(context, url, backend, model, lim);
    if (c === null) break; // the backend is not offered: the other models would not get it either
    out.push(c);
  }
  console.log(`[bench] training on ${backend}: ${out.length} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return out;
}

/** Runs `run` on a context of a browser of its own (closed afterwards, GPU process and any step in flight with it). */
async function inOwnBrowser<T>(extraArgs: string[], run: (context: BrowserContext) => Promise<T>): Promise<T> {
  const { browser } = await launch(extraArgs);
  try {
    return await run(await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true }));
  } finally {
    await browser.close();
  }
}

/** The WebGPU adapter a page gets (null: none), and whether it is a software one (SwiftShader's fallback adapter). */
async function webgpuAdapter(context: BrowserContext, url: string): Promise<{ name: string; software: boolean } | null> {
  const page = await context.newPage();
  try {
    await page.goto(url); // WebGPU needs a secure context: the loopback http origin is one, about:blank is not
    return (await page.evaluate(`(async () => {
      if (!navigator.gpu) return null;
      const a = await Promise.race([navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }), new Promise((r) => setTimeout(() => r(null), 5000))]);
      if (!a) return null;
      const i = a.info || {};
      const name = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'unnamed';
      return { name, software: Boolean(i.isFallbackAdapter ?? a.isFallbackAdapter) || /swiftshader|llvmpipe|software/i.test(name) };
    })()`)) as { name: string; software: boolean } | null;
  } finally {
    await page.close();
  }
}

/**
 * Training steps/s for the patch transformer, the digit denoiser and the RQ auto-encoder at batch 32: on wasm
 * in `context`; on webgl in a browser of its own (same flags), so nothing a slow software-GL step leaves running
 * outlives these cases; on webgpu in a browser started with --enable-unsafe-webgpu when it offers a hardware
 * adapter. A software adapter (this machine: SwiftShader's fallback adapter, measured at ~0.02–0.13 steps/s
 * with 2.5–5 min model loads) would take ~15 min, so it runs only with BENCH_SOFTWARE_WEBGPU=1.
 * `quick` shortens the windows and caps.
 */
export async function trainingCases(context: BrowserContext, url: string, quick: boolean): Promise<BenchCase[]> {
  const lim = limits(quick);
  const out: BenchCase[] = [];
  out.push(...(await backendCases(context, url, 'wasm', lim)));
  out.push(...(await inOwnBrowser([], (c) => backendCases(c, url, 'webgl', lim))));
  out.push(...(await inOwnBrowser(['--enable-unsafe-webgpu'], async (c) => {
    const adapter = await webgpuAdapter(c, url);
    if (adapter === null) {
      console.log('[bench] training on webgpu: skipped, no WebGPU adapter in this Chromium (even with --enable-unsafe-webgpu)');
      return [];
    }
    if (adapter.software && process.env.BENCH_SOFTWARE_WEBGPU !== '1') {
      console.log(`[bench] training on webgpu: skipped, the only adapter is a software one (${adapter.name}); BENCH_SOFTWARE_WEBGPU=1 measures it (adds ~15 min)`);
      return [];
    }
    console.log(`[bench] training on webgpu: adapter ${adapter.name}${adapter.software ? ' (software)' : ''}`);
    return backendCases(c, url, 'webgpu', adapter.software ? { ...lim, loadMs: 400_000 } : lim);
  })));
  return out;
}
