import { useEffect, useState } from 'react';
import { appStore } from '../state/store';
import { Header } from './components/Header';
import { Notices } from './components/Notices';
import { handleFile, pickFile } from './image/upload';
import { DepthPanel } from './panels/depth/DepthPanel';
import { PatchPanel } from './panels/patch/PatchPanel';
import { DiffusionPanel } from './panels/diffusion/DiffusionPanel';

/** Drop anywhere on the page, or paste, to use an image (or restore a view from an exported PNG). */
function useDropAndPaste(): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => { if (hasFiles(e)) { depth++; setOver(true); } };
    const leave = () => { depth = Math.max(0, depth - 1); if (depth === 0) setOver(false); };
    const overFn = (e: DragEvent) => { if (hasFiles(e)) e.preventDefault(); };
    const drop = (e: DragEvent) => {
      depth = 0;
      setOver(false);
      const f = pickFile(e.dataTransfer?.files);
      if (f) {
        e.preventDefault();
        void handleFile(appStore, f);
      }
    };
    const paste = (e: ClipboardEvent) => {
      const f = pickFile(e.clipboardData?.files);
      if (f) {
        e.preventDefault();
        void handleFile(appStore, f);
      }
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
    };
  }, []);
  return over;
}

export function App() {
  const dropping = useDropAndPaste();
  return (
    <>
      <Header />
      <Notices />
      <main className="panels">
        <PatchPanel />
        <DepthPanel />
        <DiffusionPanel />
      </main>
      <section className="lab" aria-labelledby="lab-title">
        <h2 id="lab-title">Equivalence lab</h2>
        <p className="coming-soon" role="note">
          <strong>Coming later.</strong> For any decomposition, how much its sub-tasks conflict: the cosine between the
          gradients of their losses, and how training on one transfers to the others.
        </p>
      </section>
      <footer className="app-footer">
        Images never leave this page. Sample credits: <a href="samples/CREDITS.md">samples/CREDITS.md</a>.
      </footer>
      {dropping && <div className="drop-overlay" aria-hidden="true">Drop an image (or an exported PNG to restore its view)</div>}
    </>
  );
}
