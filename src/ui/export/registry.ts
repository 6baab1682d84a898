// Every exportable figure registers how to draw itself to a canvas, so "Export all" can gather them in page order.
import type { CsvTable } from './csv';

export interface Exportable {
  id: string;
  panel: string;
  title: string;
  /** null while the figure has nothing to show yet. */
  toCanvas(): Promise<HTMLCanvasElement | null>;
  /** The figure's data (charts and tables); null when it has none or nothing to show yet. */
  csv(): CsvTable | null;
}

const figures = new Map<string, Exportable>();

export function registerExportable(item: Exportable): () => void {
  figures.set(item.id, item);
  return () => {
    if (figures.get(item.id) === item) figures.delete(item.id);
  };
}

export function exportables(): Exportable[] {
  const all = [...figures.values()];
  // Page order: the order the figures appear in the document.
  const pos = (e: Exportable) => {
    const el = document.querySelector(`[data-export-id="${CSS.escape(e.id)}"]`);
    return el ? Array.from(document.querySelectorAll('[data-export-id]')).indexOf(el) : 1e9;
  };
  return all.sort((a, b) => pos(a) - pos(b));
}
