// The build step that lets the multi-threaded wasm backend start its threads: each thread evaluates the text of
// the binary's JavaScript factory, so that text must be the published source, not the minified copy.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { wasmThreadSource } from '../../../vite.config';

const require = createRequire(import.meta.url);
const FILE = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const ORIGINAL = readFileSync(FILE, 'utf8');

type Transform = (code: string, id: string) => { code: string } | null;
const transform = wasmThreadSource().transform as unknown as Transform;

/** Runs a CommonJS module's code and returns its exports. */
function exportsOf(code: string): unknown {
  const module = { exports: {} as unknown };
  runInNewContext(code, { module, exports: module.exports });
  return module.exports;
}

describe('the threaded wasm factory keeps its published text', () => {
  it('gives the factory the source of the function it exports, which a thread can evaluate on its own', () => {
    const out = transform(ORIGINAL, FILE);
    expect(out).not.toBeNull();
    const factory = exportsOf(out!.code) as { toString(): string };
    expect(typeof factory).toBe('function');
    const text = factory.toString();
    // What the thread's Blob holds: it must define the factory without the module's enclosing scope.
    const thread = exportsOf(`var WasmBackendModuleThreadedSimd = ${text}; module.exports = WasmBackendModuleThreadedSimd;`);
    expect(typeof thread).toBe('function');
    expect(text.startsWith('function(WasmBackendModuleThreadedSimd)')).toBe(true);
    expect(ORIGINAL.includes(text)).toBe(true);
    // The whole factory, not a prefix: it ends by returning the module's ready promise.
    expect(text.trimEnd().endsWith('}')).toBe(true);
    expect(text).toContain('return WasmBackendModuleThreadedSimd.ready');
  });

  it('leaves every other module alone', () => {
    expect(transform('export const x = 1;', '/src/core/x.ts')).toBeNull();
  });

  it('refuses a factory file whose shape changed, instead of shipping threads that fail', () => {
    expect(() => transform('var WasmBackendModuleThreadedSimd = 1;', FILE)).toThrow(/shape/);
  });
});
