// The image every per-image request carries. tfjs-free, like the whole protocol layer.

/**
 * An RgbImage plus its content hash (core/image imageHash), which keys the workers' per-image caches. Its data
 * buffer is transferred to the worker, not copied: the page sends a copy (compute/requests.ts imagePayload). When
 * the page is cross-origin isolated its working images live in shared memory and are shared, not copied: a worker
 * must never write into an image it is sent.
 */
export type ImagePayload = { width: number; height: number; data: Float32Array; hash: string };

/** Whether an array's memory is shared with the workers it is posted to (a SharedArrayBuffer). */
export function isShared(data: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
}
