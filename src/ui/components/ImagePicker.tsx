import { useEffect, useId, useRef, useState } from 'react';
import { WORKING_SIZES } from '../../core/conventions';
import { UPLOAD_MARK } from '../../state/imageSlice';
import { appStore, useStore } from '../../state/store';
import { loadManifest, type SampleInfo } from '../image/samples';
import { handleFile, UPLOAD_LIMITS } from '../image/upload';
import { SelectField } from './SelectField';

export const ACCEPTED_TYPES = 'image/png,image/jpeg,image/webp,image/gif,image/bmp,.png,.jpg,.jpeg,.webp,.gif,.bmp';

/** Sample choice, working size and upload, plus the credit line of what is shown. */
export function ImagePicker() {
  const sampleId = useStore((s) => s.image.sampleId);
  const size = useStore((s) => s.image.size);
  const uploadName = useStore((s) => s.image.uploadName);
  const loading = useStore((s) => s.image.loading);
  const [samples, setSamples] = useState<SampleInfo[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const sampleSelect = useId();
  const limits = useId();

  useEffect(() => {
    loadManifest().then(setSamples, (e: Error) => appStore.getState().notify('error', `The built-in samples could not be listed: ${e.message}`));
  }, []);

  const current = samples.find((s) => s.id === sampleId);
  const { setImage } = appStore.getState();
  return (
    <div className="image-picker">
      <label htmlFor={sampleSelect}>Image</label>
      <select
        id={sampleSelect}
        value={sampleId}
        data-testid="sample-select"
        onChange={(e) => setImage({ sampleId: e.currentTarget.value })}
      >
        {sampleId === UPLOAD_MARK && <option value={UPLOAD_MARK}>Uploaded: {uploadName ?? 'image'}</option>}
        {samples.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </select>
      <SelectField label="Size" value={size} choices={WORKING_SIZES} format={(n) => `${n}×${n}`} testId="size-select" onChange={(n) => setImage({ size: n })} />
      <button type="button" aria-describedby={limits} title={UPLOAD_LIMITS} onClick={() => fileInput.current?.click()}>Upload…</button>
      <span id={limits} className="visually-hidden">{UPLOAD_LIMITS}</span>
      <input
        ref={fileInput}
        type="file"
        accept={ACCEPTED_TYPES}
        aria-label="Image file"
        aria-describedby={limits}
        hidden
        data-testid="file-input"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void handleFile(appStore, f);
        }}
      />
      <span className="credit" data-testid="credit">
        {loading ? 'Loading…' : sampleId === UPLOAD_MARK ? `Your image “${uploadName}” (stays in this page; never uploaded)` : current ? `${current.credit} · ${current.licence}` : ''}
      </span>
    </div>
  );
}
