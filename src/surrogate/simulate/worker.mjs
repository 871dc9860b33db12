// Piscina worker of `jamfit simulate`: one task = one chunk (compute-chunk.ts writeChunk). Plain
// JavaScript so that it loads in any Node process.
//
// THE ONE PLACE that decides how the TypeScript module is loaded: in a build, the compiled
// compute-chunk.js sits beside this file and is imported natively; in development (a clone run
// through tsx) only compute-chunk.ts exists and is imported through tsx's namespaced importer
// (worker threads do not reliably inherit tsx's loader hooks on Node 20).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let modPromise;
function load() {
  if (!modPromise) {
    const js = new URL('./compute-chunk.js', import.meta.url);
    modPromise = existsSync(fileURLToPath(js))
      ? import(js.href)
      : import('tsx/esm/api').then(({ tsImport }) => tsImport('./compute-chunk.ts', import.meta.url));
  }
  return modPromise;
}

export default async function task({ config, index, dir }) {
  const mod = await load();
  return mod.writeChunk(config, index, dir);
}
