// The I/O every shipped model shares: reading a weights file with byte progress, and saving/loading a
// model's JSON plus weights through a tf.io handler ('indexeddb://name' in the browser, in-memory in tests).
// Each model's weights.ts keeps its own JSON format and (de)serialization.
import * as tf from '@tensorflow/tfjs';

export type Progress = (loadedBytes: number, totalBytes: number | null) => void;

/** The part of a model JSON this module needs: one weights group, as tfjs's model.json lays it out. */
export type ManifestJson = { weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };

/** Reads a response body, reporting bytes as they arrive (total from Content-Length when known). */
export async function readWithProgress(response: Response, onProgress?: Progress): Promise<ArrayBuffer> {
  if (!response.ok) throw new Error(`${response.url || 'weights'}: HTTP ${response.status}`);
  const header = response.headers.get('content-length');
  const total = header ? Number(header) : null;
  if (!response.body || !onProgress) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out.buffer;
}

/** Saves a model's JSON (its manifest becomes the weight specs, the rest the topology) and weights. */
export async function saveArtifacts(handler: tf.io.IOHandler | string, json: ManifestJson, weights: ArrayBuffer, format: string): Promise<void> {
  const io = typeof handler === 'string' ? tf.io.getSaveHandlers(handler)[0] : handler;
  if (!io?.save) throw new Error(`no save handler for ${String(handler)}`);
  const { weightsManifest, ...topology } = json;
  await io.save({
    modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'],
    weightSpecs: weightsManifest[0].weights,
    weightData: weights,
    format,
  });
}

/** Loads what saveArtifacts saved: the model JSON (with an empty paths list) and the weights. */
export async function loadArtifacts<J extends ManifestJson>(handler: tf.io.IOHandler | string): Promise<{ json: J; weights: ArrayBuffer }> {
  const io = typeof handler === 'string' ? tf.io.getLoadHandlers(handler)[0] : handler;
  if (!io?.load) throw new Error(`no load handler for ${String(handler)}`);
  const artifacts = await io.load();
  const topology = artifacts.modelTopology as Omit<J, 'weightsManifest'> | undefined;
  if (!topology || !artifacts.weightSpecs || !artifacts.weightData) throw new Error('saved model is incomplete');
  const json = { ...topology, weightsManifest: [{ paths: [], weights: artifacts.weightSpecs }] } as unknown as J;
  return { json, weights: tf.io.CompositeArrayBuffer.join(artifacts.weightData) };
}
