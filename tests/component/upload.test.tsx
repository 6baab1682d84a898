// Uploads are refused by their byte size before any of the file is read, and the upload control says the limits;
// a dropped PNG's saved view is restored, or, when damaged or from a newer version, explained and left alone.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../src/core/conventions';
import { addPngTextChunk } from '../../src/core/png';
import { createAppStore } from '../../src/state/store';
import { ImagePicker } from '../../src/ui/components/ImagePicker';
import { STATE_KEYWORD } from '../../src/ui/export/exportPng';
import { handleFile } from '../../src/ui/image/upload';
import { png, solid } from '../imageFixtures';

afterEach(cleanup);

/** A file that reports `size` bytes and fails the test if anything tries to read it. */
function unreadableFile(name: string, size: number): { file: File; reads: ReturnType<typeof vi.fn> } {
  const file = new File([], name, { type: 'image/png' });
  const reads = vi.fn(() => { throw new Error('the file was read'); });
  Object.defineProperty(file, 'size', { value: size });
  for (const method of ['arrayBuffer', 'text', 'stream', 'slice', 'bytes']) Object.defineProperty(file, method, { value: reads });
  return { file, reads };
}

describe('uploading a file', () => {
  it('refuses a 200 MB file by its size without reading it, says the limit, and keeps the image', async () => {
    const store = createAppStore();
    const before = store.getState().image;
    const { file, reads } = unreadableFile('scan.png', 200 * 2 ** 20);
    await handleFile(store, file);
    expect(reads).not.toHaveBeenCalled();
    const notices = store.getState().ui.notices;
    expect(notices.map((n) => n.kind)).toEqual(['error']);
    expect(notices[0].text).toBe('“scan.png” was not loaded. It is 200.0 MB; the limit is 50 MB. The previous image is still shown.');
    expect(store.getState().image).toEqual(before);
  });

  it('reads a file of exactly the limit (and says what is wrong with its bytes instead)', async () => {
    const store = createAppStore();
    const file = new File([new Uint8Array(16)], 'zeros.png', { type: 'image/png' });
    Object.defineProperty(file, 'size', { value: MAX_UPLOAD_BYTES });
    Object.defineProperty(file, 'arrayBuffer', { value: () => Promise.resolve(new ArrayBuffer(16)) });
    await handleFile(store, file);
    expect(store.getState().ui.notices[0].text).toMatch(/zeros\.png.*not an image/);
  });

  it('explains a file the browser cannot read', async () => {
    const store = createAppStore();
    const file = new File([new Uint8Array(4)], 'gone.png', { type: 'image/png' });
    Object.defineProperty(file, 'arrayBuffer', { value: () => Promise.reject(new DOMException('The file was moved.', 'NotReadableError')) });
    await handleFile(store, file);
    expect(store.getState().ui.notices[0].text).toBe('“gone.png” was not loaded. The browser could not read the file (The file was moved.). The previous image is still shown.');
  });

  it('states the limits in the description of the upload button and the file input', () => {
    render(<ImagePicker />);
    const button = screen.getByRole('button', { name: 'Upload…' });
    const description = document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent ?? '';
    expect(description).toMatch(/up to 50 MB and 50 megapixels/);
    const input = screen.getByTestId('file-input');
    expect(input.getAttribute('aria-describedby')).toBe(button.getAttribute('aria-describedby'));
    expect(input.getAttribute('aria-label')).toBe('Image file');
  });
});

/** A file holding `bytes` (jsdom's File cannot give its bytes back, so they are handed over directly). */
function fileOf(bytes: Uint8Array, name: string): File {
  const file = new File([], name, { type: 'image/png' });
  Object.defineProperty(file, 'size', { value: bytes.length });
  Object.defineProperty(file, 'arrayBuffer', { value: () => Promise.resolve(bytes.slice().buffer) });
  return file;
}

const picture = new Uint8Array(png({ width: 2, height: 2, row: solid(2, [10, 20, 30]) }));
const exported = (text: string) => addPngTextChunk(picture, STATE_KEYWORD, text);

describe('dropping a PNG that carries a view', () => {
  it('restores the view and offers the picture instead', async () => {
    const store = createAppStore();
    await handleFile(store, fileOf(exported('v=1&bits=2'), 'figure.png'));
    expect(store.getState().depth.bits).toBe(2);
    const [notice] = store.getState().ui.notices;
    expect([notice.kind, notice.text, notice.action?.label]).toEqual(['info', 'Restored the view saved in “figure.png”.', 'Use this picture as the image instead']);
  });

  it('says a view with a corrupted checksum or a cut length is damaged, and keeps the current view', async () => {
    const bytes = exported('v=1&bits=2');
    const textAt = 8 + 25; // signature, then IHDR's 25 bytes: the text chunk (placed right after IHDR) starts here
    const badText = bytes.slice();
    badText[textAt + 8 + STATE_KEYWORD.length + 1 + 4] ^= 0xff; // a byte of its text, past length, type and keyword
    const badLength = bytes.slice();
    badLength.set([0x7f, 0xff, 0xff, 0xff], textAt);
    for (const [bad, name] of [[badText, 'flipped.png'], [badLength, 'cut.png']] as const) {
      const store = createAppStore();
      const before = store.getState().depth;
      await handleFile(store, fileOf(bad, name));
      expect(store.getState().depth).toEqual(before);
      const [notice] = store.getState().ui.notices;
      expect(notice.kind).toBe('error');
      expect(notice.text).toBe(`The view saved in “${name}” is damaged (its text chunk is cut short or fails its checksum) and was not restored; the current view is kept.`);
      expect(notice.action?.label).toBe('Use this picture as the image instead');
    }
    // The checks above do hit the text chunk.
    expect(new DataView(bytes.buffer).getUint32(textAt)).toBe(STATE_KEYWORD.length + 1 + 'v=1&bits=2'.length);
  });

  it('keeps the current view when the saved one is from a newer version, or is no view at all, and says why', async () => {
    for (const [text, why] of [
      ['v=2&bits=2', 'was made by a newer version of the app (v=2)'],
      ['hello', 'has no version (v=…)'],
      [`v=${'9'.repeat(300)}`, `was made by a newer version of the app (v=${'9'.repeat(40)}…)`],
    ]) {
      const store = createAppStore();
      const before = store.getState().depth;
      await handleFile(store, fileOf(exported(text), 'later.png'));
      expect(store.getState().depth).toEqual(before);
      expect(store.getState().ui.notices.map((n) => [n.kind, n.text])).toEqual([
        ['error', `The view saved in “later.png” ${why}, which this version cannot read; the current view is kept.`],
      ]);
    }
  });

  it('reads a view beside a 1 MB text chunk, and a 1 MB view, with short notices', async () => {
    const store = createAppStore();
    const big = addPngTextChunk(exported('v=1&bits=3'), 'Comment', 'x'.repeat(2 ** 20));
    await handleFile(store, fileOf(big, 'annotated.png'));
    expect(store.getState().depth.bits).toBe(3);

    const other = createAppStore();
    await handleFile(other, fileOf(exported(`v=1&bits=5&note=${'y'.repeat(2 ** 20)}`), 'padded.png'));
    expect(other.getState().depth.bits).toBe(5);
    const texts = other.getState().ui.notices.map((n) => n.text);
    expect(texts).toEqual(['Part of this link could not be used. Ignored an unknown key: “note”.', 'Restored the view saved in “padded.png”.']);
  });
});
