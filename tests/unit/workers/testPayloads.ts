// Shared by the worker tests, and free of tfjs (hostHarness.ts loads it): images as requests carry them, and the
// clock that lets every progress reply through the dispatch's pacing.
import { createImage, imageHash } from '../../../src/core/image';
import { PROGRESS_MS } from '../../../src/workers/dispatch';
import type { ImagePayload } from '../../../src/protocol';

/** A width × height image whose i-th value (interleaved RGB) is value(i), with its hash, as a request carries it. */
export function imagePayload(width: number, height: number, value: (i: number) => number): ImagePayload {
  const img = createImage(width, height);
  for (let i = 0; i < img.data.length; i++) img.data[i] = value(i);
  return { ...img, hash: imageHash(img) };
}

/** A clock that moves PROGRESS_MS per reading: every progress reply is posted (the pacing has tests of its own). */
export function everyReplyClock(): () => number {
  let t = 0;
  return () => (t += PROGRESS_MS);
}
