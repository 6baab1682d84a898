// The numbers a chart draws, as a table: every chart builder records how to read them back from the chart it
// built, so each SVG export has a CSV beside it that holds exactly what is drawn.
import type { CsvTable } from '../export/csv';

const tables = new WeakMap<SVGSVGElement, () => CsvTable>();

/** Records how to read `svg`'s data (read when exported: a chart updated in place gives its current values). */
export function setChartData(svg: SVGSVGElement, table: () => CsvTable): void {
  tables.set(svg, table);
}

/** The data `svg` draws (a header with units, a row per point or cell), or null when no builder recorded any. */
export function chartData(svg: SVGSVGElement): CsvTable | null {
  return tables.get(svg)?.() ?? null;
}
