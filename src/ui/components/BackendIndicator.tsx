import { useId } from 'react';
import type { BackendName } from '../../workers/protocol';
import { appStore, useStore } from '../../state/store';
import { switchBackend } from '../compute';

const LABELS: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly (wasm)', cpu: 'CPU (plain JS)' };

/** Shows which tfjs backend computes, why it was chosen, and lets the user switch. */
export function BackendIndicator() {
  const status = useStore((s) => s.ui.backend);
  const busy = useStore((s) => s.ui.backendBusy);
  const id = useId();
  const options: BackendName[] = status ? status.order : ['wasm'];
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
        {status && status.failures.length > 0 && ` (fell back: ${status.failures.map((f) => `${f.backend} failed: ${f.error}`).join('; ')})`}
      </span>
    </div>
  );
}
