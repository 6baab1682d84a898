import { useId, useState } from 'react';
import type { BackendName, WasmThreads } from '../../protocol';
import { appStore, useStore } from '../../state/store';
import { switchBackend } from '../../compute/requests';
import { useWorkerAction } from '../hooks/useWorkerAction';

const LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly (wasm)', cpu: 'CPU (plain JS)' };

/** How many threads wasm computes with, in a few words, and the sentence that explains the limit. */
export function threadText(t: WasmThreads): { short: string; why: string } {
  const n = `${t.count} thread${t.count === 1 ? '' : 's'}`;
  if (!t.isolated) return { short: `${n} (page not isolated)`, why: 'The page is not cross-origin isolated, so wasm cannot share memory with more threads.' };
  const why = t.count === 1 && t.cores < 4 ? `wasm computes with one thread per two logical cores; this device has ${t.cores}.` : `wasm computes with one thread per two logical cores (at most 8).`;
  return { short: `${n} (${t.cores} cores)`, why: why[0].toUpperCase() + why.slice(1) };
}

/** Shows which tfjs backend computes, why it was chosen, and lets the user switch. */
export function BackendIndicator() {
  const status = useStore((s) => s.ui.backend);
  const busy = useStore((s) => s.ui.backendBusy);
  const id = useId();
  const options: BackendName[] = status ? status.order : ['wasm'];
  // `checks` counts answers, so a repeated identical reading is still visibly a new one.
  const [memory, setMemory] = useState<{ text: string; checks: number } | null>(null);
  const measure = useWorkerAction('tf-memory');
  const checkMemory = async () => {
    const show = (text: string) => setMemory((m) => ({ text, checks: (m?.checks ?? 0) + 1 }));
    const o = await measure.run({});
    if (o.status === 'done') show(o.result ? `${o.result.numTensors} tensors, ${(o.result.numBytes / 2 ** 20).toFixed(2)} MB` : 'no models loaded yet');
    else if (o.status === 'error') show(`unavailable: ${o.error}`);
  };
  return (
    <div className="backend" data-testid="backend">
      <label htmlFor={id}>Compute</label>
      <select
        id={id}
        value={status?.active ?? ''}
        disabled={busy || !status}
        data-testid="backend-select"
        onChange={(e) => void switchBackend(appStore, e.currentTarget.value as BackendName)}
      >
        {!status && <option value="">starting…</option>}
        {options.map((b) => (
          <option key={b} value={b} disabled={status ? !status.available.includes(b) : false}>{LABELS[b]}</option>
        ))}
      </select>
      <span className="backend-reason" data-testid="backend-reason">
        {status ? status.reason : busy ? 'Checking what this browser offers…' : ''}
        {status?.threads && <span title={threadText(status.threads).why}>{` · ${threadText(status.threads).short}`}</span>}
        {status && status.failures.length > 0 && ` (fell back: ${status.failures.map((f) => `${f.backend} failed: ${f.error}`).join('; ')})`}
      </span>
      <button type="button" className="small-button" data-testid="tensor-memory-check" onClick={() => void checkMemory()} title="Tensors the models hold right now (they should not grow as you interact)">
        Tensors in memory
      </button>
      {memory && <output data-testid="tensor-memory" data-checks={memory.checks} aria-live="polite">{memory.text}</output>}
    </div>
  );
}
