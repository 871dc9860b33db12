/**
 * Which TensorFlow.js backends this installation has, best first. The tfjs-node packages download
 * libtensorflow at install time and are optional dependencies: where that download is impossible
 * they are simply absent, and jamfit falls back to the backends that install from npm alone.
 * Detection resolves the package without loading it (loading libtensorflow takes seconds).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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

/**
 * Whether a tfjs-node package (as resolved from `from`, a file URL) is installed WITH its native binding (lib/napi-v*\/tfjs_binding.node,
 * built at install time). An install whose libtensorflow download failed leaves the package
 * folder without it (as on a machine without internet), and importing it then fails.
 */
export function nativeTfInstalled(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node', from: string = import.meta.url): boolean {
  const req = createRequire(from);
  let manifest: string;
  try {
    manifest = req.resolve(`${pkg}/package.json`);
  } catch {
    return false;
  }
  const lib = join(dirname(manifest), 'lib');
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((d) => d.startsWith('napi-v') && existsSync(join(lib, d, 'tfjs_binding.node')));
}

export async function detectBackends(): Promise<BackendInfo[]> {
  const gpu = nativeTfInstalled('@tensorflow/tfjs-node-gpu');
  const node = nativeTfInstalled('@tensorflow/tfjs-node');
  return [
    { name: '@tensorflow/tfjs-node-gpu', available: gpu, note: gpu ? 'CUDA libtensorflow' : 'optional; needs libtensorflow download at install' },
    { name: '@tensorflow/tfjs-node', available: node, note: node ? 'native libtensorflow (CPU)' : 'optional; needs libtensorflow download at install' },
    { name: '@tensorflow/tfjs-backend-wasm', available: resolvable('@tensorflow/tfjs-backend-wasm'), note: 'WebAssembly SIMD, single thread' },
    { name: '@tensorflow/tfjs (cpu)', available: resolvable('@tensorflow/tfjs'), note: 'pure JavaScript, slowest' },
  ];
}
