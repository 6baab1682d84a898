// What the model-host tests share: the model worker's real handler on tfjs's wasm backend, the shipped files
// read from public/ (a 404 for anything missing) and an in-memory store standing in for IndexedDB.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../src/models/tfjsRegistrations';
import { expect } from 'vitest';
import type { ModelStorage } from '../../../src/models/savedModels';
import { registerWasmTrainingKernels } from '../../../src/models/wasmKernels';
import { createComputeHandler, type ComputeHandlerDeps } from '../../../src/workers/dispatch';
import type { BackendStatus, Reply, Request } from '../../../src/protocol';
import { everyReplyClock } from './testPayloads';

export const PUBLIC = fileURLToPath(new URL('../../../public/', import.meta.url));
export const baseUrl = 'http://app.test/';
const status: BackendStatus = { active: 'wasm', reason: 'test', order: ['wasm'], failures: [], available: ['wasm'] };

/** Runs the suite's tfjs on wasm, with the training kernels wasm lacks when `trainingKernels`. */
export async function startWasm(trainingKernels = false): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  if (trainingKernels) registerWasmTrainingKernels();
}

/** Serves public/ by URL; `missing` lists path fragments that answer 404 as if absent; `log` collects the URLs asked for. */
export function fileFetch(missing: string[] = [], log: string[] = []) {
  return async (url: string) => {
    log.push(url);
    const path = `${PUBLIC}${url.slice(baseUrl.length)}`;
    if (missing.some((m) => url.includes(m)) || !existsSync(path)) return new Response('not found', { status: 404 });
    return new Response(readFileSync(path));
  };
}

/** A model store in memory, written and read with a model kind's serialize and deserialize; `items` shows what it holds. */
export function memoryStorage<M, J, Meta>(codec: {
  serialize: (model: M, meta: Meta) => Promise<{ json: J; weights: ArrayBuffer }>;
  deserialize: (json: J, weights: ArrayBuffer) => M;
}): ModelStorage<M, J, Meta> & { items: Map<string, { json: J; weights: ArrayBuffer }> } {
  const items = new Map<string, { json: J; weights: ArrayBuffer }>();
  return {
    items,
    has: async (name) => items.has(name),
    load: async (name) => {
      const item = items.get(name);
      if (!item) throw new Error(`nothing saved as ${name}`);
      return { model: codec.deserialize(item.json, item.weights), json: item.json };
    },
    save: async (name, model, meta) => void items.set(name, await codec.serialize(model, meta)),
    remove: async (name) => void items.delete(name),
  };
}

/** A request without its id. */
export type Payload = Request extends infer R ? (R extends { kind: infer K } ? Omit<R, 'id'> & { kind: K } : never) : never;

/**
 * The compute handler with the given hosts' options and a backend that is already running, and its replies. Its
 * clock moves PROGRESS_MS per reading, so every progress reply a host makes is posted (the dispatch's pacing has
 * tests of its own).
 */
export function harness(hosts: Omit<ComputeHandlerDeps, 'post' | 'initBackend' | 'now'>) {
  const replies: Reply[] = [];
  const handle = createComputeHandler({ post: (r) => replies.push(r), initBackend: async () => status, now: everyReplyClock(), ...hosts });
  let nextId = 1;
  /** Sends a request and resolves with its result (rejects with its error). */
  async function ask<T = unknown>(payload: Payload): Promise<T> {
    const id = nextId++;
    await handle({ ...payload, id } as Request);
    const last = replies.filter((r) => r.id === id).at(-1);
    if (last?.kind === 'result') return last.result as T;
    throw new Error(last?.kind === 'error' ? last.message : 'no answer');
  }
  return { replies, handle, ask, next: () => nextId++ };
}

export type Harness = ReturnType<typeof harness>;

/**
 * Starts a long training run (`payload`) and cancels it once two steps have reported progress (within
 * `timeout` ms); asserts that the worker answered 'cancelled' and that the progress carried step 1 with a
 * finite loss and a positive rate.
 */
export async function trainThenCancel({ handle, replies, next }: Harness, payload: Payload, timeout: number): Promise<void> {
  const id = next();
  const running = handle({ ...payload, id } as Request);
  await expect.poll(() => replies.filter((r) => r.id === id && r.kind === 'progress').length, { timeout, interval: 5 }).toBeGreaterThanOrEqual(2);
  await handle({ id, kind: 'cancel' });
  await running;
  const mine = replies.filter((r) => r.id === id);
  expect(mine.at(-1)).toEqual({ id, kind: 'error', message: 'cancelled' });
  const data = mine.flatMap((r) => (r.kind === 'progress' ? [r.data as { step: number; loss: number; stepsPerSecond: number }] : []));
  expect(data[0].step).toBe(1);
  expect(Number.isFinite(data[0].loss) && data[0].stepsPerSecond > 0).toBe(true);
}
