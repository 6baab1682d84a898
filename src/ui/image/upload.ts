// Every way an image arrives (file input, drop, paste) ends here. Bad input leaves the current image as it is
// and says why. A PNG exported by this app carries its view state: dropping it restores that view, and the
// notice offers to use the picture itself as the image instead.
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS } from '../../core/conventions';
import { readPngTextChunks } from '../../core/png';
import { unreadableVersion } from '../../state/hash';
import { applyHash } from '../../state/urlSync';
import type { AppStore } from '../../state/store';
import { STATE_KEYWORD } from '../export/exportPng';
import { decodeImageBytes, ImageInputError } from './decode';
import { setUploadedSource } from './pipeline';

const MB = 2 ** 20;

/** What the app accepts, as the file input's description and the refusals say it. */
export const UPLOAD_LIMITS = `PNG, JPEG, WebP, GIF or BMP, up to ${MAX_UPLOAD_BYTES / MB} MB and ${MAX_UPLOAD_PIXELS / 1e6} megapixels; an animated image gives its first frame.`;

function refuse(store: AppStore, name: string, why: string): void {
  store.getState().notify('error', `“${name}” was not loaded. ${why} The previous image is still shown.`);
}

export async function loadAsImage(store: AppStore, bytes: Uint8Array, name: string, type: string): Promise<void> {
  try {
    const source = await decodeImageBytes(bytes, type);
    setUploadedSource(store, source, name);
  } catch (e) {
    refuse(store, name, e instanceof ImageInputError ? e.message : `Unexpected error: ${(e as Error).message}`);
  }
}

/** The view an exported PNG carries: none, its text, or damaged (the chunk is there but fails its checksum or length). */
type SavedView = { kind: 'none' } | { kind: 'view'; text: string } | { kind: 'damaged' };

/** The bytes that start the app's text chunk in an exported PNG: its type and keyword. */
const STATE_MARK = Uint8Array.from(`tEXt${STATE_KEYWORD}\0`, (c) => c.charCodeAt(0));

function contains(bytes: Uint8Array, mark: Uint8Array): boolean {
  for (let at = bytes.indexOf(mark[0]); at >= 0 && at + mark.length <= bytes.length; at = bytes.indexOf(mark[0], at + 1)) {
    if (mark.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

function savedView(bytes: Uint8Array): SavedView {
  const isPng = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50;
  if (!isPng) return { kind: 'none' };
  const text = readPngTextChunks(bytes)[STATE_KEYWORD];
  if (text !== undefined) return { kind: 'view', text };
  // readPngTextChunks skips a chunk that fails its checksum, and stops at one whose length runs past the file.
  return contains(bytes, STATE_MARK) ? { kind: 'damaged' } : { kind: 'none' };
}

/** Reads a file of at most MAX_UPLOAD_BYTES; a larger one is refused by its size, before any of it is read. */
async function readBounded(store: AppStore, file: File): Promise<Uint8Array | null> {
  if (file.size > MAX_UPLOAD_BYTES) {
    refuse(store, file.name, `It is ${(file.size / MB).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / MB} MB.`);
    return null;
  }
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    refuse(store, file.name, `The browser could not read the file (${(e as Error).message}).`);
    return null;
  }
}

export async function handleFile(store: AppStore, file: File): Promise<void> {
  const bytes = await readBounded(store, file);
  if (bytes === null) return;
  const saved = savedView(bytes);
  const useAsImage = { label: 'Use this picture as the image instead', run: () => void loadAsImage(store, bytes, file.name, file.type) };
  if (saved.kind === 'damaged') {
    store.getState().notify('error', `The view saved in “${file.name}” is damaged (its text chunk is cut short or fails its checksum) and was not restored; the current view is kept.`, useAsImage);
    return;
  }
  if (saved.kind === 'view') {
    const unreadable = unreadableVersion(saved.text);
    if (unreadable !== null) {
      store.getState().notify('error', `The view saved in “${file.name}” ${unreadable}, which this version cannot read; the current view is kept.`, useAsImage);
      return;
    }
    applyHash(store, saved.text);
    store.getState().notify('info', `Restored the view saved in “${file.name}”.`, useAsImage);
    return;
  }
  await loadAsImage(store, bytes, file.name, file.type);
}

/** The first file of a drop or paste that could be an image (or any file, so that a wrong one is explained). */
export function pickFile(list: FileList | null | undefined): File | null {
  if (!list || list.length === 0) return null;
  return Array.from(list).find((f) => f.type.startsWith('image/')) ?? list[0];
}
