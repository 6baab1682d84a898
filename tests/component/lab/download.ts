// Captures the files the page downloads (a Blob behind an object URL, clicked through a hidden link) in jsdom.
import { vi } from 'vitest';

export interface Download {
  name: string;
  type: string;
  text(): Promise<string>;
}

function readText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** Starts capturing: returns the list the downloads go to. vi.restoreAllMocks() undoes it. */
export function captureDownloads(): Download[] {
  const blobs = new Map<string, Blob>();
  const downloads: Download[] = [];
  let n = 0;
  Object.assign(URL, { createObjectURL: (b: Blob) => { const url = `blob:test/${++n}`; blobs.set(url, b); return url; }, revokeObjectURL: () => {} });
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href);
    if (blob) downloads.push({ name: this.download, type: blob.type, text: () => readText(blob) });
  });
  return downloads;
}

export { parseCsv } from '../../csv';
