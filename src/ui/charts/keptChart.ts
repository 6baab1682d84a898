// Charts kept with the data they were built from. The page remembers small answers by key (useWorkerRequest's
// `remember`), so going back to a working size or patch size just left hands a panel the same answer object again:
// the chart built from it then is mounted again instead of being built anew. The marks that follow a slider are
// put right on mount (ChartFigure's `live`), as on a chart just built.
import { LruMap } from '../../core/lru';

/** Charts kept per data object: its few views (another statistic, another schedule) at most. */
const PER_OWNER = 4;
const kept = new WeakMap<object, LruMap<string, SVGSVGElement>>();

/**
 * The chart `build` makes from `owner` (an answer or other data object that is not changed once made), kept while
 * `owner` lives. `key` must name every other input the chart is built from.
 */
export function keptChart(owner: object, key: string, build: () => SVGSVGElement): SVGSVGElement {
  let charts = kept.get(owner);
  if (!charts) kept.set(owner, (charts = new LruMap({ entries: PER_OWNER })));
  return charts.getOrSet(key, build);
}
