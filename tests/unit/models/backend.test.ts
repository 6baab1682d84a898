import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import {
  initBackend,
  probeBackends,
  rankBackends,
  recoverFromBackendLoss,
  setWebglProbe,
  type BackendProbe,
  type BackendStatus,
} from '../../../src/models/backend';

const none: BackendProbe = { webgpu: { available: false }, webgl: { available: false }, wasm: { available: false } };
const wasmSimd: BackendProbe['wasm'] = { available: true, simd: true };

describe('rankBackends', () => {
  it('puts WebGL on a real GPU above wasm', () => {
    const r = rankBackends({ ...none, webgl: { available: true, renderer: 'ANGLE (NVIDIA GeForce RTX 3060)' }, wasm: wasmSimd });
    expect(r.order.slice(0, 3)).toEqual(['webgl', 'wasm', 'cpu']);
    expect(r.available).toEqual(['webgl', 'wasm', 'cpu']);
    expect(r.reasons.webgl).toContain('NVIDIA');
  });

  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', 'SwiftShader'],
    ['llvmpipe (LLVM 15.0.7, 256 bits)', 'llvmpipe'],
    ['Microsoft Basic Render Driver', 'Microsoft Basic Render Driver'],
  ])('puts software WebGL (%s) below wasm but keeps it selectable', (renderer, name) => {
    const r = rankBackends({ ...none, webgl: { available: true, renderer }, wasm: wasmSimd });
    expect(r.available).toEqual(['wasm', 'webgl', 'cpu']);
    expect(r.reasons.webgl).toBe(`WebGL renderer is ${name} (software): slower than wasm here`);
  });

  it('does not choose a fallback WebGPU adapter first', () => {
    const r = rankBackends({ ...none, webgpu: { available: true, isFallbackAdapter: true }, wasm: wasmSimd });
    expect(r.order[0]).toBe('wasm');
    expect(r.available).toEqual(['wasm', 'webgpu', 'cpu']);
    expect(r.reasons.webgpu).toMatch(/fallback/);
  });

  it('puts a hardware WebGPU adapter first', () => {
    const r = rankBackends({
      webgpu: { available: true, isFallbackAdapter: false, description: 'Apple M2' },
      webgl: { available: true, renderer: 'Apple GPU' },
      wasm: wasmSimd,
    });
    expect(r.order).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('falls to cpu when nothing else is available, listing the rest last', () => {
    const r = rankBackends(none);
    expect(r.order[0]).toBe('cpu');
    expect(r.available).toEqual(['cpu']);
    expect([...r.order].sort()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
    for (const reason of Object.values(r.reasons)) expect(reason.length).toBeGreaterThan(0);
  });
});

describe('probeBackends in Node', () => {
  it('finds no GPU but does find wasm', async () => {
    const p = await probeBackends();
    expect(p.webgpu.available).toBe(false);
    expect(p.webgl.available).toBe(false);
    expect(p.wasm.available).toBe(true);
  });

  it('takes WebGL from the probe it is given (a worker probes on another thread)', async () => {
    const p = await probeBackends(async () => ({ available: true, renderer: 'Google SwiftShader' }));
    expect(p.webgl).toEqual({ available: true, renderer: 'Google SwiftShader' });
    expect(p.wasm.available).toBe(true);
  });
});

describe('initBackend in Node', () => {
  // The engine's tensor count: tf.memory() needs a backend, and none is registered before initBackend loads one.
  const liveTensors = () => tf.engine().state.numTensors;

  it('really activates wasm when preferred, leaking no tensors and loading no other backend', async () => {
    const before = liveTensors();
    const status = await initBackend('wasm');
    expect(status.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(status.failures).toEqual([]);
    expect(status.available).toContain('wasm');
    expect(liveTensors()).toBe(before);
    // Each backend's code is imported when it is first tried: the cpu fallback is not needed here.
    expect(tf.findBackendFactory('cpu')).toBeNull();
    expect(Array.from(await tf.tidy(() => tf.mul(tf.tensor([1, 2, 3]), 2)).data())).toEqual([2, 4, 6]);
  }, 30_000);

  it('falls back from a preferred backend this environment lacks, recording why', async () => {
    const before = liveTensors();
    const status = await initBackend('webgpu');
    expect(status.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(status.failures).toEqual([{ backend: 'webgpu', error: 'WebGPU is not available here' }]);
    expect(liveTensors()).toBe(before);
  }, 30_000);

  it('records the real error of a backend whose initialisation fails, and falls back to cpu', async () => {
    // Stand in a wasm backend that fails the way a blocked binary download does, then restore the real one.
    await initBackend('wasm'); // registers the real one
    const real = tf.findBackendFactory('wasm');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); // tfjs logs the failure too
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', () => Promise.reject({ message: 'Make sure the server can serve the .wasm file' }), 2);
    try {
      const status = await initBackend('wasm');
      expect(status.active).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      expect(status.failures).toEqual([{ backend: 'wasm', error: 'Make sure the server can serve the .wasm file' }]);
    } finally {
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', real, 2);
      warn.mockRestore();
    }
    expect((await initBackend()).active).toBe('wasm');
  }, 30_000);

  it('ranks with the WebGL probe a worker put in place, until it is taken away', async () => {
    const probe = vi.fn(async () => ({ available: true, renderer: 'Google SwiftShader' }));
    setWebglProbe(probe);
    try {
      const status = await initBackend();
      expect(probe).toHaveBeenCalledTimes(1);
      expect(status.active).toBe('wasm'); // a software renderer ranks below wasm
      expect(status.available).toEqual(['wasm', 'webgl', 'cpu']);
    } finally {
      setWebglProbe(undefined);
    }
    expect((await initBackend()).available).toEqual(['wasm', 'cpu']);
    expect(probe).toHaveBeenCalledTimes(1);
  }, 30_000);

  it('moves to the next backend when the active one is lost and reports it', async () => {
    await initBackend('wasm');
    const seen: BackendStatus[] = [];
    const status = await recoverFromBackendLoss('wasm', 'simulated loss', (s) => seen.push(s));
    expect(status.active).toBe('cpu');
    expect(status.failures[0]).toEqual({ backend: 'wasm', error: 'simulated loss' });
    expect(seen).toEqual([status]);
    expect(tf.getBackend()).toBe('cpu');
    // The lost backend stays selectable and starts afresh.
    expect((await initBackend('wasm')).active).toBe('wasm');
  }, 30_000);
});
