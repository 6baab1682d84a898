// Every way an image arrives (file input, drop, paste) ends here. Bad input leaves the current image as it is
// and says why. A PNG exported by this app carries its view state: dropping it restores that view, and the
// notice offers to use the picture itself as the image instead.
import { readPngTextChunks } from '../../core/png';
import { applyHash } from '../../state/urlSync';
import type { AppStore } from '../../state/store';
import { STATE_KEYWORD } from '../export/exportPng';
import { decodeImageBytes, ImageInputError } from './decode';
import { setUploadedSource } from './pipeline';

export async function loadAsImage(store: AppStore, bytes: Uint8Array, name: string, type: string): Promise<void> {
  try {
    const source = await decodeImageBytes(bytes, type);
    setUploadedSource(store, source, name);
  } catch (e) {
    const why = e instanceof ImageInputError ? e.message : `Unexpected error: ${(e as Error).message}`;
    store.getState().notify('error', `“${name}” was not loaded. ${why} The previous image is still shown.`);
  }
}

function exportedState(bytes: Uint8Array): string | null {
  const isPng = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50;
  if (!isPng) return null;
  try {
    return readPngTextChunks(bytes)[STATE_KEYWORD] ?? null;
  } catch {
    return null;
  }
}

export async function handleFile(store: AppStore, file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const state = exportedState(bytes);
  if (state !== null) {
    applyHash(store, state);
    store.getState().notify('info', `Restored the view saved in “${file.name}”.`, {
      label: 'Use this picture as the image instead',
      run: () => void loadAsImage(store, bytes, file.name, file.type),
    });
    return;
  }
  await loadAsImage(store, bytes, file.name, file.type);
}

/** The first file of a drop or paste that could be an image (or any file, so that a wrong one is explained). */
export function pickFile(list: FileList | null | undefined): File | null {
  if (!list || list.length === 0) return null;
  return Array.from(list).find((f) => f.type.startsWith('image/')) ?? list[0];
}
