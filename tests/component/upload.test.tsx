// Uploads are refused by their byte size before any of the file is read, and the upload control says the limits.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../src/core/conventions';
import { createAppStore } from '../../src/state/store';
import { ImagePicker } from '../../src/ui/components/ImagePicker';
import { handleFile } from '../../src/ui/image/upload';

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
