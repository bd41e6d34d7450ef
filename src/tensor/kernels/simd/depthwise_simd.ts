import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../conv_geometry.js';
import { heapView } from '../heap.js';
import { WASM_PLAIN, WASM_SHARED } from './depthwise_wasm.generated.js';

/** A `WebAssembly.Memory` (the project compiles without the DOM lib, which types `WebAssembly`). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The parts of the `WebAssembly` global used here. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The parts of tfjs-backend-wasm's emscripten module these kernels use. */
interface EmscriptenModule {
  /** The single-threaded build exports its memory... */
  asm?: { memory?: WasmMemory };
  /** ...the multi-threaded build creates a shared one and imports it. */
  wasmMemory?: WasmMemory;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

type I32 = number;

/** The exports of `depthwise.wat`: every pointer is a byte address in tfjs-backend-wasm's heap. */
interface DepthwiseExports {
  depthwiseFilterGrad(...args: [x: I32, dy: I32, out: I32, scratch: I32, ...geometry: I32[]]): void;
  depthwiseInputGrad(...args: [dy: I32, filter: I32, dx: I32, ...geometry: I32[]]): void;
}

/** One instance per heap (memory object); `null` where WebAssembly SIMD is unavailable. */
const instances = new WeakMap<WasmMemory, DepthwiseExports | null>();
/** `FEDMETANAS_WASM_SIMD_KERNELS=0` turns the SIMD kernels off (to benchmark the fallbacks). */
let enabled = process.env.FEDMETANAS_WASM_SIMD_KERNELS !== '0';

/**
 * Turn the SIMD depthwise kernels on or off (on by default; off makes the kernels take their
 * JS / XNNPACK paths, for tests and benchmarks). Returns the previous setting.
 */
export function setDepthwiseSimd(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

function emscripten(backend: KernelBackend): EmscriptenModule {
  return (backend as unknown as { wasm: EmscriptenModule }).wasm;
}

function decode(base64: string): Uint8Array {
  return Uint8Array.from(Buffer.from(base64, 'base64'));
}

function instantiate(memory: WasmMemory): DepthwiseExports | null {
  if (wasmApi == null) return null;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = decode(shared ? WASM_SHARED : WASM_PLAIN);
  if (!wasmApi.validate(bytes)) return null;
  try {
    const module = new wasmApi.Module(bytes);
    const instance = new wasmApi.Instance(module, { env: { memory } });
    return instance.exports as unknown as DepthwiseExports;
  } catch {
    return null;
  }
}

/** The SIMD kernels sharing `backend`'s heap, or `null` when off or unavailable. */
export function depthwiseSimd(backend: KernelBackend): DepthwiseExports | null {
  if (!enabled) return null;
  const module = emscripten(backend);
  const memory = module?.asm?.memory ?? module?.wasmMemory;
  if (memory == null) return null;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    kernels = instantiate(memory);
    instances.set(memory, kernels);
  }
  return kernels;
}

/** The byte address of a tensor's data in the wasm heap. */
function address(backend: KernelBackend, info: TensorInfo): number {
  return heapView(backend, info).byteOffset;
}

function geometryArgs(g: ConvGeometry): number[] {
  return [
    g.batch,
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.outHeight,
    g.outWidth,
    g.filterHeight,
    g.filterWidth,
    g.strideHeight,
    g.strideWidth,
    g.dilationHeight,
    g.dilationWidth,
    g.padTop,
    g.padLeft,
  ];
}

/**
 * `out[kh, kw, c] = sum x[b, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] * dy[b, i, j, c]` (channel
 * multiplier 1) with the SIMD kernel; `out` is a float32 heap tensor of shape `[kh, kw, c, 1]`.
 */
export function simdDepthwiseFilterGrad(
  kernels: DepthwiseExports,
  backend: KernelBackend,
  x: TensorInfo,
  dy: TensorInfo,
  out: TensorInfo,
  g: ConvGeometry,
): void {
  const module = emscripten(backend);
  const scratchBytes = g.filterHeight * g.filterWidth * g.outWidth * g.inChannels * 4;
  const scratch = module._malloc(Math.max(16, scratchBytes));
  if (scratch === 0) throw new RangeError(`simdDepthwiseFilterGrad: cannot allocate ${scratchBytes} bytes`);
  try {
    kernels.depthwiseFilterGrad(
      address(backend, x),
      address(backend, dy),
      address(backend, out),
      scratch,
      ...geometryArgs(g),
    );
  } finally {
    module._free(scratch);
  }
}

/**
 * `dx[b, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] += filter[kh, kw, c] * dy[b, i, j, c]` (channel
 * multiplier 1) with the SIMD kernel; `dx` is a float32 heap tensor of the input's shape, zeroed here.
 */
export function simdDepthwiseInputGrad(
  kernels: DepthwiseExports,
  backend: KernelBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  dx: TensorInfo,
  g: ConvGeometry,
): void {
  kernels.depthwiseInputGrad(
    address(backend, dy),
    address(backend, filter),
    address(backend, dx),
    ...geometryArgs(g),
  );
}
