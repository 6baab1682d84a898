import { useState } from 'react';
import { UPLOAD_MARK } from '../../state/imageSlice';
import { appStore } from '../../state/store';
import { currentHash } from '../../state/urlSync';
import { compositeCanvases } from '../export/composite';
import { combinedCsv, toCsv } from '../export/csv';
import { downloadBytes, exportPngWithState } from '../export/exportPng';
import { exportFileName } from '../export/fileName';
import { exportables } from '../export/registry';
import { BackendIndicator } from './BackendIndicator';
import { ImagePicker } from './ImagePicker';

export function linkForCurrentView(): string {
  return `${location.origin}${location.pathname}#${currentHash(appStore)}`;
}

async function copyLink(): Promise<void> {
  const url = linkForCurrentView();
  const s = appStore.getState();
  try {
    await navigator.clipboard.writeText(url);
  } catch {
    // Clipboard access can be refused (permissions, insecure origin): show the link so it can be copied by hand.
    s.notify('info', `Copy this link: ${url}`);
    return;
  }
  if (s.image.sampleId === UPLOAD_MARK) {
    s.notify('info', 'Link copied. Your uploaded image cannot travel in a link: whoever opens it sees the same settings on a built-in sample.');
  } else {
    s.notify('info', 'Link copied: it restores this exact view.');
  }
}

/** One PNG of every figure on the page, with a caption of the parameters, and one CSV of every figure's data. */
async function exportAll(setBusy: (b: boolean) => void): Promise<void> {
  setBusy(true);
  try {
    const s = appStore.getState();
    const figures = exportables();
    const drawn = await Promise.all(figures.map(async (e) => ({ title: `${e.panel}: ${e.title}`, canvas: await e.toCanvas() })));
    // Figures still being computed are left out, and the caption says how many.
    const items = drawn.filter((d): d is { title: string; canvas: HTMLCanvasElement } => d.canvas !== null);
    const pending = drawn.length - items.length;
    const hash = currentHash(appStore);
    const image = s.image.sampleId === UPLOAD_MARK ? `uploaded image “${s.image.uploadName}”` : `sample “${s.image.sampleId}”`;
    const caption = `Decomposition Explorer · ${image} at ${s.image.size}×${s.image.size} · patch order: ${s.patch.ordering}, ${s.patch.patch}-px patches, step ${s.patch.step} · depth: ${s.depth.view === 'bitplanes' ? `bit-planes, ${s.depth.bits} bits per channel` : `${s.depth.view}, step ${s.depth.d}`} · diffusion: ${s.diffusion.schedule}, t = ${s.diffusion.t.toFixed(3)}, ${s.diffusion.weighting} · backend ${s.ui.backend?.active ?? 'n/a'} · view ${hash}${pending > 0 ? ` · ${pending} figure(s) still computing were left out` : ''}`;
    const canvas = compositeCanvases(items, caption, { columns: 3 });
    const params = { img: s.image.sampleId, size: s.image.size, bits: s.depth.bits };
    await exportPngWithState(canvas, exportFileName('all', 'panels', params, 'png'), hash);
    const tables = figures.flatMap((e) => {
      const table = e.csv();
      return table ? [{ panel: e.panel, title: e.title, table }] : [];
    });
    if (tables.length > 0) downloadBytes(toCsv(combinedCsv(tables)), exportFileName('all', 'data', params, 'csv'), 'text/csv;charset=utf-8');
  } catch (e) {
    appStore.getState().notify('error', `Export all failed: ${(e as Error).message}`);
  } finally {
    setBusy(false);
  }
}

export function Header() {
  const [busy, setBusy] = useState(false);
  return (
    <header className="app-header">
      <h1>Decomposition Explorer</h1>
      <ImagePicker />
      <BackendIndicator />
      <div className="header-actions">
        <button type="button" onClick={() => void copyLink()} data-testid="copy-link">Copy link</button>
        <button type="button" onClick={() => void exportAll(setBusy)} disabled={busy} data-testid="export-all">
          {busy ? 'Exporting…' : 'Export all'}
        </button>
      </div>
    </header>
  );
}
