// Charts kept with the data they were built from. The page remembers small answers by key (useWorkerRequest's
// `remember`), so going back to a working size or patch size just left hands a panel the same answer object again:
// the chart built from it then is mounted again instead of being built anew. The marks that follow a slider are
// put right on mount (ChartFigure's `live`), as on a chart just built.
import { keptWith } from '../../core/lru';

/**
 * The chart `build` makes from `owner` (an answer or other data object that is not changed once made), kept while
 * `owner` lives, with its few other views (another statistic, another schedule) at most. `key` must name every
 * other input the chart is built from.
 */
export const keptChart: (owner: object, key: string, build: () => SVGSVGElement) => SVGSVGElement = keptWith(4);
