// The digit denoisers' sample quality: the digit classifier that labels their samples (its files are among a load's
// early downloads until it is loaded), its held-out accuracy, the reference every measurement compares with, and
// the 'denoiser-quality' request, whose results are cached per host.
import type { FeatureStats } from '../../core/frechet';
import {
  classifyAsync, disposeClassifier, loadFromUrl, pixelsOfSet, qualityReference, sampleQuality, type Classifier, type Denoiser,
  type Parameterization,
} from '../../models/diffusion';
import { activeBackendName } from '../../models/savedModels';
import { checkQualitySettings, type DenoiserQuality, type DenoiserRequest, type DenoiserTarget } from '../../protocol/denoiser';
import { checkModel, SPECS, type denoiserData, type Spec } from './denoiserData';
import { reportPhase, yieldToQueue, type ModelContext } from './hostHelpers';

/** Quality measurements kept per host (each a few numbers). */
const MAX_QUALITY_CACHE = 32;

/** A denoiser in memory, as quality reads it. */
type QualityModel = { model: Denoiser; parameterization: Parameterization; version: number };

type QualityReference = { classifier: Classifier; heldout: FeatureStats; floor: DenoiserQuality['floor'] };

/** The classifier, the quality references and the measurements of one denoiser host, which passes its own parts. */
export function createDenoiserQuality<E extends QualityModel>(deps: {
  fetchFn: (url: string) => Promise<Response>;
  /** The fetch that hands out a load's early downloads. */
  shippedFetch: (url: string) => Promise<Response>;
  data: ReturnType<typeof denoiserData>;
  entryFor: (target: DenoiserTarget, ctx: ModelContext) => Promise<E>;
  store: { withLock<R>(entry: E, job: () => Promise<R>): Promise<R> };
}) {
  const { fetchFn, shippedFetch, entryFor, store } = deps;
  const { imageSet, heldout, shippedMetrics } = deps.data;
  let classifier: Promise<{ model: Classifier; accuracy: number }> | null = null;
  /** Per base URL: the held-out digits' classifier features and the floor (held-out against as many training digits). */
  const references = new Map<string, Promise<QualityReference>>();
  const qualities = new Map<string, DenoiserQuality>();

  /** The digit classifier and its accuracy on the whole shipped held-out set (digits only). */
  /**
   * The digit classifier and its held-out accuracy: the accuracy its training recorded when that was measured on
   * these held-out digits (tests/unit/models/diffusion/shipped.test.ts checks it), else measured here.
   */
  function classifierFor(baseUrl: string): Promise<{ model: Classifier; accuracy: number }> {
    classifier ??= (async () => {
      const [{ model }, set, recorded] = await Promise.all([
        loadFromUrl('digit-classifier', `${baseUrl}models/diffusion/classifier/`, undefined, shippedFetch),
        imageSet(baseUrl, SPECS.digits, SPECS.digits.heldout),
        shippedMetrics(baseUrl).then((m) => m?.classifier),
      ]);
      if (recorded && recorded.heldout === set.count && Number.isFinite(recorded.heldoutAccuracy)) return { model, accuracy: recorded.heldoutAccuracy };
      const { label } = await classifyAsync(model, pixelsOfSet(set, Int32Array.from({ length: set.count }, (_, i) => i)));
      let right = 0;
      for (let i = 0; i < set.count; i++) if (label[i] === set.labels![i]) right++;
      return { model, accuracy: right / set.count };
    })();
    classifier.catch(() => (classifier = null));
    return classifier;
  }

  /** The classifier's held-out accuracy: as its training recorded it when that fits these held-out digits (no classifier loads), else measured. */
  async function accuracyFor(baseUrl: string): Promise<number | null> {
    const [recorded, set, shipped] = await Promise.all([
      shippedMetrics(baseUrl).then((m) => m?.classifier),
      imageSet(baseUrl, SPECS.digits, SPECS.digits.heldout),
      fetchFn(`${baseUrl}models/diffusion/classifier/model.json`).then((r) => r.ok, () => false),
    ]);
    if (!shipped) return null;
    if (recorded && recorded.heldout === set.count && Number.isFinite(recorded.heldoutAccuracy)) return recorded.heldoutAccuracy;
    return (await classifierFor(baseUrl)).accuracy;
  }

  /** What every quality measurement compares with; cached, retried after a failure. */
  function referenceFor(baseUrl: string, spec: Spec): Promise<QualityReference> {
    const key = `${baseUrl}|${spec.heldout}|${spec.train}`;
    let hit = references.get(key);
    if (!hit) {
      hit = (async () => {
        const [{ model }, held, train] = await Promise.all([classifierFor(baseUrl), heldout(baseUrl, spec), imageSet(baseUrl, spec, spec.train)]);
        return { classifier: model, ...(await qualityReference(model, held, train)) };
      })();
      references.set(key, hit);
      hit.catch(() => references.delete(key));
    }
    return hit;
  }

  async function qualityRun(req: Extract<DenoiserRequest, { kind: 'denoiser-quality' }>, ctx: ModelContext): Promise<DenoiserQuality> {
    const spec = checkModel(req);
    checkQualitySettings(req.settings);
    if (!spec.labels) throw new Error(`sample quality is read by the digit classifier: the ${req.model} denoiser is not a class-conditional digit model`);
    reportPhase(ctx, 100, `Downloading the ${spec.noun} and the classifier`, 'data');
    const ref = await referenceFor(req.baseUrl, spec);
    const entry = await entryFor(req, ctx);
    const { perClass, steps, guidance, seed } = req.settings;
    const settings = { perClass, steps, guidance, seed };
    const key = JSON.stringify([req.model, entry.version, perClass, steps, guidance, seed]);
    const hit = qualities.get(key);
    if (hit) return { ...hit, milliseconds: 0, cached: true };
    const version = entry.version;
    const start = performance.now();
    const rows = await sampleQuality({
      denoiser: entry.model, parameterization: entry.parameterization, classifier: ref.classifier, reference: ref.heldout, settings,
      // One sampler run at a time holds the model, so predictions at the panel's t go on meanwhile.
      batch: (run) => store.withLock(entry, () => {
        if (entry.version !== version) throw new Error('the weights changed during the measurement (training ran); measure again');
        return run(entry.model);
      }),
      between: async (p) => {
        ctx.progress(p.done, p.total, 'Sampling', { phase: 'sampling', placement: p.placement, samples: p.samples });
        if (p.done % 4 === 0) {
          await yieldToQueue(); // lets a cancel in
          if (ctx.cancelled()) throw new Error('the quality measurement was cancelled');
        }
      },
    });
    const result: DenoiserQuality = {
      model: req.model, version, settings, samples: perClass * ref.classifier.config.classes, heldoutCount: ref.heldout.count,
      featureDim: ref.heldout.dim, rows, floor: ref.floor, milliseconds: performance.now() - start, cached: false, backend: activeBackendName(),
    };
    if (qualities.size >= MAX_QUALITY_CACHE) qualities.delete(qualities.keys().next().value!);
    qualities.set(key, result);
    return result;
  }

  return {
    classifierFor,
    accuracyFor,
    qualityRun,
    /** Whether the classifier is loaded (or loading): until then a digit model's load downloads its files early. */
    classifierLoaded: (): boolean => classifier !== null,
    /** Frees the classifier and forgets the references and measurements (the next request reloads). */
    clear(): void {
      references.clear();
      qualities.clear();
      const c = classifier;
      classifier = null;
      void c?.then((x) => {
        try {
          disposeClassifier(x.model);
        } catch {
          // gone with the backend
        }
      }, () => undefined);
    },
  };
}
