import { startTransition, useEffect, useRef, useState, type ComponentType } from 'react';
import { appStore } from '../state/store';
import { Header } from './components/Header';
import { Notices } from './components/Notices';
import { StartHere } from './components/StartHere';
import { handleFile, pickFile } from './image/upload';
import { DepthPanel } from './panels/depth/DepthPanel';
import { PanelPlaceholder } from './panels/Panel';
import { ClaimsTour } from './panels/claims/ClaimsTour';
import { loadFormulas } from './formulas/formulas';

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

interface LaterPanels {
  patch: ComponentType | null;
  diffusion: ComponentType | null;
  lab: ComponentType | null;
}

/**
 * The Patch and Diffusion panels and the Equivalence lab are chunks of their own, loaded once `after` resolves and
 * mounted together in a transition: their first render (charts of hundreds of points, noised images) is done in
 * slices that let input and the first panel's updates through, so neither their code nor that render delays the
 * first panel or blocks the page once it is shown.
 */
function useLaterPanels(after: Promise<void> | undefined, onMounted: (() => void) | undefined): LaterPanels {
  const [panels, setPanels] = useState<LaterPanels>({ patch: null, diffusion: null, lab: null });
  const mounted = useRef(onMounted);
  useEffect(() => {
    mounted.current = onMounted;
  });
  useEffect(() => {
    let live = true;
    void (async () => {
      await after;
      if (!live) return;
      try {
        const [{ PatchPanel }, { DiffusionPanel }, { LabPanel }] = await Promise.all([
          import('./panels/patch/PatchPanel'), import('./panels/diffusion/DiffusionPanel'), import('./panels/lab/LabPanel'),
        ]);
        if (live) startTransition(() => setPanels({ patch: PatchPanel, diffusion: DiffusionPanel, lab: LabPanel }));
      } catch (e) {
        if (live) appStore.getState().notify('error', `Part of the page could not load (${(e as Error).message}); reloading the page may help.`);
      }
    })();
    return () => {
      live = false;
    };
  }, [after]);
  const all = panels.patch !== null && panels.diffusion !== null && panels.lab !== null;
  useEffect(() => {
    if (!all) return;
    mounted.current?.(); // after the commit: the panels' own effects (their first requests) have run
    void loadFormulas(); // KaTeX, once the first panel is shown: until it arrives the formulas read as plain text
  }, [all]);
  return panels;
}

interface AppProps {
  /** Called once, after the first render is committed and the panels' first effects (their requests) have run. */
  onMounted?: () => void;
  /**
   * The Patch and Diffusion panels and the lab load once this resolves (main.tsx passes the moment the Depth panel
   * has shown its first image and analyses); until then each shows its title in a placeholder. Without it, at once.
   */
  restAfter?: Promise<void>;
  /** Called once those have mounted. */
  onRestMounted?: () => void;
}

export function App({ onMounted, restAfter, onRestMounted }: AppProps) {
  const dropping = useDropAndPaste();
  const mounted = useRef(onMounted);
  useEffect(() => {
    mounted.current?.();
  }, []);
  const { patch: PatchPanel, diffusion: DiffusionPanel, lab: LabPanel } = useLaterPanels(restAfter, onRestMounted);
  return (
    <>
      <Header />
      <Notices />
      <StartHere />
      <ClaimsTour />
      <main className="panels">
        {PatchPanel ? <PatchPanel /> : <PanelPlaceholder id="patch" title="Patch order" />}
        <DepthPanel />
        {DiffusionPanel ? <DiffusionPanel /> : <PanelPlaceholder id="diffusion" title="Diffusion" />}
        {LabPanel ? <LabPanel /> : (
          <section className="lab" aria-labelledby="lab-title" aria-busy="true" data-testid="panel-lab">
            <h2 id="lab-title">Equivalence lab</h2>
            <p className="explanation">Loading…</p>
          </section>
        )}
      </main>
      <footer className="app-footer">
        Images never leave this page. Sample credits: <a href="samples/CREDITS.md">samples/CREDITS.md</a>.
      </footer>
      {dropping && <div className="drop-overlay" aria-hidden="true">Drop an image (or an exported PNG to restore its view)</div>}
    </>
  );
}
