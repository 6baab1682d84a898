// The image every per-image request carries. tfjs-free, like the whole protocol layer.

/**
 * An RgbImage plus its content hash (core/image imageHash), which keys the workers' per-image caches. Its data
 * buffer is transferred to the worker, not copied: the page sends a copy (compute/requests.ts imagePayload).
 */
export type ImagePayload = { width: number; height: number; data: Float32Array; hash: string };
