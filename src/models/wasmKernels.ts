// Gradient kernels that tfjs's wasm backend lacks or runs slowly, so conv nets train on wasm (the fastest
// backend on machines without a real GPU; see the tfjs notes of this project).
//
// - Conv2DBackpropFilter (the gradient of a conv's weights) is missing. dW[kh,kw,ci,co] =
//   Σ_{n,i,j} xpad[n, i·s + kh, j·s + kw, ci] · dy[n,i,j,co] is itself a convolution: of the input with batch
//   and channels swapped ([Cin, H, W, N]) by the output gradient as a filter ([Ho, Wo, N, Cout]), with the
//   forward stride as dilation. It reuses the backend's own fast (XNNPACK) Conv2D and Transpose kernels.
//   At stride 1 that convolution has a filter as large as the image and a kh × kw output, a shape XNNPACK
//   runs slowly (≈ 5× a forward conv of the same size at 28×28×16, batch 32): there each tap (i, j) of the
//   filter is one matrix product, dW[i, j]ᵀ = dyᵀ · x_ij with x_ij [N·Ho·Wo, Cin] the input shifted by the tap,
//   copied row by row on the wasm heap (the backend's Slice and Concat kernels are slower JS loops).
// - Conv2DBackpropInput at stride 1 is a naive loop; the same result is a forward conv of dy with the spatially
//   flipped filter, in and out channels swapped, padded by K − 1 − pad. Strided cases keep the original kernel.
import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

type Backend = { disposeData(dataId: object): void };
type WasmBackend = Backend & { makeOutput(shape: number[], dtype: 'float32'): TensorInfo; typedArrayFromHeap(t: TensorInfo): Float32Array };
type Run = (name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo;

let registered = false;

function runner(backend: Backend): { run: Run; done: (t: TensorInfo) => void } {
  const run: Run = (name, inputs, attrs) => {
    const kernel = getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm kernel ${name} is missing`);
    return kernel.kernelFunc({ inputs, attrs, backend } as never) as TensorInfo;
  };
  return { run, done: (t) => backend.disposeData(t.dataId) };
}

type Pad = backend_util.ExplicitPadding | number | 'same' | 'valid';

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number; pad: Pad; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number];
  };
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const { run, done } = runner(backend as unknown as Backend);
  if (info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
    return tapFilterGradient(x, dy, info, backend as unknown as WasmBackend, run, done);
  }
  const [, height, width] = x.shape;
  const [kh, kw] = filterShape;
  const sh = info.strideHeight, sw = info.strideWidth;
  const top = info.padInfo.top, left = info.padInfo.left;
  // Padding after the input so the output is exactly kh × kw; negative means rows/columns the forward never read.
  let bottom = kh - height - top + (info.outHeight - 1) * sh;
  let right = kw - width - left + (info.outWidth - 1) * sw;
  let input = x;
  if (bottom < 0 || right < 0) {
    input = run('Slice', { x }, { begin: [0, 0, 0, 0], size: [-1, height + Math.min(bottom, 0), width + Math.min(right, 0), -1] });
    bottom = Math.max(bottom, 0);
    right = Math.max(right, 0);
  }
  const xt = run('Transpose', { x: input }, { perm: [3, 1, 2, 0] }); // [Cin, H, W, N]
  if (input !== x) done(input);
  const ft = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, N, Cout]
  const out = run('Conv2D', { x: xt, filter: ft }, {
    strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [sh, sw],
  }); // [Cin, kh, kw, Cout]
  done(xt);
  done(ft);
  const dw = run('Transpose', { x: out }, { perm: [1, 2, 0, 3] });
  done(out);
  return dw;
};

/** out[r, c] = x[n, oh + i − top, ow + j − left, c] (0 outside the image), r = (n, oh, ow): the input seen by tap (i, j). */
function tapRows(x: Float32Array, out: Float32Array, info: backend_util.Conv2DInfo, i: number, j: number): void {
  const { inChannels: cin, outHeight: ho, outWidth: wo, batchSize: n, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  // Output columns whose input column ow + j − left lies inside the image.
  const first = Math.max(0, left - j);
  const end = Math.min(wo, w + left - j);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      const o = (b * ho + oh) * wo * cin;
      const ih = oh + i - top;
      if (ih < 0 || ih >= h || end <= first) {
        out.fill(0, o, o + wo * cin);
        continue;
      }
      out.fill(0, o, o + first * cin);
      const src = ((b * h + ih) * w + first + j - left) * cin;
      out.set(x.subarray(src, src + (end - first) * cin), o + first * cin);
      out.fill(0, o + end * cin, o + wo * cin);
    }
  }
}

function tapFilterGradient(x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, backend: WasmBackend, run: Run, done: (t: TensorInfo) => void): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: cin, outChannels: cout, outHeight: ho, outWidth: wo, batchSize: n } = info;
  const rows = n * ho * wo;
  const dyFlat = run('Reshape', { x: dy }, { shape: [rows, cout] });
  const dyT = run('Transpose', { x: dyFlat }, { perm: [1, 0] });
  done(dyFlat);
  const dyT3 = run('Reshape', { x: dyT }, { shape: [1, cout, rows] });
  done(dyT);
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const seen = backend.makeOutput([1, rows, cin], 'float32');
      // Heap views taken after the allocation (which may grow the wasm memory).
      tapRows(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(seen), info, i, j);
      taps.push(run('BatchMatMul', { a: dyT3, b: seen }, { transposeA: false, transposeB: false })); // [1, Cout, Cin]
      done(seen);
    }
  }
  done(dyT3);
  const dw = backend.makeOutput([kh, kw, cin, cout], 'float32');
  const out = backend.typedArrayFromHeap(dw);
  taps.forEach((t, k) => {
    const v = backend.typedArrayFromHeap(t);
    for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) out[(k * cin + ci) * cout + co] = v[co * cin + ci];
    done(t);
  });
  return dw;
}

function fastBackpropInput(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dimRoundingMode, inputShape, dataFormat } = attrs as unknown as {
      strides: [number, number] | number; pad: Pad; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number]; dataFormat?: string;
    };
    const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || (dataFormat !== undefined && dataFormat !== 'NHWC')) return original(args);
    const { run, done } = runner(backend as unknown as Backend);
    const [kh, kw] = filter.shape;
    const { top, bottom, left, right } = info.padInfo;
    const flipped = run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [kh, kw, Cout, Cin]
    done(flipped);
    const dx = run('Conv2D', { x: dy, filter: swapped }, {
      strides: [1, 1], pad: [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1],
    });
    done(swapped);
    return dx;
  };
}

/**
 * Registers the kernels above for the wasm backend. Call once the wasm backend runs (its own kernels must be
 * set up first); later calls do nothing. Safe when wasm is not loaded: it then does nothing either.
 */
export function registerWasmTrainingKernels(): void {
  if (registered || !getKernel('Conv2D', 'wasm')) return;
  registered = true;
  if (!getKernel('Conv2DBackpropFilter', 'wasm')) {
    registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter } as KernelConfig);
  }
  const original = getKernel('Conv2DBackpropInput', 'wasm');
  if (original) {
    unregisterKernel('Conv2DBackpropInput', 'wasm');
    // The original's setup (binding its wasm function) must still run if the backend is ever re-created.
    registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', setupFunc: original.setupFunc, kernelFunc: fastBackpropInput(original.kernelFunc) } as KernelConfig);
  }
}
