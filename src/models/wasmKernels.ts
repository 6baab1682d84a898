// Gradient kernels that tfjs's wasm backend lacks or runs slowly, so conv nets train on wasm (the fastest
// backend on machines without a real GPU; see the tfjs notes of this project).
//
// - Conv2DBackpropFilter (the gradient of a conv's weights) is missing. dW[kh,kw,ci,co] =
//   Σ_{n,i,j} xpad[n, i·s + kh, j·s + kw, ci] · dy[n,i,j,co] is itself a convolution: of the input with batch
//   and channels swapped ([Cin, H, W, N]) by the output gradient as a filter ([Ho, Wo, N, Cout]), with the
//   forward stride as dilation. It reuses the backend's own fast (XNNPACK) Conv2D and Transpose kernels.
// - Conv2DBackpropInput at stride 1 is a naive loop; the same result is a forward conv of dy with the spatially
//   flipped filter, in and out channels swapped, padded by K − 1 − pad. Strided cases keep the original kernel.
import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

type Backend = { disposeData(dataId: object): void };
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
