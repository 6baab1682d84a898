// npx tsx scripts/bench/profile.ts [--dist <dir>] [--size 256] [--patch 8] [--moves 60] [--testid step-slider]
//   [--range lo:hi] [--no-history] [--css <rules>] [--invalidations] [--paints] [--idle] [--plain] [--trace-only] [--noop]
//   [--cats <extra trace categories, comma-separated>] [--top N] [--self N] [--times] [--per-frame (FULL = re-layerized)] [--counts] [--callers <function>] [--js <script run in the page first>]
//   | --load [--task-ms 30] [--other-threads [--other-ms 20]] [--window <from>:<to> ms] [--js-profile]
// Where a slider move spends its main-thread time: serves a built app (default dist/; build it first), drags one
// slider as the bench does (one input per frame, frame start → painted) under the CDP sampling profiler and a trace, then
// prints the per-move times, the functions with the most self time and the main-thread trace events by time.
// --load instead prints the start-up timeline (resources, first paint, image shown, first panel interactive): main-thread
// tasks over --task-ms, other threads' work over --other-ms, every main-thread event over 1 ms inside --window, and with
// --js-profile the page's JavaScript by self time up to the first panel interactive.
// A diagnosis aid for the bench's cases, not part of it.
import type { CDPSession } from 'playwright-core';
import { preview } from 'vite';
import { launch } from '../../tests/e2e/chromium';
import { QUIET_JS, SLIDER_DRAG_JS, sweep } from './sliders';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const dist = opt('dist', 'dist');
const size = Number(opt('size', '256'));
const patch = Number(opt('patch', '8'));
const moves = Number(opt('moves', '60'));
const testId = opt('testid', 'step-slider');
/** --window <from>:<to>: a span of the page's clock (ms from navigation start) for --load's listings. */
const [windowFrom, windowTo] = (() => {
  const [a, b] = opt('window', '').split(':').map(Number);
  return [Number.isFinite(a) ? a : -Infinity, Number.isFinite(b) ? b : Infinity];
})();
const extraHash = opt('hash', '');
/** CSS added to the page before measuring: hide parts of it to see what they cost. */
const css = opt('css', '');

// The bench's drag: one input per frame, from the frame's start to that frame painted (see sliders.ts).
const MOVES_JS = SLIDER_DRAG_JS;
type Moves = { times: number[]; droppedFrames: number; longTasks: number };


interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** Self time by function; with `from` and `until` (the profile's clock, µs), of the samples taken between them only. */
function selfTimes(p: Profile, until = Infinity, from = -Infinity): [string, number][] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t > until) break;
    if (t < from) continue;
    const n = byId.get(p.samples[i])!;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]);
}

interface TraceEvent { name: string; ph: string; ts?: number; dur?: number; tid: number; pid: number; args?: { data?: { frame?: string } } }

/** The renderer main thread: the thread with the most FunctionCall time. */
function mainThread(events: TraceEvent[]): string | undefined {
  const perThread = new Map<string, number>();
  for (const e of events) if (e.ph === 'X' && e.name === 'FunctionCall') perThread.set(`${e.pid}:${e.tid}`, (perThread.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
  return [...perThread.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Complete events ('X') summed by name, on the renderer main thread (the thread with the most RunTask time). */
function traceTotals(events: TraceEvent[]): [string, number][] {
  const main = mainThread(events);
  const sums = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || `${e.pid}:${e.tid}` !== main) continue;
    sums.set(e.name, (sums.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  }
  return [...sums.entries()].sort((a, b) => b[1] - a[1]);
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
};

/** Start-up timeline, in ms from navigation start, for the first panel interactive (as the bench measures it). */
const LOAD_JS = `new Promise((resolve) => {
  const tick = () => {
    const ready = document.querySelector('[data-testid="figure-depth-psnr"] svg .highlight')
      && !document.querySelector('[data-testid="credit"]').textContent.startsWith('Loading');
    if (!ready) return requestAnimationFrame(tick);
    const t = performance.now();
    const res = performance.getEntriesByType('resource').map((r) => ({ name: r.name.split('/').pop(), start: r.startTime, end: r.responseEnd, size: r.transferSize }));
    const paints = performance.getEntriesByType('paint').map((p) => ({ name: p.name, t: p.startTime }));
    const nav = performance.getEntriesByType('navigation')[0];
    resolve({ ready: t, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, res, paints });
  };
  tick();
})`;

async function loadTimeline(url: string): Promise<void> {
  const { browser } = await launch();
  try {
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
      const cdp = await page.context().newCDPSession(page);
      const events: TraceEvent[] = [];
      cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
      const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      // Marks for the start-up chain: when workers are created and image decodes start and end.
      await page.addInitScript(`(() => {
        const marks = (window.__marks = []);
        const W = window.Worker;
        window.Worker = function (url, opts) { marks.push(['new Worker ' + String(url).split('/').pop(), performance.now()]); return new W(url, opts); };
        window.Worker.prototype = W.prototype;
        const cib = window.createImageBitmap;
        window.createImageBitmap = (...a) => { marks.push(['createImageBitmap start', performance.now()]); return cib(...a).then((b) => { marks.push(['createImageBitmap end', performance.now()]); return b; }); };
      })()`);
      await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'v8.execute', 'blink', 'loading'] } });
      const jsProfile = argv.includes('--js-profile');
      if (jsProfile) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      await page.goto(url);
      const r = (await page.evaluate(LOAD_JS)) as { ready: number; dcl: number; load: number; res: { name: string; start: number; end: number; size: number }[]; paints: { name: string; t: number }[] };
      console.log(`run ${i + 1}: first panel interactive ${r.ready.toFixed(0)} ms; DOMContentLoaded ${r.dcl.toFixed(0)}; ${r.paints.map((p) => `${p.name} ${p.t.toFixed(0)}`).join(', ')}`);
      for (const x of r.res) console.log(`  ${x.start.toFixed(0).padStart(6)} → ${x.end.toFixed(0).padStart(6)} ms  ${x.name}`);
      for (const [what, t] of (await page.evaluate('window.__marks')) as [string, number][]) console.log(`  ${t.toFixed(0).padStart(6)} ms  ${what}`);
      const profile = jsProfile ? ((await cdp.send('Profiler.stop')) as unknown as { profile: Profile }).profile : null;
      await cdp.send('Tracing.end');
      await traced;
      // Main-thread tasks over 30 ms, in time order, with what ran in them.
      const main = mainThread(events);
      // Anchor trace time to the page's clock (navigation start) at DOMContentLoaded.
      const dcl = events.find((e) => e.name === 'MarkDOMContent' && `${e.pid}:${e.tid}` === main);
      const nav = dcl ? dcl.ts! - r.dcl * 1000 : Math.min(...events.filter((e) => e.ts).map((e) => e.ts!));
      if (profile) {
        // Main-thread JavaScript from navigation to the first panel interactive (the trace's clock), by self time.
        // --window narrows it to that span of the page's clock.
        const until = nav + Math.min(r.ready, windowTo) * 1000;
        const from = nav + windowFrom * 1000;
        console.log(`  JavaScript up to the first panel interactive (profile ${((until - profile.startTime) / 1000).toFixed(0)} of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms):`);
        for (const [f, ms] of selfTimes(profile, until, from).slice(0, Number(opt('self', '30')))) console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${f}`);
      }
      // Top-level work: tasks, and microtask checkpoints the scheduler runs outside any task (promise chains).
      const tasks = events.filter((e) => e.ph === 'X' && /(^|::)RunTask$|^BlinkScheduler_PerformMicrotaskCheckpoint$/.test(e.name) && `${e.pid}:${e.tid}` === main && (e.dur ?? 0) > Number(opt("task-ms", "30")) * 1000);
      if (argv.includes('--other-threads')) {
        // Off-main-thread work over 20 ms (image decode, worker start-up): what the main thread waits for.
        const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, String((e.args as { name?: string } | undefined)?.name ?? '')]));
        for (const e of events) {
          if (e.ph !== 'X' || `${e.pid}:${e.tid}` === main || (e.dur ?? 0) < Number(opt("other-ms", "20")) * 1000 || /RunTask|ThreadPool|ThreadController/.test(e.name)) continue;
          console.log(`  [${names.get(`${e.pid}:${e.tid}`) ?? e.tid}] ${e.name} at ${((e.ts! - nav) / 1000).toFixed(0)} ms, ${(e.dur! / 1000).toFixed(0)} ms`);
        }
      }
      if (opt('window', '')) {
        // Every main-thread event over 1 ms inside the window (ms from navigation start), nested by start time.
        for (const e of events) {
          if (e.ph !== 'X' || `${e.pid}:${e.tid}` !== main || (e.dur ?? 0) < 1000) continue;
          const t0 = (e.ts! - nav) / 1000;
          if (t0 >= windowFrom && t0 <= windowTo) console.log(`  · ${t0.toFixed(1)} +${(e.dur! / 1000).toFixed(1)} ${e.name}`);
        }
      }
      for (const t of tasks) {
        const inner = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main && e.ts! >= t.ts! && e.ts! < t.ts! + t.dur! && !/RunTask$/.test(e.name) && (e.dur ?? 0) > 5000);
        const what = [...new Set(inner.map((e) => `${e.name}${(e.args?.data as { url?: string; functionName?: string } | undefined)?.functionName ? ':' + (e.args!.data as { functionName: string }).functionName : ''}`))].slice(0, 8).join(', ');
        console.log(`  task at ${((t.ts! - nav) / 1000).toFixed(0).padStart(6)} ms, ${(t.dur! / 1000).toFixed(0)} ms: ${what}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const server = await preview({ build: { outDir: dist }, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  const url = server.resolvedUrls!.local[0];
  if (argv.includes('--load')) {
    await loadTimeline(url);
    await server.close();
    return;
  }
  const { browser } = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
    await page.goto(`${url}#v=1&img=astronaut&size=${size}&patch=${patch}&step=0${extraHash}`);
    await page.waitForSelector('[data-testid="figure-depth-psnr"] svg .highlight', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="patch-summary"]', { timeout: 120_000 });
    // Worker results landing mid-run would be counted as the slider's cost: wait for 2 s without DOM changes.
    await page.evaluate(QUIET_JS);
    if (css) await page.addStyleTag({ content: css });
    // --js <source>: script run in the page before measuring (e.g. to try a DOM change without a rebuild).
    if (opt('js', '')) await page.evaluate(opt('js', ''));
    // What the URL sync costs: history writes become no-ops (the hash stops following the view).
    if (argv.includes('--no-history')) await page.evaluate('history.replaceState = () => {}; history.pushState = () => {};');
    const n = (size / patch) ** 2;
    // --range lo:hi sweeps the slider back and forth one step at a time (as the bench does); else patch-step jumps.
    const range = opt('range', '').split(':').map(Number);
    const values = range.length === 2 ? sweep(range[0], range[1], moves) : Array.from({ length: moves + 5 }, (_, i) => (i * 37 + i) % n);
    // --noop: drive a bare range input appended to the page (no listener): the floor of input → painted frame.
    if (argv.includes('--noop')) await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<input type="range" min="0" max="5000" data-testid="${testId}">')`);
    if (argv.includes('--plain')) {
      // Timing only: no profiler or trace overhead.
      const r = (await page.evaluate(`(${MOVES_JS})(${JSON.stringify({ testId, values })})`)) as Moves;
      console.log(`${testId} at ${size}², ${patch}-px patches: ${r.times.length} moves, p50 ${q(r.times, 0.5).toFixed(1)} ms, p95 ${q(r.times, 0.95).toFixed(1)} ms; dropped frames ${r.droppedFrames}; long tasks ${r.longTasks}`);
      if (argv.includes('--times')) console.log(r.times.map((t) => t.toFixed(1)).join(' '));
      return;
    }
    const cdp: CDPSession = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
    const traced = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'blink', 'cc', ...(argv.includes('--invalidations') ? ['disabled-by-default-devtools.timeline.invalidationTracking', 'disabled-by-default-blink.invalidation'] : []), ...opt('cats', '').split(',').filter(Boolean)] } });
    await cdp.send('Profiler.start');
    // --idle: the same recording over a second without input (what the page costs on its own).
    const r = argv.includes('--idle')
      ? ((await page.evaluate('new Promise((r) => setTimeout(() => r({ times: [0], droppedFrames: 0, longTasks: 0 }), 1000))')) as Moves)
      : ((await page.evaluate(`(${MOVES_JS})(${JSON.stringify({ testId, values })})`)) as Moves);
    const { profile } = argv.includes('--trace-only') ? { profile: { nodes: [], samples: [], timeDeltas: [], startTime: 0, endTime: 0 } as Profile } : ((await cdp.send('Profiler.stop')) as unknown as { profile: Profile });
    await cdp.send('Tracing.end');
    await traced;
    const total = r.times.reduce((a, b) => a + b, 0);
    console.log(`${testId} at ${size}², ${patch}-px patches: ${r.times.length} moves, p50 ${q(r.times, 0.5).toFixed(1)} ms, p95 ${q(r.times, 0.95).toFixed(1)} ms; dropped frames ${r.droppedFrames}; long tasks ${r.longTasks}`);
    if (opt('callers', '')) {
      // --callers <function>: the call stacks under which that function's samples were taken, heaviest first.
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const parent = new Map<number, number>();
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      const stacks = new Map<string, number>();
      profile.samples.forEach((id, i) => {
        if (byId.get(id)!.callFrame.functionName !== opt('callers', '')) return;
        const chain: string[] = [];
        for (let p = parent.get(id); p !== undefined && chain.length < 12; p = parent.get(p)) {
          const f = byId.get(p)!.callFrame;
          chain.push(`${f.functionName || '(anon)'}@${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}`);
        }
        const k = chain.join(' < ');
        stacks.set(k, (stacks.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      for (const [k, v] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`${v.toFixed(1).padStart(7)} ms  ${k}`);
    }
    const top = selfTimes(profile).slice(0, Number(opt('self', '30')));
    console.log(`self time over the run (${total.toFixed(0)} ms of moves):`);
    for (const [k, v] of top) console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);
    if (argv.includes('--invalidations')) {
      const inv = new Map<string, number>();
      for (const e of events) {
        if (!/Invalidat/i.test(e.name)) continue;
        const d = (e.args?.data ?? e.args ?? {}) as Record<string, unknown>;
        const k = `${e.name} ${String(d.nodeName ?? d.object ?? '')} ${String(d.reason ?? '')}`.slice(0, 160);
        inv.set(k, (inv.get(k) ?? 0) + 1);
      }
      if (argv.includes('--raw')) for (const e of events.filter((x) => /Invalidat/i.test(x.name)).slice(0, 400).filter((_, i) => i % 10 === 0)) console.log(e.name, JSON.stringify(e.args).slice(0, 300));
      console.log('invalidations (count):');
      for (const [k, v] of [...inv.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${String(v).padStart(6)}  ${k}`);
    }
    if (argv.includes('--paints')) {
      const paints = events.filter((e) => e.ph === 'X' && e.name === 'Paint').slice(-12);
      for (const e of paints) console.log('Paint', ((e.dur ?? 0) / 1000).toFixed(2), 'ms', JSON.stringify(e.args?.data));
    }
    const main = mainThread(events);
    const busy = events.filter((e) => e.ph === 'X' && /(^|::)RunTask$/.test(e.name) && `${e.pid}:${e.tid}` === main).reduce((a, e) => a + (e.dur ?? 0) / 1000, 0);
    const per = (name: string) => (traceTotals(events).find(([k]) => k === name)?.[1] ?? 0) / values.length;
    console.log(`main thread per move: busy ${(busy / values.length).toFixed(1)} ms; script (input + React) ${per('EventDispatch').toFixed(1)} ms; frame ${per('ProxyMain::BeginMainFrame').toFixed(1)} ms (paint ${per('Paint').toFixed(1)}, layerize ${per('Layerize').toFixed(1)}, layout ${per('Layout').toFixed(1)}, style ${per('UpdateLayoutTree').toFixed(1)}, prepaint ${per('PrePaint').toFixed(1)}, update layers ${per('LayerTreeHost::DoUpdateLayers').toFixed(1)}, commit ${per('ProxyMain::BeginMainFrame::commit').toFixed(1)}, canvases ${per('Canvas2DResourceProvider::ProduceCanvasResource').toFixed(1)})`);
    if (argv.includes('--counts')) {
      // How often each of these main-thread events ran (e.g. full layerization vs the repaint-only update).
      const counts = new Map<string, number>();
      for (const e of events) if (e.ph === 'X' && `${e.pid}:${e.tid}` === main && /PaintArtifactCompositor|Layerize|BeginMainFrame$/.test(e.name)) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
      console.log('event counts:', [...counts].map(([k, v]) => `${k} ${v}`).join(', '));
    }
    if (argv.includes('--per-frame')) {
      // Each main-thread task over 2 ms in time order, with the time it spent in the main rendering steps.
      const mine = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main);
      const t0 = Math.min(...mine.map((e) => e.ts ?? Infinity));
      const steps = ['EventDispatch', 'FunctionCall', 'Layout', 'Paint', 'Layerize', 'PrePaint', 'LayerTreeHost::DoUpdateLayers', 'ProxyMain::BeginMainFrame::commit', 'MinorGC', 'MajorGC', 'V8.GCScavenger', 'V8.GC_MC_BACKGROUND_MARKING', 'TimerFire', 'MessagePort::Accept'];
      for (const task of mine.filter((e) => /(^|::)RunTask$/.test(e.name) && (e.dur ?? 0) > 2000)) {
        const inner = mine.filter((e) => e.ts! >= task.ts! && e.ts! < task.ts! + task.dur! && steps.includes(e.name));
        const by = new Map<string, number>();
        for (const e of inner) by.set(e.name, (by.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
        // A full re-layerization (PaintArtifactCompositor::Update) in the task is flagged "FULL".
        const full = mine.some((e) => e.name === 'PaintArtifactCompositor::Update' && e.ts! >= task.ts! && e.ts! < task.ts! + task.dur!);
        console.log(`${((task.ts! - t0) / 1000).toFixed(0).padStart(6)} ms  ${(task.dur! / 1000).toFixed(1).padStart(5)} ms  ${full ? 'FULL ' : ''}${[...by].map(([k, v]) => `${k.replace('LayerTreeHost::', '').replace('ProxyMain::BeginMainFrame::', '')} ${v.toFixed(1)}`).join(', ')}`);
        if (argv.includes("--invalidations")) {
          // What each frame invalidated (with --invalidations), to compare the FULL frames with the others.
          const keys = new Set<string>();
          for (const e of events) {
            if (!/Invalidat/i.test(e.name) || e.ts! < task.ts! || e.ts! >= task.ts! + task.dur!) continue;
            const d = (e.args?.data ?? e.args ?? {}) as Record<string, unknown>;
            keys.add(`${e.name} ${String(d.nodeName ?? d.object ?? '')} ${String(d.reason ?? '')}`.slice(0, 140));
          }
          for (const k of keys) console.log(`           ${k}`);
        }
      }
    }
    console.log('main-thread trace events by total duration (nested events overlap):');
    for (const [k, v] of traceTotals(events).slice(0, Number(opt('top', '25')))) console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
