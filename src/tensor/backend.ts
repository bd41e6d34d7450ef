import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, UnknownBackendError } from './errors.js';
import { registerWasmTrainingKernels } from './kernels/index.js';
import { registerTfjsGradients } from './gradients.js';
import { useThreadedWasm, wasmThreadCount } from './wasm_threads.js';

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type ResolvedBackend = Exclude<BackendChoice, 'auto'>;

/** What was asked for, what runs, and the versions: recorded with every run. */
export interface BackendInfo {
  requested: BackendChoice;
  name: ResolvedBackend;
  /** The tfjs engine's backend name (`tensorflow` for both native flavours). */
  tfBackend: string;
  versions: Record<string, string>;
  wasm?: { simd: boolean; threads: boolean; threadCount: number };
  gpuVisible: boolean;
}

export const INSTALL_HINTS: Record<ResolvedBackend, string> = {
  'tensorflow-gpu':
    'npm install @tensorflow/tfjs-node-gpu@4.22.0 (needs CUDA 11.2+/cuDNN 8 and an NVIDIA GPU)',
  tensorflow: 'npm install @tensorflow/tfjs-node@4.22.0',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
  cpu: 'npm install @tensorflow/tfjs-backend-cpu@4.22.0',
};

/** The npm package that provides each backend. */
export const BACKEND_PACKAGES: Record<ResolvedBackend, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const require = createRequire(import.meta.url);

/** The installed version of a package, or undefined when it is not installed. */
export function installedVersion(pkg: string): string | undefined {
  try {
    const manifest = require(`${pkg}/package.json`) as { version?: string };
    return manifest.version;
  } catch {
    return undefined;
  }
}

/** True when an NVIDIA GPU is visible to this process. */
export function gpuVisible(): boolean {
  if (process.env.CUDA_VISIBLE_DEVICES === '' || process.env.CUDA_VISIBLE_DEVICES === '-1') return false;
  return existsSync('/dev/nvidia0') || existsSync('/proc/driver/nvidia/gpus');
}

export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new UnknownBackendError(
    `Error in --backend: expected one of ${BACKEND_CHOICES.join(', ')}, found '${value}'.`,
  );
}

/** The backend `auto` resolves to on this machine, by the documented order. */
export function resolveAuto(): ResolvedBackend {
  if (installedVersion(BACKEND_PACKAGES['tensorflow-gpu']) && gpuVisible()) return 'tensorflow-gpu';
  if (installedVersion(BACKEND_PACKAGES.tensorflow)) return 'tensorflow';
  if (installedVersion(BACKEND_PACKAGES.wasm)) return 'wasm';
  return 'cpu';
}

async function load(name: ResolvedBackend): Promise<void> {
  if (!installedVersion(BACKEND_PACKAGES[name])) {
    throw new BackendUnavailableError(
      `Backend '${name}' is not installed (package ${BACKEND_PACKAGES[name]} not found). Install it with: ${INSTALL_HINTS[name]}`,
    );
  }
  try {
    await import(BACKEND_PACKAGES[name]);
  } catch (err) {
    throw new BackendUnavailableError(
      `Backend '${name}' is installed but failed to load: ${(err as Error).message}. Reinstall with: ${INSTALL_HINTS[name]}`,
      { cause: err },
    );
  }
}

function tfBackendName(name: ResolvedBackend): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

let current: BackendInfo | undefined;

/** Options of `initBackend`. */
export interface InitBackendOptions {
  /**
   * wasm only: XNNPACK threads. Above 1, the multi-threaded SIMD build is loaded on worker_threads
   * (see `useThreadedWasm`); it must be chosen before the wasm backend first starts in the process.
   */
  threads?: number;
}

/**
 * Select and start a tensor backend. `auto` picks tfjs-node-gpu (installed and a GPU visible), then
 * tfjs-node, then wasm, then cpu. A backend named explicitly never falls back: it starts or throws
 * `BackendUnavailableError` with the install command.
 */
export async function initBackend(
  requested: BackendChoice = 'auto',
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const name = requested === 'auto' ? resolveAuto() : requested;
  // tfjs's own console banners (e.g. "install the node backend") are replaced by our run records.
  tf.enableProdMode();
  await load(name);
  if (name === 'wasm' && (options.threads ?? 1) > 1) await useThreadedWasm(options.threads ?? 1);
  const tfBackend = tfBackendName(name);
  const ok = await tf.setBackend(tfBackend);
  if (!ok) {
    throw new BackendUnavailableError(
      `Backend '${name}' failed to initialise in this process. Reinstall with: ${INSTALL_HINTS[name]}`,
    );
  }
  await tf.ready();
  await registerTfjsGradients();
  if (name === 'wasm') registerWasmTrainingKernels();
  const versions: Record<string, string> = { node: process.versions.node };
  versions['@tensorflow/tfjs-core'] = installedVersion('@tensorflow/tfjs-core') ?? 'unknown';
  versions[BACKEND_PACKAGES[name]] = installedVersion(BACKEND_PACKAGES[name]) ?? 'unknown';
  current = {
    requested,
    name,
    tfBackend,
    versions,
    gpuVisible: gpuVisible(),
    ...(name === 'wasm'
      ? {
          wasm: {
            simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
            threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
            threadCount: await wasmThreadCount(),
          },
        }
      : {}),
  };
  return current;
}

/** The backend started by the last `initBackend`, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}
