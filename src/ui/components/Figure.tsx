import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { PixelCanvas, rgbaOf, type Drawable } from './PixelCanvas';
import { DataTable } from './DataTable';
import { appStore } from '../../state/store';
import { currentHash } from '../../state/urlSync';
import { downloadBytes, exportPngWithState, exportSvg, imageToCanvas, svgToCanvas } from '../export/exportPng';
import { toCsv, type CsvTable } from '../export/csv';
import { exportFileName } from '../export/fileName';
import { registerExportable } from '../export/registry';
import { updateBarChart } from '../charts/barChart';
import { chartData } from '../charts/chartData';
import { updateLineChart, type Series } from '../charts/lineChart';
import { useLatest } from '../hooks/useLatest';

/** CSS pixels per side at which images are shown (they are exported at twice that). */
export const IMAGE_DISPLAY_PX = 256;

export interface ExportName {
  panel: string;
  what: string;
  params: Record<string, string | number>;
}

/** An export name, or a function giving it at export time (for a figure that does not re-render when a value in
 * its name changes, e.g. the t of the Diffusion panel's x₀). */
export type FigureName = ExportName | (() => ExportName);
const nameOf = (name: FigureName): ExportName => (typeof name === 'function' ? name() : name);

interface FigureProps {
  id: string;
  title: string;
  name: FigureName;
  /** Draws the figure at export density (2×); null while it has nothing to show yet (still computing). */
  toCanvas(): Promise<HTMLCanvasElement | null>;
  svg?: () => SVGSVGElement | null;
  /** The figure's numbers as a table (a header with units, a row per record): adds a CSV export button and a
   * "Table" button that shows the same rows as an HTML table below the figure. */
  csv?: () => CsvTable | null;
  children: ReactNode;
  caption?: ReactNode;
}

/** A titled figure with its own export buttons; it also registers itself for "Export all". */
export function Figure({ id, title, name, toCanvas, svg, csv, children, caption }: FigureProps) {
  const [tableOpen, setTableOpen] = useState(false);
  const latest = useRef({ toCanvas, title, name, csv });
  useLayoutEffect(() => {
    latest.current = { toCanvas, title, name, csv };
  });
  useEffect(
    () => registerExportable({
      id, get panel() { return nameOf(latest.current.name).panel; }, get title() { return latest.current.title; },
      toCanvas: () => latest.current.toCanvas(), csv: () => latest.current.csv?.() ?? null,
    }),
    [id],
  );
  const file = (ext: 'png' | 'svg' | 'csv') => {
    const { panel, what, params } = nameOf(name);
    return exportFileName(panel, what, params, ext);
  };
  const onPng = async () => {
    const canvas = await toCanvas();
    if (canvas) await exportPngWithState(canvas, file('png'), currentHash(appStore));
    else appStore.getState().notify('info', `“${title}” is still being computed; export it once it is shown.`);
  };
  const onSvg = () => {
    const el = svg?.();
    if (el) exportSvg(el, file('svg'), currentHash(appStore));
  };
  const onCsv = () => {
    const table = csv?.();
    if (table) downloadBytes(toCsv(table), file('csv'), 'text/csv;charset=utf-8');
    else appStore.getState().notify('info', `“${title}” is still being computed; export it once it is shown.`);
  };
  return (
    <figure className="figure" data-export-id={id} data-testid={`figure-${id}`}>
      <figcaption>
        <span className="figure-title">{title}</span>
        <span className="figure-actions">
          <button type="button" onClick={() => void onPng()} aria-label={`Export “${title}” as PNG`} data-testid={`export-png-${id}`}>PNG</button>
          {svg && <button type="button" onClick={onSvg} aria-label={`Export “${title}” as SVG`} data-testid={`export-svg-${id}`}>SVG</button>}
          {csv && <button type="button" onClick={onCsv} aria-label={`Export “${title}” as CSV`} data-testid={`export-csv-${id}`}>CSV</button>}
          {csv && (
            <button
              type="button" onClick={() => setTableOpen((o) => !o)} aria-expanded={tableOpen} aria-controls={tableOpen ? `table-${id}` : undefined}
              aria-label={`Data table of “${title}”`} data-testid={`table-toggle-${id}`}
            >Table</button>
          )}
        </span>
      </figcaption>
      {children}
      {csv && tableOpen && <DataTable id={`table-${id}`} title={title} csv={csv} />}
      {caption && <div className="figure-note">{caption}</div>}
    </figure>
  );
}

interface PixelFigureProps extends Omit<FigureProps, 'toCanvas' | 'svg' | 'children'> {
  image: Drawable | null;
  alt: string;
}

/** An RgbImage drawn pixel-exact on a canvas and scaled up without smoothing. */
export function PixelFigure({ image, alt, ...rest }: PixelFigureProps) {
  const toCanvas = async () => {
    if (!image) return null;
    // From the image, not the canvas (which holds only the pixels it is shown with): at 2× the largest on-screen
    // size, which every working size divides exactly.
    return imageToCanvas(new ImageData(rgbaOf(image) as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), (2 * IMAGE_DISPLAY_PX) / image.width);
  };
  return (
    <Figure {...rest} toCanvas={toCanvas}>
      <PixelCanvas image={image} className="pixels" role="img" aria-label={alt} testId={`canvas-${rest.id}`} fit />
    </Figure>
  );
}

/**
 * What follows a slider on a chart built once per data set: the line chart's highlight x and vertical markers,
 * the bar chart's highlighted keys, and the description. Applied in place (updateLineChart / updateBarChart).
 */
export interface ChartLive {
  /** New values of the line chart's series (matched by id), drawn on its axes as built: keep it memoized. */
  series?: Series[];
  highlightX?: number;
  markers?: { x: number; label?: string }[];
  barKeys?: string[];
  description?: string;
}

interface ChartFigureProps extends Omit<FigureProps, 'toCanvas' | 'svg' | 'children'> {
  chart: SVGSVGElement | null;
  live?: ChartLive;
}

/**
 * A chart built by a pure (data, options) → SVG function; React only mounts it. With `live`, the marks that
 * follow a slider move on the mounted chart, so the chart itself need only be rebuilt when its data change.
 */
export function ChartFigure({ chart, live, csv, ...rest }: ChartFigureProps) {
  const host = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    el.replaceChildren(...(chart ? [chart] : []));
  }, [chart]);
  const hasLive = live !== undefined;
  const series = live?.series;
  const highlightX = live?.highlightX;
  const description = live?.description;
  // Markers and bar keys come as new arrays each render: they apply again only when their values change.
  const lists = useLatest({ markers: live?.markers, barKeys: live?.barKeys });
  const markersKey = live?.markers?.map((m) => m.x).join(',');
  const barKey = live?.barKeys?.join(',');
  useLayoutEffect(() => {
    if (!chart || !hasLive) return;
    const { markers, barKeys } = lists.current;
    if (barKeys) updateBarChart(chart, { highlightedKeys: barKeys, description });
    else updateLineChart(chart, { series, highlightX, markers, description });
  }, [chart, hasLive, series, highlightX, description, lists, markersKey, barKey]);
  const toCanvas = async () => {
    if (!chart) return null;
    return svgToCanvas(chart, 2);
  };
  return (
    // Every SVG export has a CSV beside it: the figure's own table, or the data the chart's builder recorded.
    <Figure {...rest} toCanvas={toCanvas} svg={() => chart} csv={csv ?? (() => (chart ? chartData(chart) : null))}>
      <div ref={host} className="chart" />
    </Figure>
  );
}
