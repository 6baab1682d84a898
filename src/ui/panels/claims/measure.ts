// How each claim of the tour is shown: the view it sets (`apply`) and the measurement it runs then (`run`), on the
// current image and settings or on the shipped models, never a stored number. The reductions are in
// core/claims.ts; this module gathers their inputs (the store, core analyses, worker requests) and words the result.
// Loaded on the first click, so the page's first load does not carry it.
import {
  accuracy, bitPlaneGains, conflictVerdict, continuityAgainstLoss, continuityVerdict, dataVariance, droppedBits, drownedShare, elboWeightings, levelConflict,
  levelDifficulty, nonMonotoneDisagreements, octaveBandEnergy, rowStartContrast,
} from '../../../core/claims';
import type { ClaimId } from '../../../core/claimIds';
import { pixelToModel } from '../../../core/conventions';
import { analyzeBitplanes } from '../../../core/depth/bitplanes';
import { WEIGHTING_KINDS } from '../../../core/diffusion/kinds';
import { levelAt, levelLogSnr, samplerLevels } from '../../../core/diffusion/levels';
import { seededNoise } from '../../../core/diffusion/forward';
import { spectraForImage } from '../../../core/diffusion/spectrum';
import type { RgbImage } from '../../../core/image';
import { ORDERING_LABELS, type OrderingKind } from '../../../core/orderings';
import { analyzeOrdering } from '../../../core/patch/analysis';
import { contextStats } from '../../../core/patch/context';
import { patchGrid } from '../../../core/patch/grid';
import { getComputeClient, type RequestOptions } from '../../../compute/client';
import { publicBase } from '../../../compute/requests';
import { RQAE_TALK_NON_MONOTONE, type PayloadOf, type RequestKind, type ResultOf } from '../../../protocol';
import { NULL_CLASS } from '../../../state/diffusionSlice';
import { labViewSettings } from '../../../state/labSlice';
import type { AppStore } from '../../../state/store';
import { EDM2_INTERVAL, modelLogSnrRange } from '../diffusion/denoiserData';
import { scheduleSpec } from '../diffusion/diffusionData';
import { LAB_VIEWS } from '../lab/labViews';
import { LAMBDAS } from '../diffusion/tParts';

/** What a run reports while it works: done of total, and what it is doing. */
export interface ClaimRun {
  signal: AbortSignal;
  onProgress(done: number, total: number, label?: string): void;
}

export interface ClaimResult {
  /** The measured numbers in a sentence or two, with their units and settings. */
  text: string;
  /** The headline number (what a test reads to see the measurement follow its input). */
  value: number;
}

export interface ClaimMeasure {
  /** Sets the panels to the view that tests the claim. */
  apply(store: AppStore): void;
  run(store: AppStore, run: ClaimRun): Promise<ClaimResult>;
}

const abortError = () => new DOMException('The claim was cancelled', 'AbortError');

/** Lets the page paint (the run's progress) before a stretch of work, and stops there when cancelled. */
async function breathe(signal: AbortSignal): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  if (signal.aborted) throw abortError();
}

/** The working image, once there is one. */
function imageNow(store: AppStore, signal: AbortSignal): Promise<RgbImage> {
  return new Promise((resolve, reject) => {
    const now = store.getState().image.working;
    if (now) return resolve(now);
    const stop = store.subscribe((s) => {
      if (!s.image.working) return;
      stop();
      resolve(s.image.working);
    });
    signal.addEventListener('abort', () => {
      stop();
      reject(abortError());
    }, { once: true });
  });
}

/** Reports a part of the run that counts as `part` of it, starting at `from` (fractions of 1), named `label`. */
function share(run: ClaimRun, from: number, part: number, label: string): (done: number, total: number, what?: string) => void {
  run.onProgress(from, 1, label);
  return (done, total, what) => run.onProgress(from + part * (total > 0 ? done / total : 0), 1, `${label}${what ? `: ${what}` : ''}`);
}

/** A worker request that is `part` of the run, starting at `from`. */
function request<K extends RequestKind>(kind: K, payload: PayloadOf<K>, run: ClaimRun, from: number, part: number, label: string): Promise<ResultOf<K>> {
  const onProgress: RequestOptions<K>['onProgress'] = share(run, from, part, label);
  return getComputeClient().request(kind, payload, { signal: run.signal, onProgress });
}

/** A number for a sentence: `digits` significant digits, a true minus sign. */
function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : 'n/a';
  const s = Math.abs(v) >= 10 ** digits ? v.toFixed(0) : String(Number(v.toPrecision(digits)));
  return s.replace('-', '−');
}
/** A share as a percentage, kept on one line with its sign. */
const pct = (v: number) => `${num(100 * v, 2)}\u00a0%`;
const signed = (v: number, digits = 3) => (v >= 0 ? `+${num(v, digits)}` : num(v, digits));

/** An ordering of the built-in kinds (a painted one has no name to report). */
type KindSpec = { kind: OrderingKind; seed?: number };

const DIGIT_ORDERINGS: readonly KindSpec[] = [{ kind: 'raster' }, { kind: 'hilbert' }, { kind: 'random', seed: 0 }];

export const MEASURES: Record<ClaimId, ClaimMeasure> = {
  'row-breaks': {
    apply: (store) => store.getState().setPatch({ ordering: 'raster', stat: 'copy' }),
    async run(store, run) {
      const image = await imageNow(store, run.signal);
      await breathe(run.signal);
      const { patch, seed } = store.getState().patch;
      const grid = patchGrid(image, patch);
      const specs: KindSpec[] = [{ kind: 'raster' }, { kind: 'hilbert' }, { kind: 'random', seed }];
      const [raster, ...others] = specs.map((s) => analyzeOrdering(grid, s));
      const copy = rowStartContrast(raster.predictors.copy, raster.context.breaks);
      const linear = rowStartContrast(raster.predictors.linear, raster.context.breaks);
      const breaks = [raster, ...others].map((a, i) => `${ORDERING_LABELS[specs[i].kind]} ${a.context.breaks.length}`).join(', ');
      // The transformer's own row starts against mid-row are in claim 2 (it loads the shipped models).
      return {
        value: copy.ratio,
        text: `On this ${image.width}×${image.height} image in ${patch}-px patches (${grid.rows}×${grid.cols} grid), continuity breaks per ordering: ${breaks} (random seed ${seed}). `
          + `In raster order, copying the nearest patch errs ${num(copy.atBreaks)} (MSE) at the ${copy.breaks} row starts against ${num(copy.elsewhere)} mid-row (×${num(copy.ratio)}); `
          + `the linear predictor ${num(linear.atBreaks)} against ${num(linear.elsewhere)} (×${num(linear.ratio)}). `
          + (copy.ratio > 1 && linear.ratio > 1 ? 'Here row starts are harder, as claimed.' : 'Here row starts are not harder for every predictor: the claim does not hold on this image.'),
      };
    },
  },
  'continuity-not-main': {
    apply: (store) => store.getState().setPatch({ ordering: 'raster' }),
    async run(_store, run) {
      const rows = [];
      let rasterRows: { perStep: number[]; breaks: number[] } | null = null;
      for (const [i, ordering] of DIGIT_ORDERINGS.entries()) {
        const name = ORDERING_LABELS[ordering.kind];
        const status = await request('patch-model-load', { ordering, baseUrl: publicBase(), data: 'digits' }, run, i / DIGIT_ORDERINGS.length, 1 / DIGIT_ORDERINGS.length, `The ${name} transformer`);
        const breaks = contextStats(status.order, status.rows, status.cols).breaks;
        rows.push({ ordering: name, breaks: breaks.length, loss: status.meanMse, heldout: status.heldoutCount });
        if (ordering.kind === 'raster') rasterRows = { perStep: status.perStepMse, breaks };
      }
      const c = continuityAgainstLoss(rows);
      const row = rasterRows ? rowStartContrast(rasterRows.perStep, rasterRows.breaks) : null;
      const verdict = continuityVerdict(c) === 'disagrees'
        ? 'Here this disagrees with the talk: the ordering with the fewest breaks is clearly the easiest.'
        : !c.fewestBreaksIsBest
          ? `The ordering with the fewest breaks (${c.fewest}) is not the easiest (${c.best} is): continuity alone does not set the loss, as the talk says.`
          : 'The fewest breaks give the lowest loss, but the losses differ far less than the breaks: continuity is not the main source, as the talk says.';
      return {
        value: c.lossSpread,
        text: `Held-out next-patch MSE of the shipped digit transformers on ${rows[0].heldout} digits: ${rows.map((r) => `${r.ordering} ${num(r.loss)} (${r.breaks} ${r.breaks === 1 ? 'break' : 'breaks'})`).join(', ')}. `
          + `The breaks differ by ×${num(c.breaksRatio)}, the losses by ${pct(c.lossSpread)}. ${verdict}`
          + (row ? ` In raster order the transformer errs ${num(row.atBreaks)} at the ${row.breaks} row starts against ${num(row.elsewhere)} mid-row (×${num(row.ratio)})${row.ratio < 1 ? ': easier, since a digit’s row starts are its blank left margin' : ''}.` : ''),
      };
    },
  },
  'bitplanes-unequal': {
    apply: (store) => store.getState().setDepth({ view: 'bitplanes', bits: 4 }),
    async run(store, run) {
      const image = await imageNow(store, run.signal);
      await breathe(run.signal);
      const a = analyzeBitplanes(image);
      const { gainDb, entropy, errorShare } = bitPlaneGains(a);
      return {
        value: errorShare[1],
        text: `PSNR with the top bit of this image: ${num(a.psnr[0])} dB; each further plane adds ${gainDb.slice(1, 7).map((g) => `${signed(g)}`).join(', ')} dB and the 8th makes it exact. `
          + `Of the error left after the top bit, planes 2 to 8 remove ${errorShare.slice(1).map((e) => pct(e)).join(', ')}: each about a quarter of the one before. `
          + `Entropy per plane, most significant first: ${entropy.map((e) => num(e, 2)).join(', ')} bits per value — near 1 for every plane, so the entropy of a plane alone does not tell structure from noise; the error each removes does.`,
      };
    },
  },
  'drop-low-bits': {
    apply: (store) => store.getState().setDepth({ view: 'bitplanes', bits: 5 }),
    async run(store, run) {
      const image = await imageNow(store, run.signal);
      await breathe(run.signal);
      const a = analyzeBitplanes(image);
      const d = droppedBits(a, 5);
      const kept = a.entropy.slice(0, 5).reduce((s, e) => s + e, 0) / 5;
      return {
        value: d.psnr,
        text: `The top 5 of 8 bits reconstruct this image at ${num(d.psnr)} dB PSNR. The 3 dropped planes carry ${num(d.droppedEntropy)} bits per value on average (1 bit: incompressible noise), `
          + `the 5 kept ${num(kept)}${kept > 0.9 ? ': as high, so on this image the per-plane entropy does not single the dropped planes out as noise; their tiny share of the error does (claim 3)' : ''}.`,
      };
    },
  },
  'bands-split': {
    apply: (store) => store.getState().setDepth({ view: 'dct-whole' }),
    async run(store, run) {
      const image = await imageNow(store, run.signal);
      await breathe(run.signal);
      const n = Math.max(image.width, image.height);
      const { upper, share } = octaveBandEnergy(image);
      const low = share.reduce((s, v, b) => (upper[b] <= n / 8 ? s + v : s), 0);
      const high = share.reduce((s, v, b) => (upper[b] > n / 2 ? s + v : s), 0);
      const bands = share.slice(1).map((v, i) => `<${upper[i + 1]}: ${pct(v)}`).join(', ');
      return {
        value: low,
        text: `Share of this image’s energy (luma, mean removed) per octave of its whole-image DCT, by the larger frequency index: ${bands}. `
          + `The lowest eighth of the frequencies holds ${pct(low)}, the top half ${pct(high)}.`,
      };
    },
  },
  'rq-non-monotone': {
    apply: (store) => store.getState().setDepth({ view: 'rq' }),
    async run(_store, run) {
      const r = await request('rqae-compare', { baseUrl: publicBase() }, run, 0, 1, 'Measuring the shipped RQ auto-encoders');
      const summed = r.models.filter((m) => m.objective === 'summed').sort((a, b) => a.depth - b.depth);
      const talkOf = (depth: number) => RQAE_TALK_NON_MONOTONE.find((t) => t.depth === depth);
      const parts = summed.map((m) => {
        const talk = talkOf(m.depth);
        return `D = ${m.depth}: ${pct(m.nonMonotoneFraction)}${talk ? ` (talk ${talk.label})` : ''}`;
      });
      const disagree = nonMonotoneDisagreements(summed.map((m) => ({ depth: m.depth, fraction: m.nonMonotoneFraction })), RQAE_TALK_NON_MONOTONE);
      const verdict = disagree.length === 0
        ? 'These agree with the talk within 10 points.'
        : `These disagree with the talk at D = ${disagree.join(', ')} (more than 10 points apart; the talk’s models also had an information bottleneck).`;
      return {
        value: summed.at(-1)?.nonMonotoneFraction ?? NaN,
        text: `Share of ${r.heldoutCount} held-out digits whose reconstruction gets worse from some depth to the next (MSE rise > 1e−6 relative), summed objective, shared codebook: ${parts.join('; ')}. ${verdict}`,
      };
    },
  },
  'noise-drowns-high': {
    apply: () => {},
    async run(store, run) {
      const image = await imageNow(store, run.signal);
      await breathe(run.signal);
      const v = store.getState().diffusion;
      const level = levelAt(scheduleSpec(v), v.t, { shift: v.shift });
      const x0 = Float32Array.from(image.data, pixelToModel);
      const pre = spectraForImage(x0, seededNoise(x0.length, v.seed), image.width);
      const d = drownedShare(pre, level.alpha, level.sigma);
      const at = `At t = ${v.t.toFixed(3)} (${v.schedule} schedule, λ = ${num(levelLogSnr(level))}, noise seed ${v.seed})`;
      return {
        value: d.ring ?? 0,
        text: d.ring === null || d.fractionOfTop === null || d.cyclesPerPixel === null
          ? `${at} no frequency of this image is drowned yet: even the finest ring has more image than noise power.`
          : `${at} every frequency from ring ${d.ring} up (${num(d.cyclesPerPixel)} cycles per pixel and finer: the top ${pct(1 - d.fractionOfTop)} of the spectrum) has less image than noise power; the lower ones are still visible.`,
      };
    },
  },
  'noise-levels-conflict': {
    apply: () => {},
    async run(store, run) {
      // Each of the lab's views at its settings: noise levels first (the claim), then the other decompositions.
      const rows = [];
      for (const [i, view] of LAB_VIEWS.entries()) {
        const s = labViewSettings(store.getState().lab, view.view);
        const settings = { measure: 'gradients' as const, k: s.k, batch: s.batch, batches: s.batches, seed: s.seed, ...(view.view === 'patch' ? { grouping: s.grouping } : {}) };
        const onProgress = share(run, i / LAB_VIEWS.length, 1 / LAB_VIEWS.length, `${view.heading}: gradients`);
        const result = await view.send(s.model, settings, { signal: run.signal, onProgress });
        if (result.measure !== 'gradients') throw new Error('the lab answered another measure');
        store.getState().addLabRun({ view: view.view, model: s.model, grouping: s.grouping, result });
        rows.push({ view, s, result, c: levelConflict(result.gram, result.k) });
      }
      const [noise, ...others] = rows;
      const c = noise.c;
      const verdict = {
        disagrees: 'Here this disagrees with the talk: far-apart levels still point the same way.',
        agrees: 'This agrees with the talk: far-apart levels are near-orthogonal or opposed, well below the control.',
        undecided: 'Far-apart levels are near-orthogonal, as the talk says, but so are the control’s random parts at this batch: it cannot tell conflict from sampling noise here (larger batches in the lab can).',
      }[conflictVerdict(c)];
      const other = others.map(({ view, result, c: o }) => `${view.heading.toLowerCase()} (${result.label}, K = ${result.k}): far apart ${num(o.farMean, 2)}, neighbours ${num(o.neighbourMean, 2)}, control ${num(o.controlMean, 2)}`);
      return {
        value: c.farMean,
        text: `${noise.result.label}, K = ${noise.s.k} levels, ${noise.s.batches} batches of ${noise.s.batch} (seed ${noise.s.seed}): far-apart levels’ mean cross cosine ${num(c.farMean, 2)}, neighbours ${num(c.neighbourMean, 2)}, `
          + `the control ${num(c.controlMean, 2)}; ${pct(c.negativeShare)} of pairs conflict (cosine < 0). ${verdict} The other decompositions, measured the same way: ${other.join('; ')}. The lab’s comparison table below lists all three; its Compute buttons draw the matrices.`,
      };
    },
  },
  'middle-levels-hardest': {
    apply: (store) => store.getState().setDiffusion({ denoiser: 'digits' }),
    async run(store, run) {
      const baseUrl = publicBase();
      const status = await request('denoiser-load', { model: 'digits', baseUrl }, run, 0, 0.3, 'The digit denoiser');
      const response = await fetch(`${baseUrl}models/diffusion/digits-heldout.bin`, { signal: run.signal });
      if (!response.ok) throw new Error(`the held-out digits could not be read (HTTP ${response.status})`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const size = status.side * status.side * status.channels;
      const count = Math.floor(bytes.length / size);
      const variance = dataVariance(Float64Array.from(bytes.subarray(0, count * size), (b) => pixelToModel(b / 255)), count, size);
      const d = levelDifficulty(status.lambda, status.loss, variance);
      const last = status.lambda.length - 1;
      const v = store.getState().diffusion;
      const range = modelLogSnrRange(status);
      const levels = samplerLevels(scheduleSpec(v), v.sampleSteps, { shift: v.shift, minLogSnr: range ? range[0] : undefined });
      const label = v.sampleLabel === NULL_CLASS ? 3 : v.sampleLabel;
      const count16 = 16;
      const ways = [
        { name: 'no guidance', extra: {} },
        { name: 'everywhere', extra: { guidance: v.guidance, interval: [0, Infinity] as [number, number] } },
        { name: `only for σ ∈ (${EDM2_INTERVAL[0]}, ${EDM2_INTERVAL[1]}]`, extra: { guidance: v.guidance, interval: [EDM2_INTERVAL[0], EDM2_INTERVAL[1]] as [number, number] } },
      ];
      const acc: number[] = [];
      for (const [i, way] of ways.entries()) {
        const r = await request('denoiser-sample', {
          model: 'digits', baseUrl, sampler: v.sampler, levels, seed: v.sampleSeed, count: count16, label, stripCount: 1, ...way.extra,
        }, run, 0.3 + (0.7 * i) / ways.length, 0.7 / ways.length, `Sampling, guidance ${way.name}`);
        acc.push(accuracy(r.predictedClass ?? [], label));
      }
      return {
        value: d.mostLearned,
        text: `Digit denoiser, held-out loss per λ over the better trivial prediction’s (the data mean, or the input itself; the same ratio in every target’s units): ×${num(d.ratio[0], 2)} at λ = ${num(status.lambda[0], 2)}, `
          + `×${num(d.ratio[last], 2)} at λ = ${num(status.lambda[last], 2)}, lowest (×${num(Math.min(...d.ratio), 2)}) at λ = ${num(d.mostLearned, 2)}: the model beats the trivial prediction most in the middle`
          + `${d.ratio[0] > 1.1 || d.ratio[last] > 1.1 ? ', and at an end the trivial prediction is even better than the model' : ''}. `
          + `Guidance w = ${v.guidance} on ${count16} samples of class ${label} (seed ${v.sampleSeed}, ${v.sampler}, ${levels.length - 1} steps), classifier accuracy: ${ways.map((w, i) => `${w.name} ${pct(acc[i])}`).join(', ')}.`
          + (acc[2] >= acc[1] - 1 / count16 ? ' Guiding only the middle does as well as everywhere, as the talk says.' : ' Here guiding only the middle does worse than everywhere, unlike the talk.'),
      };
    },
  },
  'elbo-weighting': {
    apply: () => {},
    async run(store, run) {
      await breathe(run.signal);
      const v = store.getState().diffusion;
      const prediction = v.target === 'velocity' ? 'eps' : v.target;
      const rows = elboWeightings(WEIGHTING_KINDS, LAMBDAS, { schedule: scheduleSpec(v), shift: v.shift, gamma: v.gamma, prediction });
      const yes = rows.filter((r) => r.elbo).map((r) => r.kind);
      const no = rows.filter((r) => !r.elbo).map((r) => r.kind);
      return {
        value: yes.length,
        text: `Under the ${v.schedule} schedule (shift ${v.shift}, Min-SNR γ ${v.gamma}, ${prediction} target), ${yes.length} of ${rows.length} preset weightings have an effective weight w(λ) that never increases with λ — ELBO objectives in disguise: ${yes.join(', ') || 'none'}; `
          + `the others increase somewhere: ${no.join(', ') || 'none'}. The Diffusion panel’s badge shows the same for the weighting selected.`,
      };
    },
  },
};
