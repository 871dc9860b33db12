/**
 * Which TensorFlow.js backends this installation has, best first. The tfjs-node packages download
 * libtensorflow at install time and are optional dependencies: where that download is impossible
 * they are simply absent, and jamfit falls back to the backends that install from npm alone.
 * Detection resolves the package without loading it (loading libtensorflow takes seconds).
 */
import { createRequire } from 'node:module';

export interface BackendInfo {
  name: string;
  available: boolean;
  note: string;
}

const require = createRequire(import.meta.url);

function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

export async function detectBackends(): Promise<BackendInfo[]> {
  const gpu = resolvable('@tensorflow/tfjs-node-gpu');
  const node = resolvable('@tensorflow/tfjs-node');
  return [
    { name: '@tensorflow/tfjs-node-gpu', available: gpu, note: gpu ? 'CUDA libtensorflow' : 'optional; needs libtensorflow download at install' },
    { name: '@tensorflow/tfjs-node', available: node, note: node ? 'native libtensorflow (CPU)' : 'optional; needs libtensorflow download at install' },
    { name: '@tensorflow/tfjs-backend-wasm', available: resolvable('@tensorflow/tfjs-backend-wasm'), note: 'WebAssembly SIMD, single thread' },
    { name: '@tensorflow/tfjs (cpu)', available: resolvable('@tensorflow/tfjs'), note: 'pure JavaScript, slowest' },
  ];
}
