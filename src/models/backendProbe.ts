// What compute the environment offers, and which backend to prefer. No tfjs here: probing must be cheap,
// and the ranking is a pure function so its policy can be unit-tested without a GPU.
import type { BackendName } from '../protocol/backend';

export interface BackendProbe {
  webgpu: { available: boolean; isFallbackAdapter?: boolean; description?: string };
  webgl: { available: boolean; renderer?: string };
  wasm: { available: boolean; simd?: boolean };
}

export interface BackendRanking {
  /** Every backend, best first; unavailable ones last. */
  order: BackendName[];
  /** The available backends, in `order`'s order (always ends with cpu). */
  available: BackendName[];
  /** One short sentence per backend, for the UI. */
  reasons: Record<BackendName, string>;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|software|softpipe|basic render/i;
const SOFTWARE_NAMES: Record<string, string> = {
  swiftshader: 'SwiftShader',
  llvmpipe: 'llvmpipe',
  softpipe: 'softpipe',
  'basic render': 'Microsoft Basic Render Driver',
  software: 'a software rasterizer',
};

/** The software renderer a GPU description names (e.g. 'SwiftShader'), or null for a real GPU or no name. */
export function softwareRendererName(description: string | undefined): string | null {
  const m = description?.match(SOFTWARE_RENDERER);
  return m ? (SOFTWARE_NAMES[m[0].toLowerCase()] ?? m[0]) : null;
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/**
 * Policy: a hardware WebGPU adapter first, then WebGL on a real GPU, then wasm, then the software GPU paths
 * (SwiftShader and friends are many times slower than wasm for training, but they stay selectable),
 * then the plain-JS cpu backend, which always works.
 */
export function rankBackends(probe: BackendProbe): BackendRanking {
  const { webgpu, webgl, wasm } = probe;
  const slowerThan = wasm.available ? 'slower than wasm here' : 'slow';
  const gpuSoftwareName = softwareRendererName(webgpu.description);
  const gpuSoftware = Boolean(webgpu.isFallbackAdapter || gpuSoftwareName);
  const glSoftware = softwareRendererName(webgl.renderer);

  const fast: BackendName[] = [];
  const slow: BackendName[] = [];
  if (webgpu.available) (gpuSoftware ? slow : fast).push('webgpu');
  if (webgl.available) (glSoftware ? slow : fast).push('webgl');
  // Among the slow GPU paths, WebGL first: tfjs's WebGL kernels are the more mature ones.
  slow.sort((a, b) => (a === 'webgl' ? -1 : b === 'webgl' ? 1 : 0));
  const available: BackendName[] = [...fast, ...(wasm.available ? (['wasm'] as const) : []), ...slow, 'cpu'];
  const order = [...available, ...(['webgpu', 'webgl', 'wasm'] as const).filter((b) => !available.includes(b))];

  const gpuName = webgpu.description ? short(webgpu.description) : 'a hardware adapter';
  const reasons: Record<BackendName, string> = {
    webgpu: !webgpu.available
      ? 'WebGPU is not available here'
      : gpuSoftware
        ? `WebGPU adapter is ${gpuSoftwareName ? `${gpuSoftwareName} (software)` : 'a software fallback'}: ${slowerThan}`
        : `WebGPU on ${gpuName}: the fastest path for training`,
    webgl: !webgl.available
      ? 'WebGL2 is not available here'
      : glSoftware
        ? `WebGL renderer is ${glSoftware} (software): ${slowerThan}`
        : `WebGL2 on ${webgl.renderer ? short(webgl.renderer) : 'an unnamed GPU'}: GPU-accelerated`,
    wasm: !wasm.available
      ? 'WebAssembly is not available here'
      : wasm.simd
        ? 'WebAssembly with SIMD on the CPU: steady and portable'
        : 'WebAssembly without SIMD on the CPU: slower than with SIMD',
    cpu: 'Plain JavaScript on the CPU: always works, but slowest',
  };
  return { order, available, reasons };
}

// --- Probing. Each probe answers "unavailable" instead of throwing, in a page, a Web Worker or Node. ---

/** The smallest module using a SIMD instruction (i8x16.popcnt), as wasm-feature-detect does. */
const SIMD_MODULE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);
const EMPTY_MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);

function probeWasm(): BackendProbe['wasm'] {
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(EMPTY_MODULE)) return { available: false };
    return { available: true, simd: WebAssembly.validate(SIMD_MODULE) };
  } catch {
    return { available: false };
  }
}

/** WebGL2's availability and renderer, from a 1 × 1 context made and given back at once (synchronous, and slow on some machines). */
export function probeWebgl(): BackendProbe['webgl'] {
  try {
    // OffscreenCanvas works in workers (which have no document); tfjs's WebGL backend uses it there too.
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : typeof document !== 'undefined'
          ? document.createElement('canvas')
          : null;
    // No failIfMajorPerformanceCaveat: we want to see software renderers, to name them and rank them down.
    const gl = canvas?.getContext('webgl2') as WebGL2RenderingContext | null | undefined;
    if (!gl) return { available: false };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '') || undefined;
    // Browsers cap live contexts (~16); give this one back now rather than at garbage collection.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, renderer };
  } catch {
    return { available: false };
  }
}

/** Some drivers never settle requestAdapter(); a probe must not hang start-up. */
const ADAPTER_TIMEOUT_MS = 3000;

async function probeWebgpu(): Promise<BackendProbe['webgpu']> {
  try {
    const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
    if (!gpu) return { available: false };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ADAPTER_TIMEOUT_MS)));
    // Same power preference as tfjs-backend-webgpu asks for, so we judge the adapter it will get.
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: 'high-performance' }), timeout]);
    clearTimeout(timer);
    if (!adapter) return { available: false };
    // isFallbackAdapter moved from the adapter to adapter.info; older browsers have only the former.
    const info = adapter.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
    const legacy = adapter as GPUAdapter & { isFallbackAdapter?: boolean };
    const description =
      info?.description || [info?.vendor, info?.architecture, info?.device].filter(Boolean).join(' ') || undefined;
    return { available: true, isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? legacy.isFallbackAdapter), description };
  } catch {
    return { available: false };
  }
}

/**
 * Checks what this environment really offers. Never throws; in Node only wasm shows up. `webgl` replaces the
 * in-thread WebGL probe (the model worker runs it on a thread of its own, so the context's creation, 60–140 ms with
 * a software renderer, overlaps tfjs's download instead of holding up its start); it must not throw either.
 */
export async function probeBackends(webgl: () => Promise<BackendProbe['webgl']> = async () => probeWebgl()): Promise<BackendProbe> {
  const [gl, webgpu] = await Promise.all([webgl(), probeWebgpu()]);
  return { webgpu, webgl: gl, wasm: probeWasm() };
}
